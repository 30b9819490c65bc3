import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import type { SaqtaDB } from '../../utils/db';

/** Counts read for the rows shown, per list version (a row scrolled back into view reads nothing). */
const cache = new Map<string, number>();

/**
 * An article row's number of claims, read after the row is on screen (a
 * count on the `pageId` index), so the first rows of the library show
 * without waiting for 50 counts. "…" until then.
 */
export function ClaimCount(props: { db: SaqtaDB; pageId: string; version: unknown }) {
  const key = `${String(props.version)}\u0000${props.pageId}`;
  const [n, setN] = useState<number | undefined>(() => cache.get(key));
  useEffect(() => {
    const known = cache.get(key);
    if (known !== undefined) return setN(known);
    setN(undefined);
    let live = true;
    void props.db.annotations.where('pageId').equals(props.pageId).count().then((c) => {
      if (cache.size > 5000) cache.clear();
      cache.set(key, c);
      if (live) setN(c);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return <span data-testid="claim-count">{t('libClaimsN', [n === undefined ? '…' : String(n)])}</span>;
}

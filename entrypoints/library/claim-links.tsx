import { useEffect, useState } from 'preact/hooks';
import { t } from '../../utils/ext/i18n';
import { pageOf, quoteOf, type Annotation } from '../../utils/annotation';
import { areaOf } from '../../utils/pdf/area';
import type { CaptureRecord, PageRecord, SaqtaDB } from '../../utils/db';
import { CiteButtons } from '../../components/CiteButtons';
import './claim-links.css';
import { claimsTagged } from '../../utils/store/tag-ids';

/** Where a claim opens: the saved copy in the reader, scrolled to the claim; the live page when nothing was saved. */
function claimHref(a: Annotation, page: PageRecord | undefined): { href: string; external: boolean } {
  if (page?.savedAt) return { href: `reader.html?page=${encodeURIComponent(a.pageId)}&claim=${encodeURIComponent(a.id)}`, external: false };
  return { href: page?.url ?? a.target.source, external: true };
}

/** A claim's quote as a link to its place. */
export function ClaimLink({ claim, page }: { claim: Annotation; page: PageRecord | undefined }) {
  const { href, external } = claimHref(claim, page);
  return (
    <>
    <a href={href} data-testid="open-claim" dir="auto" title={external ? t('libOpenLive') : t('libOpenInReader')} {...(external ? { target: '_blank', rel: 'noreferrer' } : {})}>
      {quoteOf(claim)?.exact ?? (areaOf(claim) ? t('pdfAreaOnPage', String(areaOf(claim)!.page)) : '')}
    </a>
    {pageOf(claim) && <span class="muted pdf-page-no"> · {t('pdfPageNo', pageOf(claim)!.label ?? String(pageOf(claim)!.index + 1))}</span>}
    </>
  );
}

/** The page and its newest capture, read when a citation is copied. */
async function citeSourceOf(db: SaqtaDB, a: Annotation): Promise<{ page: PageRecord | null; capture: CaptureRecord | null }> {
  const [page, captures] = await Promise.all([db.pages.get(a.pageId), db.captures.where('pageId').equals(a.pageId).toArray()]);
  captures.sort((x, y) => y.capturedAt.localeCompare(x.capturedAt));
  return { page: page ?? null, capture: captures[0] ?? null };
}

export function LibraryCite({ db, claim, onError }: { db: SaqtaDB; claim: Annotation; onError(m: string): void }) {
  return <CiteButtons annotation={claim} load={() => citeSourceOf(db, claim)} onError={onError} />;
}

/**
 * One tag's claims grouped by article (the library's Claims tab, filtered by
 * a tag, "Group by article"): articles newest first, claims in page order
 * (their position in the article's text), each opening the reader at its place.
 */
export function TagGroups({ db, tag, version, onError }: { db: SaqtaDB; tag: string; version: number; onError(m: string): void }) {
  const [groups, setGroups] = useState<{ page: PageRecord | undefined; claims: Annotation[] }[] | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      const claims = (await (await claimsTagged(db, [tag])).toArray()) as Annotation[];
      const byPage = new Map<string, Annotation[]>();
      for (const a of claims) byPage.set(a.pageId, [...(byPage.get(a.pageId) ?? []), a]);
      const pages = await db.pages.bulkGet([...byPage.keys()]);
      const out = [...byPage.entries()].map(([id, list], i) => ({
        page: pages[i] ?? undefined,
        claims: list.sort((x, y) => positionStart(x) - positionStart(y)),
        id,
      }));
      out.sort((x, y) => (y.page?.createdAt ?? '').localeCompare(x.page?.createdAt ?? ''));
      if (live) setGroups(out);
    })();
    return () => {
      live = false;
    };
  }, [tag, version]);
  if (!groups) return <p class="muted">{t('loading')}</p>;
  return (
    <div class="tag-groups" data-testid="tag-groups">
      {groups.map((g) => (
        <section class="tag-group" key={g.claims[0].pageId} aria-label={g.page?.title}>
          <h3 dir="auto" lang={g.page?.lang}>
            {g.page?.title ?? g.claims[0].target.source} <span class="muted">({g.claims.length})</span>
          </h3>
          <ol>
            {g.claims.map((a) => (
              <li key={a.id} data-claim-id={a.id}>
                <span class="swatch" style={{ background: `var(--hl-${a.body.color})` }} role="img" aria-label={t(`color_${a.body.color}`)} />{' '}
                <ClaimLink claim={a} page={g.page} /> {a.body.note && <span class="note muted">— {a.body.note}</span>}{' '}
                <LibraryCite db={db} claim={a} onError={onError} />
              </li>
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}

function positionStart(a: Annotation): number {
  return a.target.selector.find((s) => s.type === 'TextPositionSelector')?.start ?? Number.MAX_SAFE_INTEGER;
}

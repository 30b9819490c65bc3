/**
 * Runs in the benchmark page: the work Saqta's content script does on every
 * page load (highlighter.ts `pageInfo`), with readable names, timed.
 */
import { textFingerprint } from '../../utils/anchoring';
import { canonicalOf } from '../../utils/page-meta';
import { pageKeys } from '../../utils/url';

export function measure() {
  const t0 = performance.now();
  const fingerprint = textFingerprint(document.body);
  const t1 = performance.now();
  pageKeys(location.href, canonicalOf(document), fingerprint);
  const t2 = performance.now();
  return { textFingerprintMs: t1 - t0, pageKeysMs: t2 - t1 };
}

/**
 * Runs in the benchmark page: the work Saqta's content script does on a page
 * load without claims (entrypoints/content/index.ts `check`), with readable
 * names, timed: the page identity, and in idle time the fingerprint's page
 * half (fingerprintCandidates; the background normalizes and hashes) — and,
 * for comparison, the whole fingerprint as the page computed it before.
 */
import { textFingerprint } from '../../utils/anchoring';
import { capped, fingerprintCandidates } from '../../utils/anchoring/fingerprint-candidates';
import { canonicalOf } from '../../utils/page-meta';
import { pageKeys } from '../../utils/url';

export function measure() {
  const t0 = performance.now();
  pageKeys(location.href, canonicalOf(document), null);
  const t1 = performance.now();
  capped(fingerprintCandidates(document.body));
  const t2 = performance.now();
  textFingerprint(document.body);
  const t3 = performance.now();
  return { pageKeysMs: t1 - t0, fingerprintCandidatesMs: t2 - t1, wholeFingerprintInPageMs: t3 - t2 };
}

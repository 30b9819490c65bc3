/**
 * Revisit detection, the content script's part: in idle time, the live
 * page's text blocks (utils/anchoring/fingerprint-candidates.ts) go to the background, which hashes them
 * into the page's digest (fingerprint.ts `digestOf`) and compares the article
 * with the newest capture only when the digest differs (off this page's
 * main thread). A change brings a discreet toast inside Saqta's closed UI.
 */
import { send } from '../../utils/ext/client';
import { t } from '../../utils/ext/i18n';
import { capped, digestCandidates } from '../../utils/anchoring/fingerprint-candidates';
import type { LazyHighlighter } from './lazy';

let told = '';

export async function revisitNotice(pageId: string, ui: LazyHighlighter): Promise<void> {
  await new Promise<void>((done) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => done(), { timeout: 3000 }) : setTimeout(done, 50)));
  const res = await send('watch.revisit', { pageId, fingerprint: null, digestParts: capped(digestCandidates(document.body)) });
  if (!res.ok || res.value.state !== 'changed' || !res.value.check?.changes) return;
  const { check } = res.value;
  if (told === check.id) return; // once per change per page load
  told = check.id;
  const s = check.changes!.summary;
  const h = await ui.get();
  h?.notice(t('watchNoticeInPage', [String(s.changed + s.removed + s.added), String(s.claims)]));
}

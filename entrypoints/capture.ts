import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { extractArticle } from '../utils/extract';
import { snapshotDocument } from '../utils/snapshot/serialize';
import { canonicalOf } from '../utils/page-meta';
import type { CapturePayload } from '../utils/background/types';

/**
 * Injected on demand by the background when the reader saves
 * (browser.scripting.executeScript, files: ['/capture.js']); never part of
 * the always-on content script. Reads the live page — nothing in it changes —
 * and returns the article and the snapshot to the background.
 */
export default defineUnlistedScript((): CapturePayload => {
  const win = window as Window & typeof globalThis;
  let article: CapturePayload['article'] = null;
  try {
    article = extractArticle(document, win);
  } catch {
    article = null; // not an article: the snapshot, raw HTML and screenshot are still kept
  }
  const snapshot = snapshotDocument(document, {
    // Saqta's own in-page UI (closed shadow hosts named saqta-*) is not the page.
    skip: (el) => el.localName.startsWith('saqta-'),
  });
  return {
    url: location.href,
    title: document.title,
    canonical: canonicalOf(document),
    lang: document.documentElement.lang || undefined,
    article,
    snapshot,
    // Every resource the page loaded (scripts, styles, fonts, images, XHR), for the web archive.
    resources: performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /^https?:/i.test(u)),
  };
});

/**
 * Extraction of fetched or copied HTML, in a document that is not the page
 * (the offscreen document in Chrome, the event page in Firefox; jsdom in
 * tests): parse it inert with DOMParser, give it the page's base URL, run
 * the same Readability extraction and snapshot serializer a save runs in the
 * tab. Pure DOM (no `browser.*`).
 */
import { extractArticle, paragraphsOf } from '../extract';
import { sanitizeArticle } from '../extract/sanitize';
import { snapshotDocument } from '../snapshot/serialize';
import type { Extracted } from '../background/types';

function parseAt(html: string, url: string, win: Window & typeof globalThis): Document {
  const doc = new win.DOMParser().parseFromString(html, 'text/html');
  // Relative links and images resolve against the article's URL, not ours (the snapshot drops <base> again).
  const base = doc.createElement('base');
  base.setAttribute('href', url);
  doc.head.prepend(base);
  return doc;
}

/** Paragraphs of article HTML, as the reader shows them (sanitized again, then split into blocks). */
export function paragraphsOfHtml(html: string, win: Window & typeof globalThis): string[] {
  const inert = new win.DOMParser().parseFromString(`<!doctype html><body>${sanitizeArticle(html, win)}`, 'text/html');
  return paragraphsOf(inert.body);
}

export function extractHtml(html: string, url: string, withSnapshot: boolean, win: Window & typeof globalThis): Extracted {
  const doc = parseAt(html, url, win);
  // The snapshot first: extraction works on a clone, but keep the order of a save anyway.
  const snapshot = withSnapshot ? snapshotDocument(doc, { skip: (el) => el.localName.startsWith('saqta-') }) : undefined;
  if (snapshot) {
    snapshot.url = url;
    snapshot.title = doc.title;
  }
  let article = null;
  try {
    article = extractArticle(doc, win);
  } catch {
    article = null;
  }
  return { article, paragraphs: article ? paragraphsOfHtml(article.html, win) : [], ...(snapshot ? { snapshot } : {}) };
}

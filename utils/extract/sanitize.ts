/**
 * The one sanitizer for saved article HTML (DOMPurify). Used when saving and
 * again in every extension page before showing saved HTML. Pure: it takes the
 * window DOMPurify works in.
 */
import createDOMPurify from 'dompurify';

/** Tags a saved article may keep: text, structure, figures, tables. */
const FORBID_TAGS = ['style', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'video', 'audio', 'source', 'track', 'picture', 'svg', 'math', 'noscript', 'template'];
/** Attributes that could fetch, run or restyle from the network. */
const FORBID_ATTR = ['style', 'srcset', 'sizes', 'background', 'poster', 'ping', 'action', 'formaction', 'xlink:href', 'loading', 'decoding', 'class', 'id'];

const CONFIG = {
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  // Only web links and in-page anchors; images are swapped for stored blobs by the views.
  ALLOWED_URI_REGEXP: /^(?:https?:|#|data:image\/(?:png|jpe?g|gif|webp|avif);base64,|blob:)/i,
};

/** One DOMPurify per window (it keeps no state between calls: no hooks are added). */
const purifiers = new WeakMap<object, ReturnType<typeof createDOMPurify>>();
function purifierOf(win: Window & typeof globalThis) {
  let p = purifiers.get(win);
  if (!p) purifiers.set(win, (p = createDOMPurify(win)));
  return p;
}

export function sanitizeArticle(html: string, win: Window & typeof globalThis): string {
  return purifierOf(win).sanitize(html, CONFIG) as string;
}

/**
 * The same sanitizing, answered as the sanitized <body> (of an inert document
 * DOMPurify made) instead of a string, for callers that read the result: its
 * `innerHTML` is exactly what `sanitizeArticle` returns, without parsing that
 * string a second time.
 */
export function sanitizeArticleToBody(html: string, win: Window & typeof globalThis): HTMLElement {
  return purifierOf(win).sanitize(html, { ...CONFIG, RETURN_DOM: true }) as HTMLElement;
}

/**
 * Sanitize with the article config and say what DOMPurify took out (import
 * checks: a bundle's saved article is sanitized again, and what was removed
 * is reported). `removed` holds DOMPurify's own record of this call.
 */
export function sanitizeArticleReport(html: string, win: Window & typeof globalThis): { html: string; removed: RemovedItem[] } {
  const p = purifierOf(win);
  const out = p.sanitize(html, CONFIG) as string;
  return { html: out, removed: [...(p.removed as RemovedItem[])] };
}

/** One thing DOMPurify removed: an element, or an attribute of an element. */
export type RemovedItem = { element: Element } | { attribute: Attr | null; from: Element };

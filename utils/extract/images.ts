/**
 * Which image the reader actually saw. Pure DOM: no `browser.*`.
 *
 * A clone of the document has no loaded images, so before Readability runs
 * on the clone, every clone <img> gets the URL its live twin shows:
 * `currentSrc` (the srcset candidate the browser picked), else the `src`
 * the site's lazy loader put there, else the lazy attribute (data-src, …)
 * when the site never loaded it. srcset/sizes are dropped on the clone so
 * the saved article names exactly one image per <img>.
 */

/** Attributes lazy loaders keep the real URL in, most common first. */
const LAZY_ATTRS = ['data-src', 'data-lazy-src', 'data-original', 'data-url', 'data-lazy', 'data-hi-res-src'];

/** A tiny placeholder (data: GIF, blank SVG…) rather than the picture. */
function isPlaceholder(url: string | null | undefined): boolean {
  if (!url) return true;
  if (/^data:/i.test(url)) return url.length < 512;
  return /^(about:blank|javascript:)/i.test(url);
}

function absolute(url: string, base: string): string | null {
  try {
    const u = new URL(url.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'data:' ? u.href : null;
  } catch {
    return null;
  }
}

/** The URL a live <img> shows (or would show, for a lazy image never loaded). */
export function shownSrc(img: HTMLImageElement, base = img.ownerDocument.baseURI): string | null {
  const current = img.currentSrc;
  if (current && !isPlaceholder(current)) return absolute(current, base);
  const src = img.getAttribute('src');
  if (src && !isPlaceholder(src)) return absolute(src, base);
  for (const attr of LAZY_ATTRS) {
    const v = img.getAttribute(attr);
    if (v && !isPlaceholder(v)) return absolute(v, base);
  }
  const lazySet = img.getAttribute('data-srcset');
  if (lazySet) {
    const first = lazySet.split(',').map((c) => c.trim().split(/\s+/)[0]).filter(Boolean).pop();
    if (first) return absolute(first, base);
  }
  return null;
}

/**
 * Give every <img> of `clone` (a deep clone of `live`) the URL its live twin
 * shows. Relies on cloneNode keeping document order.
 */
export function pinShownImages(live: ParentNode, clone: ParentNode, base: string): void {
  const a = live.querySelectorAll('img');
  const b = clone.querySelectorAll('img');
  if (a.length !== b.length) return;
  a.forEach((img, i) => {
    const twin = b[i];
    const url = shownSrc(img, base);
    if (url) twin.setAttribute('src', url);
    twin.removeAttribute('srcset');
    twin.removeAttribute('sizes');
    twin.removeAttribute('loading');
    for (const attr of [...LAZY_ATTRS, 'data-srcset']) twin.removeAttribute(attr);
  });
  // <picture><source srcset> would override the pinned src.
  clone.querySelectorAll('picture source').forEach((s) => s.remove());
}

/** The distinct http(s) image URLs in an article's HTML, in document order. */
export function imageUrls(root: ParentNode): string[] {
  const out: string[] = [];
  root.querySelectorAll('img[src]').forEach((img) => {
    const src = img.getAttribute('src')!;
    if (/^https?:/i.test(src) && !out.includes(src)) out.push(src);
  });
  return out;
}

/** Facts a page states about itself. Pure DOM: no `browser.*`. */

/** The page's canonical URL (rel=canonical, else og:url), absolute, or null. */
export function canonicalOf(doc: Document): string | null {
  const link = doc.querySelector<HTMLLinkElement>('link[rel~="canonical" i][href]');
  const og = doc.querySelector<HTMLMetaElement>('meta[property="og:url" i][content]');
  const raw = link?.getAttribute('href') || og?.getAttribute('content');
  if (!raw) return null;
  try {
    const url = new URL(raw, doc.baseURI);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

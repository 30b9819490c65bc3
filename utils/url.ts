/**
 * Page identity from URLs: the same article at another URL (tracking
 * parameters, fragments, `www.`, trailing slash, canonical link) maps to the
 * same keys. Pure: no `browser.*`.
 */

const TRACKING_PARAMS = [
  /^utm_/i,
  /^fbclid$/i,
  /^gclid$/i,
  /^dclid$/i,
  /^msclkid$/i,
  /^yclid$/i,
  /^igshid$/i,
  /^mc_(cid|eid)$/i,
  /^_ga$/i,
  /^_gl$/i,
  /^ref_?src$/i,
  /^cmpid$/i,
  /^ocid$/i,
  /^spm$/i,
  /^share$/i,
  /^at_(medium|campaign|custom\d*)$/i,
  /^__twitter_impression$/i,
];

/**
 * A URL reduced to what identifies the document: lower-case host without
 * `www.`, no default port, no fragment, no tracking parameters, the remaining
 * parameters sorted, no trailing slash (except the root). Returns the input
 * unchanged when it is not an http(s) URL.
 */
export function normalizeUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return input;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return input;
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const port = url.port ? `:${url.port}` : '';
  // forEach, not the iterator: in a Firefox content script the URL is an Xray
  // wrapper whose searchParams iterator is "not iterable".
  const all: [string, string][] = [];
  url.searchParams.forEach((v, k) => all.push([k, v]));
  const params = all
    .filter(([k]) => !TRACKING_PARAMS.some((re) => re.test(k)))
    .sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a < b ? -1 : 1));
  const query = params.length
    ? `?${params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
    : '';
  let path = url.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1) path = path.replace(/\/$/, '');
  path = path.replace(/\/index\.html?$/i, '') || '/';
  return `${host}${port}${path}${query}`;
}

/** Keys under which a page is looked up; any one matching means "the same article". */
export interface PageKeys {
  url: string;
  normalizedUrl: string;
  canonicalUrl?: string;
  /** Normalized form of the canonical URL. */
  normalizedCanonical?: string;
  /** Text fingerprint of the article, for mirrors that change every URL. */
  fingerprint?: string;
}

export function pageKeys(url: string, canonical?: string | null, fingerprint?: string | null): PageKeys {
  const keys: PageKeys = { url, normalizedUrl: normalizeUrl(url) };
  if (canonical) {
    let abs = canonical;
    try {
      abs = new URL(canonical, url).href;
    } catch {
      /* keep as given */
    }
    keys.canonicalUrl = abs;
    keys.normalizedCanonical = normalizeUrl(abs);
  }
  if (fingerprint) keys.fingerprint = fingerprint;
  return keys;
}

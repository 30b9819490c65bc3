/**
 * A PDF's identity (docs/pdf.md, *Identity*). Pure.
 *
 * The page record of a PDF is looked up by its URL and by the SHA-256 of its
 * bytes (the `fingerprint` key of utils/url.ts, prefixed `pdf-sha256:` so it
 * can never equal a web page's text fingerprint): the same file fetched from
 * a mirror finds the same claims. The PDF's own `/ID` (the "fingerprint"
 * PDF.js reports) is kept with the capture but is NEVER a lookup key —
 * producers reuse it across unrelated documents (Hypothesis once merged 109
 * documents' claims that way).
 */
import { pageKeys, type PageKeys } from '../url';

const PDF_KEY_PREFIX = 'pdf-sha256:';

export function pdfPageKeys(url: string, sha256: string): PageKeys {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('A PDF key needs the SHA-256 of its bytes (64 hex digits).');
  return pageKeys(url, null, `${PDF_KEY_PREFIX}${sha256}`);
}

/** Is this page fingerprint a PDF's (`pdf-sha256:<hex>`)? The library's PDF mark. */
export function isPdfKey(fingerprint: string | undefined): boolean {
  return !!fingerprint?.startsWith(PDF_KEY_PREFIX);
}

/** The title a PDF is listed under: its /Title, else the file name from its URL, else the URL. */
export function pdfTitle(url: string, infoTitle?: string | null): string {
  const t = infoTitle?.replace(/\s+/g, ' ').trim();
  if (t) return t;
  try {
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    if (name) return name;
  } catch {
    /* fall through */
  }
  return url;
}

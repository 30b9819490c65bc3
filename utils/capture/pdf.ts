/**
 * The capture record of a PDF (docs/pdf.md, *Save*), built by the pipeline's one
 * `captureRecord` (./record.ts) as web pages' are: the
 * PDF's bytes are the `raw` artifact and the main HTTP exchange (the WARC
 * `response` record for the PDF's URL on export), the first page rendered as
 * an image is the `screenshot`, and `notes.pdf` says where the bytes came from
 * ("served" or a second fetch, with that fetch's headers in the exchange).
 */
import type { NewCapture, NewArtifact } from '../store/captures';
import type { HttpInfo } from '../snapshot/inline';
import { storedHeaders } from '../wacz/capture';
import { pdfPageKeys } from '../pdf/identity';
import { captureRecord } from './record';

interface PdfCaptureInput {
  url: string;
  bytes: Uint8Array;
  sha256: string;
  http: HttpInfo;
  source: 'served' | 'refetched' | 'file';
  title: string;
  lang?: string;
  /** The PDF's /ID pair as PDF.js reports it (never a lookup key: utils/pdf/identity.ts). */
  ids: string[];
  pages: number;
  firstPage: { bytes: Uint8Array; mime: string } | null;
  /** The text of each page as PDF.js reads it (the `article` artifact: the library searches it). */
  text?: string[];
  capturedAt: string;
  browser: string;
  extensionVersion: string;
}

export function pdfCapture(input: PdfCaptureInput): NewCapture {
  const artifacts: NewArtifact[] = [{ kind: 'raw', bytes: input.bytes, mime: 'application/pdf', sourceUrl: input.http.url || input.url }];
  if (input.firstPage) artifacts.push({ kind: 'screenshot', bytes: input.firstPage.bytes, mime: input.firstPage.mime });
  const html = pdfTextHtml(input.text ?? []);
  if (html) artifacts.push({ kind: 'article', bytes: new TextEncoder().encode(html), mime: 'text/html' });
  return captureRecord({
    keys: pdfPageKeys(input.url, input.sha256),
    title: input.title,
    meta: { title: input.title, ...(input.lang ? { lang: input.lang } : {}) },
    url: input.url,
    finalUrl: input.http.url || input.url,
    capturedAt: input.capturedAt,
    browser: input.browser,
    extensionVersion: input.extensionVersion,
    artifacts,
    exchanges: [
      {
        url: input.http.url || input.url,
        method: 'GET',
        date: input.http.date,
        status: input.http.status,
        statusText: input.http.statusText,
        requestHeaders: input.http.requestHeaders,
        responseHeaders: storedHeaders(input.http.headers, input.bytes.length),
        artifact: 0,
        main: true,
      },
    ],
    notes: {
      screenshot: input.firstPage ? 'ok' : 'none',
      pdf: { sha256: input.sha256, source: input.source, ids: input.ids.slice(0, 2), pages: input.pages },
    },
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The pages' text as a plain HTML article (a section per page, a paragraph per line; nothing
 * but escaped text), or '' when the PDF has no text (scanned): the library's full-text search
 * (utils/search/articles.ts, Kazakh Cyrillic↔Latin folding) indexes it like a web page's article.
 */
function pdfTextHtml(pages: string[]): string {
  if (!pages.some((p) => typeof p === 'string' && p.trim())) return '';
  return pages
    .map((text, i) => {
      const lines = String(text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
      return `<section data-pdf-page="${i + 1}">${lines.map((l) => `<p>${esc(l)}</p>`).join('')}</section>`;
    })
    .join('\n');
}

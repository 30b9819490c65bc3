/**
 * Background handlers of the PDF viewer's requests (utils/pdf/api.ts, docs/pdf.md).
 * Pure over `HandlerDeps`: the held bytes, fetching and the redirect bypass come
 * in through `PdfHost` (utils/ext/pdf-open.ts).
 */
import { fail, ok } from '../messages';
import type { PdfApi } from '../pdf/api';
import type { HandlerSet } from './types';
import { fromBase64 } from '../evidence/bytes';
import { sha256Hex } from '../store/captures';
import { pdfCapture } from '../capture/pdf';
import { saveCapture } from '../capture/store';
import { captureEffects } from './effects';
import { nowIso } from '../annotation';

/** Largest PDF Saqta keeps (the WARC and IndexedDB take it whole). */
export const MAX_PDF = 200 * 1024 * 1024;

function isPdfBytes(b: Uint8Array): boolean {
  // "%PDF-" within the first KiB (the PDF spec allows leading junk; PDF.js accepts it too).
  const head = new TextDecoder('latin1').decode(b.subarray(0, 1024));
  return head.includes('%PDF-');
}

export const pdfHandlers: HandlerSet<PdfApi> = {
  async 'pdf.load'(req, { pdf }) {
    if (!pdf) return fail('unsupported', 'PDFs cannot be opened here.');
    if (typeof req.url !== 'string' || !/^https?:/i.test(req.url)) return fail('bad-request', 'Only http and https PDFs are fetched.');
    if (typeof req.held === 'string') {
      const held = pdf.take(req.held);
      if (held && held.url === req.url) return ok(held);
    }
    try {
      return ok(await pdf.fetch(req.url));
    } catch (err) {
      return fail('not-found', err instanceof Error ? err.message : String(err));
    }
  },

  async 'pdf.save'(req, deps) {
    const { version, capture: bridge } = deps;
    if (typeof req.url !== 'string' || !/^(https?|file):/i.test(req.url)) return fail('bad-request', 'Which PDF?');
    let bytes: Uint8Array;
    let firstPage: { bytes: Uint8Array; mime: string } | null = null;
    try {
      bytes = fromBase64(req.data);
      if (req.firstPage) firstPage = { bytes: fromBase64(req.firstPage), mime: req.firstPageMime === 'image/jpeg' ? 'image/jpeg' : 'image/png' };
    } catch {
      return fail('bad-request', 'The PDF’s bytes are not readable.');
    }
    if (bytes.length > MAX_PDF) return fail('bad-request', 'This PDF is too large to keep.');
    if (!isPdfBytes(bytes)) return fail('bad-request', 'This file is not a PDF.');
    const http = req.http;
    if (!http || typeof http.status !== 'number' || !Array.isArray(http.headers)) return fail('bad-request', 'The PDF’s HTTP exchange is missing.');
    const sha256 = await sha256Hex(bytes);
    const input = pdfCapture({
      url: req.url,
      bytes,
      sha256,
      http: {
        url: typeof http.url === 'string' ? http.url : req.url,
        status: http.status,
        statusText: String(http.statusText ?? ''),
        headers: http.headers.filter((h) => Array.isArray(h) && h.length === 2).map(([k, v]) => [String(k), String(v)] as [string, string]),
        requestHeaders: (http.requestHeaders ?? []).map(([k, v]) => [String(k), String(v)] as [string, string]),
        date: typeof http.date === 'string' ? http.date : nowIso(),
      },
      source: req.source === 'served' ? 'served' : 'refetched',
      title: String(req.title ?? '').slice(0, 1000) || req.url,
      lang: typeof req.lang === 'string' ? req.lang.slice(0, 35) : undefined,
      ids: Array.isArray(req.ids) ? req.ids.filter((x) => typeof x === 'string').map((x) => x.slice(0, 200)) : [],
      pages: Number.isInteger(req.pages) ? req.pages : 0,
      firstPage,
      capturedAt: nowIso(),
      browser: bridge ? await bridge.browser() : 'unknown',
      extensionVersion: version,
    });
    const { capture, page, versions } = await saveCapture(captureEffects(deps), input, 'reader');
    return ok({ pageId: page.id, capture, title: page.title, versions });
  },

  async 'pdf.bypass'(req, { pdf }) {
    if (!pdf) return fail('unsupported', 'PDFs cannot be opened here.');
    if (typeof req.url !== 'string' || !/^https?:/i.test(req.url)) return fail('bad-request', 'Which PDF?');
    await pdf.bypass(req.url);
    return ok({});
  },
};

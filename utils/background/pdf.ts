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
import { areaImageId, areaOf } from '../pdf/area';
import { knownBlob } from '../lock/envelope';

/** Largest PDF Saqta keeps (the WARC and IndexedDB take it whole). */
export const MAX_PDF = 200 * 1024 * 1024;
/** Largest picture of an area claim (the viewer makes them at most 1200 px wide). */
const MAX_AREA_IMAGE = 4 * 1024 * 1024;

function isPdfBytes(b: Uint8Array): boolean {
  // "%PDF-" within the first KiB (the PDF spec allows leading junk; PDF.js accepts it too).
  const head = new TextDecoder('latin1').decode(b.subarray(0, 1024));
  return head.includes('%PDF-');
}

function boundedText(pages: unknown[]): string[] {
  let room = 5 * 1024 * 1024;
  return pages.slice(0, 20_000).map((p) => {
    const s = typeof p === 'string' ? p.slice(0, Math.max(0, room)) : '';
    room -= s.length;
    return s;
  });
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
      source: req.source === 'served' || req.source === 'file' ? req.source : 'refetched',
      title: String(req.title ?? '').slice(0, 1000) || req.url,
      lang: typeof req.lang === 'string' ? req.lang.slice(0, 35) : undefined,
      ids: Array.isArray(req.ids) ? req.ids.filter((x) => typeof x === 'string').map((x) => x.slice(0, 200)) : [],
      pages: Number.isInteger(req.pages) ? req.pages : 0,
      firstPage,
      // Each page's text (searchable in the library), bounded: 20,000 pages, 5 MB in all.
      text: Array.isArray(req.text) ? boundedText(req.text) : [],
      capturedAt: nowIso(),
      browser: bridge ? await bridge.browser() : 'unknown',
      extensionVersion: version,
    });
    const { capture, page, versions } = await saveCapture(captureEffects(deps), input, 'reader');
    return ok({ pageId: page.id, capture, title: page.title, versions });
  },

  async 'pdf.areaImage'(req, { db, broadcast }) {
    if (typeof req.annotationId !== 'string' || typeof req.png !== 'string') return fail('bad-request', 'Which claim?');
    const a = await db.annotations.get(req.annotationId);
    if (!a || !areaOf(a)) return fail('not-found', 'That area claim is gone.');
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(req.png);
    } catch {
      return fail('bad-request', 'The picture is not readable.');
    }
    const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    if (bytes.length > MAX_AREA_IMAGE || !PNG.every((b, i) => bytes[i] === b)) return fail('bad-request', 'The picture is not a PNG image of a usable size.');
    const data = knownBlob(bytes, 'image/png');
    // No capture owns it (captureId ''): exports and imports go by captures' artifacts, so it stays here.
    await db.blobs.put({ id: areaImageId(a.id), pageId: a.pageId, captureId: '', kind: 'image', sha256: await sha256Hex(bytes), size: bytes.length, mime: 'image/png', data });
    broadcast({ event: 'annotations.changed', pageId: a.pageId });
    return ok({});
  },

  async 'pdf.local'(req, { pdf }) {
    if (!pdf) return fail('unsupported', 'PDFs cannot be opened here.');
    if (typeof req.url !== 'string' || typeof req.token !== 'string' || !/^file:/i.test(req.url)) return fail('bad-request', 'Which file?');
    return pdf.local(req.token, req.url) ? ok({}) : fail('forbidden', 'Saqta opens a file on this computer only when you open it yourself.');
  },

  async 'pdf.bypass'(req, { pdf }) {
    if (!pdf) return fail('unsupported', 'PDFs cannot be opened here.');
    if (typeof req.url !== 'string' || !/^(https?|file):/i.test(req.url)) return fail('bad-request', 'Which PDF?');
    await pdf.bypass(req.url);
    return ok({});
  },
};

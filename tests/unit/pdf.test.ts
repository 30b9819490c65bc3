// @vitest-environment node
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import type { Event, PageView, SaveResult } from '../../utils/messages';
import type { PdfBytes, PdfHost } from '../../utils/pdf/api';
import { dispositionName, isPdfResponse, pdfRedirectRules, viewerParams, viewerUrl, PDF_RULE_IDS } from '../../utils/pdf/detect';
import { pdfPageKeys, pdfTitle } from '../../utils/pdf/identity';
import { toBase64 } from '../../utils/evidence/bytes';
import { planCapture } from '../../utils/wacz/records';
import { validateSelectors } from '../../utils/store/annotations';
import { otherPdf, textPdf } from '../support/pdf-fixtures';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const h = (pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }));

describe('which responses are PDFs', () => {
  it('application/pdf, with or without parameters, in any case', () => {
    expect(isPdfResponse('https://a.kz/x', h([['Content-Type', 'application/pdf']]))).toBe(true);
    expect(isPdfResponse('https://a.kz/x', h([['content-type', 'Application/PDF; charset=binary']]))).toBe(true);
  });
  it('octet-stream only with a .pdf path or a .pdf name in Content-Disposition', () => {
    expect(isPdfResponse('https://a.kz/files/ruling.PDF?x=1', h([['content-type', 'application/octet-stream']]))).toBe(true);
    expect(isPdfResponse('https://a.kz/get?id=5', h([['content-type', 'application/octet-stream'], ['content-disposition', 'attachment; filename="ruling.pdf"']]))).toBe(true);
    expect(isPdfResponse('https://a.kz/get?id=5', h([['content-type', 'application/octet-stream'], ['content-disposition', "attachment; filename*=UTF-8''%D1%81%D0%BE%D1%82.pdf"]]))).toBe(true);
    expect(isPdfResponse('https://a.kz/get?id=5', h([['content-type', 'application/octet-stream']]))).toBe(false);
    expect(isPdfResponse('https://a.kz/app.zip', h([['content-type', 'application/octet-stream'], ['content-disposition', 'attachment; filename="app.zip"']]))).toBe(false);
  });
  it('never a web page, an image, or a non-http URL, whatever its name', () => {
    expect(isPdfResponse('https://a.kz/report.pdf', h([['content-type', 'text/html']]))).toBe(false);
    expect(isPdfResponse('https://a.kz/report.pdf', [])).toBe(false);
    expect(isPdfResponse('ftp://a.kz/report.pdf', h([['content-type', 'application/pdf']]))).toBe(false);
  });
  it('reads Content-Disposition file names', () => {
    expect(dispositionName('inline; filename=a.pdf')).toBe('a.pdf');
    expect(dispositionName('attachment; filename="b c.pdf"; size=3')).toBe('b c.pdf');
    expect(dispositionName(undefined)).toBe('');
  });
});

describe('the viewer address', () => {
  it('keeps the PDF URL whole, query and fragment included, as the DNR redirect writes it raw', () => {
    const pdf = 'https://a.kz/get.php?id=5&file=x.pdf#page=2';
    expect(viewerParams(`?file=${pdf}`)).toEqual({ file: pdf, held: null });
    const own = new URL(viewerUrl('chrome-extension://x/pdf.html', pdf, 'tok&en'));
    expect(viewerParams(own.search + own.hash)).toEqual({ file: pdf, held: 'tok&en' });
  });
  it('accepts an encoded URL and refuses anything that is not http(s) or file', () => {
    expect(viewerParams(`?file=${encodeURIComponent('https://a.kz/r.pdf')}`).file).toBe('https://a.kz/r.pdf');
    expect(viewerParams('?file=javascript:alert(1)').file).toBeNull();
    expect(viewerParams('?held=1').file).toBeNull();
  });
  it('Chrome rules: top-level navigations only, each with a response-header condition (the probe checks they survive)', () => {
    const rules = pdfRedirectRules('chrome-extension://x/pdf.html');
    expect(rules.map((r) => r.id)).toEqual(PDF_RULE_IDS);
    for (const r of rules) {
      expect(r.condition.resourceTypes).toEqual(['main_frame']);
      expect(r.condition.responseHeaders?.length).toBeGreaterThan(0);
      expect((r.action.redirect as { regexSubstitution: string }).regexSubstitution).toBe('chrome-extension://x/pdf.html?file=\\0');
    }
    expect(new RegExp(rules[1]!.condition.regexFilter!).test('https://a.kz/x/Ruling.Pdf?dl=1')).toBe(true);
    expect(new RegExp(rules[1]!.condition.regexFilter!).test('https://a.kz/x/ruling.html?f=a.pdf')).toBe(false);
  });
});

describe('identity', () => {
  it('same bytes from a mirror → same key; different bytes under one /ID → different keys', async () => {
    const a = await textPdf({ id: 'SAMEID' });
    const b = await otherPdf('SAMEID');
    expect(pdfPageKeys('https://a.kz/r.pdf', sha(a)).fingerprint).toBe(pdfPageKeys('https://mirror.org/copy.pdf', sha(a)).fingerprint);
    expect(pdfPageKeys('https://x.kz/1.pdf', sha(a)).fingerprint).not.toBe(pdfPageKeys('https://y.kz/2.pdf', sha(b)).fingerprint);
    expect(() => pdfPageKeys('https://a.kz/r.pdf', 'SAMEID')).toThrow();
  });
  it('a title from /Title, else the file name', () => {
    expect(pdfTitle('https://a.kz/d/%D1%81%D0%BE%D1%82.pdf')).toBe('сот.pdf');
    expect(pdfTitle('https://a.kz/d/x.pdf', '  Court  ruling ')).toBe('Court ruling');
  });
  it('page selectors are validated like the others', () => {
    const quote = { type: 'TextQuoteSelector' as const, exact: 'x', prefix: '', suffix: '' };
    expect(() => validateSelectors([quote, { type: 'PageSelector', index: 1, label: '2' }])).not.toThrow();
    expect(() => validateSelectors([quote, { type: 'PageSelector', index: -1 }])).toThrow();
  });
});

describe('saving a PDF and its claims', () => {
  let deps: HandlerDeps & { events: Event[] };
  const held = new Map<string, PdfBytes>();
  const fetched: string[] = [];
  let served: Uint8Array;
  const host: PdfHost = {
    take: (t) => held.get(t) ?? null,
    async fetch(url) {
      fetched.push(url);
      return { url, data: toBase64(served), source: 'refetched', http: { url, status: 200, statusText: 'OK', headers: [['Content-Type', 'application/pdf'], ['Content-Encoding', 'gzip']], requestHeaders: [], date: '2026-12-05T01:00:00.000Z' } };
    },
    bypass: async () => undefined,
    local: (token, url) => token === 'opened-by-saqta' && url === 'file:///home/me/ruling.pdf',
  };
  beforeEach(async () => {
    served = await textPdf({ id: 'SAMEID' });
    const events: Event[] = [];
    deps = { db: new SaqtaDB(`pdf-${Math.random()}`), version: '0.1.0', broadcast: (e) => events.push(e), storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }), pdf: host, events };
  });

  const loadAndSave = async (url: string, bytes: Uint8Array, source: 'served' | 'refetched' = 'refetched') => {
    const res = await handle({ type: 'pdf.save', url, data: toBase64(bytes), source, title: 'Court ruling report', ids: ['SAMEID'], pages: 3, firstPage: toBase64(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), firstPageMime: 'image/png', http: { url, status: 200, statusText: 'OK', headers: [['Content-Type', 'application/pdf']], requestHeaders: [], date: '2026-12-05T01:00:00.000Z' } }, deps);
    if (!res.ok) throw new Error(res.error.message);
    return res.value as SaveResult;
  };

  it('pdf.load: the held copy when there is one (taken once), else a fetch, said so', async () => {
    held.set('t1', { url: 'https://a.kz/r.pdf', data: toBase64(served), source: 'served', http: { url: 'https://a.kz/r.pdf', status: 200, statusText: '', headers: [], requestHeaders: [], date: '' } });
    const a = await handle({ type: 'pdf.load', url: 'https://a.kz/r.pdf', held: 't1' }, deps);
    expect(a.ok && (a.value as PdfBytes).source).toBe('served');
    const b = await handle({ type: 'pdf.load', url: 'https://a.kz/r.pdf' }, deps);
    expect(b.ok && (b.value as PdfBytes).source).toBe('refetched');
    expect(fetched).toEqual(['https://a.kz/r.pdf']);
    // A held copy is never handed out for another URL.
    held.set('t2', { url: 'https://a.kz/r.pdf', data: 'QQ==', source: 'served', http: { url: 'https://a.kz/r.pdf', status: 200, statusText: '', headers: [], requestHeaders: [], date: '' } });
    const c = await handle({ type: 'pdf.load', url: 'https://evil.kz/x.pdf', held: 't2' }, deps);
    expect(c.ok && (c.value as PdfBytes)).toMatchObject({ url: 'https://evil.kz/x.pdf', source: 'refetched' });
    expect((await handle({ type: 'pdf.load', url: 'file:///etc/passwd' }, deps)).ok).toBe(false);
  });

  it('pdf.local: a local file is read only under the token Saqta gave its own file:// navigation', async () => {
    expect((await handle({ type: 'pdf.local', url: 'file:///home/me/ruling.pdf', token: 'opened-by-saqta' }, deps)).ok).toBe(true);
    // An address a web page wrote into the viewer's URL: no token, or another file under Saqta's token.
    const guessed = await handle({ type: 'pdf.local', url: 'file:///home/me/ruling.pdf', token: 'guess' }, deps);
    expect(!guessed.ok && guessed.error.code).toBe('forbidden');
    expect((await handle({ type: 'pdf.local', url: 'file:///home/me/secret.pdf', token: 'opened-by-saqta' }, deps)).ok).toBe(false);
    expect((await handle({ type: 'pdf.local', url: 'https://a.kz/r.pdf', token: 'opened-by-saqta' }, deps)).ok).toBe(false);
  });

  it('the capture holds the exact bytes, their SHA-256, the exchange, the first page, and says where the bytes came from', async () => {
    const saved = await loadAndSave('https://a.kz/r.pdf', served);
    const c = saved.capture;
    const raw = c.artifacts.find((a) => a.kind === 'raw')!;
    expect(raw.mime).toBe('application/pdf');
    expect(raw.sha256).toBe(sha(served));
    expect(c.notes?.pdf).toEqual({ sha256: sha(served), source: 'refetched', ids: ['SAMEID'], pages: 3 });
    expect(c.artifacts.some((a) => a.kind === 'screenshot' && a.mime === 'image/png')).toBe(true);
    const blob = await deps.db.blobs.get(raw.blobId);
    expect(sha(new Uint8Array(await blob!.data.arrayBuffer()))).toBe(sha(served));
    // WACZ: a response record at the PDF's URL whose body is those bytes.
    const files = await Promise.all(c.artifacts.map(async (ref) => ({ ref, data: (await deps.db.blobs.get(ref.blobId))!.data })));
    const plan = planCapture(c, files);
    const main = plan.find((p) => p.main)!;
    expect(main.spec.type).toBe('response');
    expect(main.spec.uri).toBe('https://a.kz/r.pdf');
    expect(sha(await main.body())).toBe(sha(served));
    expect(main.spec.httpHeaders).toContainEqual(['Content-Type', 'application/pdf']);
  });

  it('the pages’ text becomes the capture’s article (escaped), which the library’s search indexes', async () => {
    const url = 'https://a.kz/t.pdf';
    const res = await handle({ type: 'pdf.save', url, data: toBase64(served), source: 'served', title: 'T', ids: [], pages: 2, firstPage: null, text: ['Сот келісімшартты\n<script>alert(1)</script>', ''], http: { url, status: 200, statusText: 'OK', headers: [], requestHeaders: [], date: '2026-12-05T01:00:00.000Z' } }, deps);
    expect(res.ok).toBe(true);
    const c = (res as { value: SaveResult }).value.capture;
    const ref = c.artifacts.find((a) => a.kind === 'article')!;
    const html = await (await deps.db.blobs.get(ref.blobId))!.data.text();
    expect(html).toBe('<section data-pdf-page="1"><p>Сот келісімшартты</p><p>&#60;script&#62;alert(1)&#60;/script&#62;</p></section>\n<section data-pdf-page="2"></section>');
    // A scanned PDF (no text at all) has no article.
    const scan = await handle({ type: 'pdf.save', url: 'https://a.kz/s.pdf', data: toBase64(served), source: 'served', title: 'S', ids: [], pages: 1, firstPage: null, text: ['  '], http: { url, status: 200, statusText: 'OK', headers: [], requestHeaders: [], date: '2026-12-05T01:00:00.000Z' } }, deps);
    expect(scan.ok && (scan.value as SaveResult).capture.artifacts.some((a) => a.kind === 'article')).toBe(false);
  });

  it('pdf.areaImage keeps a PNG for an area claim only, and says so when it cannot', async () => {
    const page = { keys: pdfPageKeys('https://a.kz/r.pdf', sha(served)), title: 'R' };
    const area = [{ type: 'FragmentSelector' as const, conformsTo: 'http://tools.ietf.org/rfc/rfc3778', value: 'page=3&viewrect=10,10,100,50' }, { type: 'PageSelector' as const, index: 2, label: '3' }];
    const made = await handle({ type: 'annotation.create', page, selector: area, body: { color: 'blue', tags: [], note: '' } }, deps);
    expect(made.ok).toBe(true);
    const id = (made as { value: { annotation: { id: string; pageId: string } } }).value.annotation;
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    expect((await handle({ type: 'pdf.areaImage', annotationId: id.id, png: toBase64(new TextEncoder().encode('<svg onload=alert(1)>')) }, deps)).ok).toBe(false);
    expect((await handle({ type: 'pdf.areaImage', annotationId: 'urn:uuid:nope', png: toBase64(png) }, deps)).ok).toBe(false);
    expect((await handle({ type: 'pdf.areaImage', annotationId: id.id, png: toBase64(png) }, deps)).ok).toBe(true);
    const blob = await deps.db.blobs.get(`pdf-area:${id.id}`);
    expect(blob).toMatchObject({ pageId: id.pageId, mime: 'image/png', size: png.length });
    expect(deps.events).toContainEqual({ event: 'annotations.changed', pageId: id.pageId });
    // A text claim gets no picture.
    const text = await handle({ type: 'annotation.create', page, selector: [{ type: 'TextQuoteSelector', exact: 'court', prefix: '', suffix: '' }], body: { color: 'blue', tags: [], note: '' } }, deps);
    const textId = (text as { value: { annotation: { id: string } } }).value.annotation.id;
    expect((await handle({ type: 'pdf.areaImage', annotationId: textId, png: toBase64(png) }, deps)).ok).toBe(false);
  });

  it('claims follow the bytes: a mirror of the same file finds them; another PDF with the same /ID does not', async () => {
    const page = { keys: pdfPageKeys('https://a.kz/r.pdf', sha(served)), title: 'Court ruling report' };
    const selector = [
      { type: 'TextQuoteSelector' as const, exact: 'contract without a public tender', prefix: 'signed the ', suffix: ' in March' },
      { type: 'TextPositionSelector' as const, start: 10, end: 42 },
      { type: 'PageSelector' as const, index: 1, label: '2' },
    ];
    const made = await handle({ type: 'annotation.create', page, selector, body: { color: 'yellow', tags: ['court'], note: 'page 2' } }, deps);
    expect(made.ok).toBe(true);
    const mirror = await handle({ type: 'page.get', keys: pdfPageKeys('https://mirror.org/copy.pdf', sha(served)) }, deps);
    expect((mirror.ok && (mirror.value as PageView).annotations.length) || 0).toBe(1);
    expect(mirror.ok && (mirror.value as PageView).annotations[0]!.target.selector).toContainEqual({ type: 'PageSelector', index: 1, label: '2' });
    const other = await otherPdf('SAMEID');
    const stranger = await handle({ type: 'page.get', keys: pdfPageKeys('https://b.kz/memo.pdf', sha(other)) }, deps);
    expect(stranger.ok && (stranger.value as PageView).page).toBeNull();
  });

  it('refuses what is not a PDF, and keeps what was saved before', async () => {
    await loadAndSave('https://a.kz/r.pdf', served);
    const res = await handle({ type: 'pdf.save', url: 'https://a.kz/r.pdf', data: toBase64(new TextEncoder().encode('<html>not a pdf')), source: 'served', title: 'x', ids: [], pages: 0, firstPage: null, http: { url: 'https://a.kz/r.pdf', status: 200, statusText: '', headers: [], requestHeaders: [], date: '' } }, deps);
    expect(res.ok).toBe(false);
    expect(await deps.db.captures.count()).toBe(1);
  });
});

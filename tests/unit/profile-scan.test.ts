// @vitest-environment node
/**
 * The profile scanner (tests/e2e/profile-scan.ts, issue 28) on synthetic
 * profiles: each way a string can hide in a browser's files is built here
 * byte by byte, and the scanner must find it — and must not find what is not
 * there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import { compress } from 'snappyjs';
import initSqlJs from 'sql.js';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWK_KEY, PKCS8_KEY, findJwkPrivate, findPkcs8, logRecords, scanProfile, snappyBlock, type ScanFinding } from '../e2e/profile-scan';

const u8 = (...parts: (Uint8Array | number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const varint = (n: number) => {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
/**
 * The canary so that Snappy cannot store it as one literal run: its halves come first, in the other
 * order, so the canary itself is written as two back-references and appears whole only when decompressed.
 */
const hide = (c: string) => `${c.slice(c.length >> 1)}#${c.slice(0, c.length >> 1)}#${c}`;
const utf16be = (s: string) => Buffer.from(Buffer.from(s, 'utf16le').map((_, i, a) => a[i ^ 1]));

/** A LevelDB block: entries with prefix-compressed keys, one restart point. */
function block(entries: [Uint8Array, Uint8Array][]): Buffer {
  const parts: Buffer[] = [];
  let prev = Buffer.alloc(0);
  for (const [k, v] of entries) {
    const key = Buffer.from(k);
    let shared = 0;
    while (shared < prev.length && shared < key.length && prev[shared] === key[shared]) shared++;
    parts.push(u8(varint(shared), varint(key.length - shared), varint(v.length), key.subarray(shared), v));
    prev = key;
  }
  return u8(...parts, u32(0), u32(1));
}

/** A LevelDB table file: one Snappy-compressed data block, an index block and an empty metaindex. */
function table(entries: [Uint8Array, Uint8Array][]): Buffer {
  const data = Buffer.from(compress(block(entries)));
  const dataBlock = u8(data, [1], u32(0));
  const index = block([[u8('zzz'), u8(varint(0), varint(data.length))]]);
  const indexAt = dataBlock.length;
  const meta = block([]);
  const metaAt = indexAt + index.length + 5;
  const handles = u8(varint(metaAt), varint(meta.length), varint(indexAt), varint(index.length));
  const footer = u8(handles, Buffer.alloc(40 - handles.length), [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]);
  return u8(dataBlock, index, [0], u32(0), meta, [0], u32(0), footer);
}

/** A LevelDB log holding one write batch, fragmented across 32 KiB blocks as LevelDB writes it. */
function log(batch: Uint8Array): Buffer {
  const out: Buffer[] = [];
  let p = 0;
  let at = 0;
  let first = true;
  while (p < batch.length) {
    const room = 32768 - (at % 32768) - 7;
    const n = Math.min(room, batch.length - p);
    const last = p + n === batch.length;
    const type = first && last ? 1 : first ? 2 : last ? 4 : 3;
    out.push(u8(u32(0), [n & 0xff, n >> 8], [type], batch.subarray(p, p + n)));
    at += 7 + n;
    p += n;
    first = false;
  }
  return Buffer.concat(out);
}

const writeBatch = (puts: [Uint8Array, Uint8Array][]) =>
  u8(Buffer.alloc(8), u32(puts.length), ...puts.flatMap(([k, v]) => [u8([1], varint(k.length), k, varint(v.length), v)]));

const C = {
  raw: 'canary-raw-7f3a',
  le: 'canary-utf16le-91b2',
  be: 'canary-utf16be-tag',
  table: 'canary-in-snappy-table-block',
  key: 'canary-split-by-prefix-key',
  log: 'canary-across-the-log-block-edge',
  idb: 'canary-chrome-idb-compressed',
  sqlite: 'canary-firefox-idb-sqlite',
  frames: 'canary-firefox-files-framed',
  kazakh: 'Қазақ-канарейка-ұ',
  absent: 'canary-never-written',
};

let dir: string;
let findings: ScanFinding[];
let pkcs8: Uint8Array;
let spki: Uint8Array;
const hits = (needle: string) => findings.filter((f) => f.needle === needle);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saqta-scan-'));
  const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', pair.publicKey));
  const jwk = await webcrypto.subtle.exportKey('jwk', pair.privateKey);
  const filler = 'x'.repeat(2000);

  writeFileSync(join(dir, 'plain.txt'), `${filler}${C.raw}${filler}`);
  writeFileSync(join(dir, 'le.bin'), Buffer.from(`..${C.le}..`, 'utf16le'));
  writeFileSync(join(dir, 'kk.bin'), Buffer.from(`..${C.kazakh}..`, 'utf16le'));
  mkdirSync(join(dir, 'IndexedDB', 'x.leveldb'), { recursive: true });
  // The table: one value with the canary and the PKCS#8 key, two keys that share the canary's first half.
  writeFileSync(
    join(dir, 'IndexedDB', 'x.leveldb', '000005.ldb'),
    table([
      [u8('a', utf16be(C.be)), u8('v')],
      [u8('b-canary-split-'), u8(filler, hide(C.table), filler, pkcs8, filler)],
      [u8('b-canary-split-by-prefix-key'), u8('v2')],
    ]),
  );
  // The log: a 40 KiB batch whose canary crosses the 32 KiB edge, and a Chrome-compressed IndexedDB value.
  const before = 32768 - 7 - 12 - 1 - 1 - 1 - 3 - 10;
  const idbValue = u8(varint(1), [0xff, 0x11, 0x02], compress(u8(filler, hide(C.idb), filler)));
  writeFileSync(
    join(dir, 'IndexedDB', 'x.leveldb', '000003.log'),
    log(writeBatch([[u8('k'), u8('y'.repeat(before), C.log, 'y'.repeat(8000))], [u8('k2'), idbValue]])),
  );
  // Firefox: an IndexedDB SQLite file whose value is a Snappy block (structured clone, UTF-16 string), and a framed .files entry.
  const SQL = await initSqlJs({ locateFile: (f: string) => join(dirname(createRequire(import.meta.url).resolve('sql.js')), f) });
  const db = new SQL.Database();
  db.run('CREATE TABLE object_data (key BLOB, data BLOB)');
  db.run('INSERT INTO object_data VALUES (?, ?)', [u8('k'), Buffer.from(compress(u8(filler, Buffer.from(hide(C.sqlite), 'utf16le'), filler)))]);
  const ffDir = join(dir, 'storage', 'default', 'moz-extension+++uuid', 'idb');
  mkdirSync(join(ffDir, '123.files'), { recursive: true });
  writeFileSync(join(ffDir, '123.sqlite'), db.export());
  db.close();
  const chunk = compress(u8(filler, hide(C.frames), filler));
  writeFileSync(join(ffDir, '123.files', '1'), u8([0xff, 6, 0, 0], 'sNaPpY', [0, chunk.length + 4, (chunk.length + 4) >> 8, 0], u32(0), chunk));
  writeFileSync(join(dir, 'public-only.der'), spki);
  writeFileSync(join(dir, 'key.json'), JSON.stringify(jwk));

  findings = await scanProfile(dir, Object.values(C));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scanProfile finds what a closed profile keeps, in every form', () => {
  it('raw bytes and UTF-16 (LE and BE, also non-Latin text)', () => {
    expect(hits(C.raw).map((f) => [f.file, f.how])).toEqual([['plain.txt', 'raw']]);
    expect(hits(C.le).map((f) => [f.file, f.how])).toEqual([['le.bin', 'utf16']]);
    expect(hits(C.kazakh).map((f) => f.how)).toContain('utf16');
    const be = hits(C.be);
    expect(be.some((f) => f.how === 'snappy' && /utf16be/.test(f.detail))).toBe(true);
  });

  it('inside a Snappy-compressed LevelDB table block, and in keys rebuilt from their shared prefix', () => {
    // Compressed, the canary is not in the file as it is: only decompression finds it.
    expect(hits(C.table).map((f) => f.how)).toEqual(['snappy']);
    expect(hits(C.key).map((f) => f.how)).toEqual(['snappy']);
    expect(hits(C.key)[0].detail).toMatch(/key/);
  });

  it('across a LevelDB log’s 32 KiB block edge, and in Chrome’s compressed IndexedDB value', () => {
    expect(hits(C.log).map((f) => f.how)).toEqual(['leveldb']);
    expect(hits(C.idb).map((f) => f.how)).toEqual(['snappy']);
    expect(hits(C.idb)[0].detail).toMatch(/IndexedDB snappy/);
  });

  it('in a Firefox IndexedDB SQLite value (Snappy, UTF-16) and a framed .files entry', () => {
    expect(hits(C.sqlite).map((f) => [f.how, f.detail])).toEqual([['sqlite', 'sqlite object_data.data → snappy, utf16le']]);
    expect(hits(C.frames).map((f) => [f.file, f.how])).toEqual([[join('storage', 'default', 'moz-extension+++uuid', 'idb', '123.files', '1'), 'snappy']]);
  });

  it('a PKCS#8 private key (compressed in the table) and a JWK with d; not a public key alone', () => {
    // (Random key bytes do not compress: Snappy stores them as a literal, so the raw scan sees them too.)
    const keys = hits(PKCS8_KEY).filter((f) => f.how === 'snappy');
    expect(keys.map((f) => f.file)).toEqual([join('IndexedDB', 'x.leveldb', '000005.ldb')]);
    expect(keys[0].detail).toMatch(/ecPublicKey P-384/);
    expect(hits(JWK_KEY).map((f) => f.file)).toEqual(['key.json']);
    expect(findings.filter((f) => f.file === 'public-only.der')).toEqual([]);
  });

  it('nothing that is not there', () => {
    expect(hits(C.absent)).toEqual([]);
  });
});

describe('the decoders refuse what is not theirs', () => {
  it('a Snappy length prefix past any plausible size is not allocated', () => {
    expect(snappyBlock(u8(varint(2 ** 31), 'abc'))).toBeNull();
    expect(snappyBlock(u8('garbage that is not snappy'))).toBeNull();
  });

  it('a log record is whole only when its fragments are', () => {
    const recs = logRecords(log(u8('z'.repeat(70000))));
    expect(recs.map((r) => r.length)).toEqual([70000]);
  });

  it('PKCS#8 and JWK detectors', () => {
    expect(findPkcs8(u8('junk', pkcs8, 'junk'))).toEqual(['ecPublicKey P-384']);
    expect(findPkcs8(spki)).toEqual([]);
    expect(findPkcs8(pkcs8.subarray(0, pkcs8.length - 10))).toEqual([]);
    // V8's serialization of { kty, d }: one-byte strings with a tag and a length before them.
    expect(findJwkPrivate(u8('o"\x03kty"\x02EC"\x01d"\x40', 'A'.repeat(64)))).toBe(true);
    expect(findJwkPrivate(u8('{"kty":"EC","x":"', 'A'.repeat(64), '"}'))).toBe(false);
  });
});

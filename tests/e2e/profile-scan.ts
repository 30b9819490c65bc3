/**
 * What someone holding a reader's closed browser profile can read without a
 * passphrase (issue 28): every file of the profile is searched for each
 * needle, in every form it may be stored in —
 *
 * - `raw`: the bytes on disk, the needle as UTF-8 (= Latin-1 for ASCII, V8's
 *   and Firefox's one-byte strings) and as Latin-1 when it has other characters;
 * - `utf16`: the needle as UTF-16LE (V8 and Firefox two-byte strings) and
 *   UTF-16BE (Chrome's IndexedDB key encoding, e.g. tag index entries);
 * - `leveldb`: Chrome's LevelDB files (IndexedDB, storage.local = `Local
 *   Extension Settings/<id>`, Local Storage): `.log` files read record by
 *   record (records cross 32 KiB blocks, so a string split on disk is whole
 *   here) and their write batches split into keys and values; table entries
 *   with their prefix-compressed keys rebuilt;
 * - `snappy`: what Snappy decompression yields — every block of a LevelDB
 *   table (`.ldb`/`.sst`, block type 1), Chrome's compressed IndexedDB values
 *   (the Blink envelope FF 11 02 before a Snappy block, in LevelDB or in a
 *   blob file), Firefox's framed Snappy streams (the `*.files/` directory of
 *   an IndexedDB database);
 * - `sqlite`: every value of every table of every SQLite file (sql.js), as
 *   stored and Snappy-decompressed: Firefox keeps IndexedDB values (Saqta's
 *   database, and storage.local, which is IndexedDB-backed since Firefox 66)
 *   as Snappy-compressed structured clones in `storage/default/moz-extension+++…/idb/*.sqlite`.
 *
 * Besides the needles, two detectors run on every form: a DER PKCS#8 private
 * key (the structure WebCrypto's structured clone writes for a CryptoKey such
 * as the install's ECDSA P-384 signing key, utils/evidence/keys.ts; any
 * algorithm is reported) and a JWK with a private `d` member.
 *
 * Not read: SQLite free pages and WAL frames are searched raw but not
 * decompressed (a cleanly closed browser leaves no WAL), and Firefox's
 * `.jsonlz4` session files are not LZ4-decompressed (they hold history,
 * which the lock does not claim to protect).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { uncompress } from 'snappyjs';
import initSqlJs from 'sql.js';

export type ScanHow = 'raw' | 'utf16' | 'leveldb' | 'snappy' | 'sqlite';

export interface ScanFinding {
  /** The string needle, `bytes:<hex>` for a byte needle, or PKCS8_KEY / JWK_KEY. */
  needle: string;
  /** Path relative to the profile folder. */
  file: string;
  /** The outermost decoding the needle was found after (see the header). */
  how: ScanHow;
  /** The path of decodings and the encoding, e.g. "leveldb table → snappy block, utf16be". */
  detail: string;
}

export const PKCS8_KEY = 'PKCS#8 private key';
export const JWK_KEY = 'JWK private key (d)';

interface Pattern {
  needle: string;
  bytes: Buffer;
  encoding: string;
}

const enc16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  return be;
};

export function patternsOf(needles: (string | Uint8Array)[]): Pattern[] {
  const out: Pattern[] = [];
  for (const n of needles) {
    if (typeof n !== 'string') {
      const bytes = Buffer.from(n);
      out.push({ needle: `bytes:${bytes.subarray(0, 24).toString('hex')}`, bytes, encoding: 'bytes' });
      continue;
    }
    if (!n) throw new Error('an empty needle is found everywhere');
    out.push({ needle: n, bytes: Buffer.from(n, 'utf8'), encoding: 'utf8' });
    if ([...n].some((c) => c.charCodeAt(0) > 127) && [...n].every((c) => c.charCodeAt(0) < 256)) out.push({ needle: n, bytes: Buffer.from(n, 'latin1'), encoding: 'latin1' });
    out.push({ needle: n, bytes: Buffer.from(n, 'utf16le'), encoding: 'utf16le' });
    out.push({ needle: n, bytes: enc16be(n), encoding: 'utf16be' });
  }
  return out;
}

// ---------------------------------------------------------------- key detectors

/** DER length at `p` (after the tag): [length, first content byte] or null. */
function derLen(b: Uint8Array, p: number): [number, number] | null {
  if (p >= b.length) return null;
  const first = b[p];
  if (first < 0x80) return [first, p + 1];
  const n = first & 0x7f;
  if (n === 0 || n > 3 || p + n >= b.length) return null;
  let len = 0;
  for (let i = 1; i <= n; i++) len = len * 256 + b[p + i];
  return [len, p + 1 + n];
}

/** The element (tag, content start, end) at `p`, inside [p, end), or null. */
function derAt(b: Uint8Array, p: number, end: number): { tag: number; start: number; end: number } | null {
  if (p >= end) return null;
  const l = derLen(b, p + 1);
  if (!l) return null;
  const [len, start] = l;
  if (start + len > end) return null;
  return { tag: b[p], start, end: start + len };
}

const OID_NAMES: Record<string, string> = {
  '2a8648ce3d0201': 'ecPublicKey',
  '2a864886f70d010101': 'rsaEncryption',
  '2b6570': 'Ed25519',
  '2b656e': 'X25519',
};
const CURVES: Record<string, string> = { '2b81040022': 'P-384', '2a8648ce3d030107': 'P-256', '2b81040023': 'P-521' };

/**
 * PKCS#8 PrivateKeyInfo at `p`: SEQUENCE { INTEGER 0|1, SEQUENCE { OID, params? }, OCTET STRING { key } },
 * every length consistent. Returns the algorithm's name and "#" a short SHA-256 of the DER, or null.
 */
function pkcs8At(b: Uint8Array, p: number): string | null {
  if (b[p] !== 0x30) return null;
  const outer = derAt(b, p, b.length);
  if (!outer || outer.end - outer.start < 20) return null;
  const version = derAt(b, outer.start, outer.end);
  if (!version || version.tag !== 0x02 || version.end - version.start !== 1 || b[version.start] > 1) return null;
  const alg = derAt(b, version.end, outer.end);
  if (!alg || alg.tag !== 0x30) return null;
  const oid = derAt(b, alg.start, alg.end);
  if (!oid || oid.tag !== 0x06) return null;
  const key = derAt(b, alg.end, outer.end);
  if (!key || key.tag !== 0x04 || key.end - key.start < 16) return null;
  const hex = Buffer.from(b.subarray(oid.start, oid.end)).toString('hex');
  let name = OID_NAMES[hex] ?? `OID ${hex}`;
  const param = derAt(b, oid.end, alg.end);
  if (param?.tag === 0x06) name += ` ${CURVES[Buffer.from(b.subarray(param.start, param.end)).toString('hex')] ?? 'curve'}`;
  if (hex === '2a8648ce3d0201') {
    // ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING d, … }
    const ec = derAt(b, key.start, key.end);
    const v = ec && ec.tag === 0x30 ? derAt(b, ec.start, ec.end) : null;
    const d = v && v.tag === 0x02 && b[v.start] === 1 ? derAt(b, v.end, ec!.end) : null;
    if (!d || d.tag !== 0x04 || d.end - d.start < 16) return null;
  }
  // Which key: a short hash of its DER, so a test can tell an old key from one made since.
  return `${name} #${createHash('sha256').update(b.subarray(p, outer.end)).digest('hex').slice(0, 12)}`;
}

/** Every PKCS#8 private key in `b` (found by its `02 01 0x 30` version + algorithm start, then checked as DER). */
export function findPkcs8(b: Uint8Array): string[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const found: string[] = [];
  for (const version of [Buffer.from([2, 1, 0, 0x30]), Buffer.from([2, 1, 1, 0x30])]) {
    for (let i = buf.indexOf(version); i >= 0; i = buf.indexOf(version, i + 1)) {
      // The outer SEQUENCE's header is 2 to 5 bytes before the version.
      for (const back of [2, 3, 4, 5]) {
        const name = i - back >= 0 ? pkcs8At(buf, i - back) : null;
        if (name) {
          found.push(name);
          break;
        }
      }
    }
  }
  return found;
}

/** A JWK's private member `d` (base64url, ≥ 32 characters) near a `kty`: in JSON, or in a binary serialization. */
export function findJwkPrivate(b: Uint8Array): boolean {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  if (!text.includes('kty')) return false;
  const re = /(?:^|[^A-Za-z0-9_$-])d[^A-Za-z0-9_$-]{1,8}([A-Za-z0-9_-]{32,})/g;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (text.slice(Math.max(0, at - 4000), at + 4000).includes('kty')) return true;
  }
  return false;
}

// ---------------------------------------------------------------- decoders

const varint = (b: Uint8Array, p: number): [number, number] => {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (p >= b.length) throw new Error('varint past the end');
    const byte = b[p++];
    result += (byte & 0x7f) * mul;
    if (!(byte & 0x80)) return [result, p];
    mul *= 128;
  }
  throw new Error('varint too long');
};

const MAX_OUT = 256 * 1024 * 1024;

/** A raw Snappy block, or null if `b` is not one (its length prefix is checked before anything is allocated). */
export function snappyBlock(b: Uint8Array): Uint8Array | null {
  try {
    const [len] = varint(b, 0);
    if (len === 0 || len > MAX_OUT || len > b.length * 64 + 64) return null;
    return uncompress(b, len) as Uint8Array;
  } catch {
    return null;
  }
}

const FRAME_ID = Buffer.from([0xff, 0x06, 0, 0, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);

/** The Snappy framing format (Firefox's SnappyCompressOutputStream): chunks of compressed or plain data. */
export function snappyFrames(b: Uint8Array): Uint8Array | null {
  if (!Buffer.from(b.subarray(0, 10)).equals(FRAME_ID)) return null;
  const parts: Uint8Array[] = [];
  let p = 0;
  while (p + 4 <= b.length) {
    const type = b[p];
    const len = b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16);
    const body = b.subarray(p + 4, p + 4 + len);
    if (type === 0x00) {
      const out = snappyBlock(body.subarray(4));
      if (out) parts.push(out);
    } else if (type === 0x01) parts.push(body.subarray(4));
    p += 4 + len;
  }
  return Buffer.concat(parts);
}

const TABLE_MAGIC = Buffer.from([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]);

interface Entry {
  key: Uint8Array;
  value: Uint8Array;
}

/** The entries of a LevelDB block (after decompression), keys rebuilt from their shared prefixes. */
export function blockEntries(block: Uint8Array): Entry[] {
  if (block.length < 4) return [];
  const dv = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restarts = dv.getUint32(block.length - 4, true);
  const end = block.length - 4 - restarts * 4;
  if (end < 0) return [];
  const out: Entry[] = [];
  let prev: Uint8Array = new Uint8Array(0);
  let p = 0;
  while (p < end) {
    const [shared, a] = varint(block, p);
    const [nonShared, b2] = varint(block, a);
    const [valueLen, c] = varint(block, b2);
    if (shared > prev.length || c + nonShared + valueLen > end) break;
    const key = Buffer.concat([prev.subarray(0, shared), block.subarray(c, c + nonShared)]);
    const value = block.subarray(c + nonShared, c + nonShared + valueLen);
    out.push({ key, value });
    prev = key;
    p = c + nonShared + valueLen;
  }
  return out;
}

/** Every data block of a LevelDB table file (footer → index block → blocks), decompressed when type 1 (Snappy). */
export function tableBlocks(file: Uint8Array): { block: Uint8Array; compressed: boolean }[] {
  if (file.length < 48 || !Buffer.from(file.subarray(file.length - 8)).equals(TABLE_MAGIC)) return [];
  const footer = file.subarray(file.length - 48);
  const [, m1] = varint(footer, 0);
  const [, m2] = varint(footer, m1);
  const [indexOff, i1] = varint(footer, m2);
  const [indexSize] = varint(footer, i1);
  const read = (off: number, size: number) => {
    const raw = file.subarray(off, off + size);
    const type = file[off + size];
    if (type === 1) {
      const out = snappyBlock(raw);
      if (!out) throw new Error(`a Snappy block at ${off} does not decompress`);
      return { block: out, compressed: true };
    }
    return { block: raw, compressed: false };
  };
  const index = read(indexOff, indexSize);
  const blocks = [index];
  for (const { value } of blockEntries(index.block)) {
    const [off, a] = varint(value, 0);
    const [size] = varint(value, a);
    blocks.push(read(off, size));
  }
  const [metaOff, a] = varint(footer, 0);
  const [metaSize] = varint(footer, a);
  blocks.push(read(metaOff, metaSize));
  return blocks;
}

/** The records of a LevelDB log (`.log`, MANIFEST): 32 KiB blocks of fragments, put back together. */
export function logRecords(file: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  for (let block = 0; block < file.length; block += 32768) {
    let p = block;
    const end = Math.min(block + 32768, file.length);
    while (p + 7 <= end) {
      const len = file[p + 4] | (file[p + 5] << 8);
      const type = file[p + 6];
      if (type === 0 || p + 7 + len > end) break;
      const data = file.subarray(p + 7, p + 7 + len);
      if (type === 1) out.push(data);
      else if (type === 2) pending = [data];
      else if (type === 3) pending.push(data);
      else if (type === 4) {
        pending.push(data);
        out.push(Buffer.concat(pending));
        pending = [];
      }
      p += 7 + len;
    }
  }
  return out;
}

/** A write batch's puts and deletes (seq 8, count 4, then tag + key (+ value)); [] when it is not one. */
export function batchEntries(rec: Uint8Array): Entry[] {
  if (rec.length < 12) return [];
  const count = new DataView(rec.buffer, rec.byteOffset + 8, 4).getUint32(0, true);
  const out: Entry[] = [];
  let p = 12;
  try {
    for (let i = 0; i < count && p < rec.length; i++) {
      const tag = rec[p++];
      const [klen, a] = varint(rec, p);
      const key = rec.subarray(a, a + klen);
      p = a + klen;
      let value: Uint8Array = new Uint8Array(0);
      if (tag === 1) {
        const [vlen, b] = varint(rec, p);
        value = rec.subarray(b, b + vlen);
        p = b + vlen;
      } else if (tag !== 0) break;
      out.push({ key, value });
    }
  } catch {
    // A torn last record: what was read is kept.
  }
  return out;
}

/** Chrome's compressed IndexedDB value (Blink: FF 11 02 then a Snappy block), near the start of `value`. */
function chromeIdbCompressed(value: Uint8Array): Uint8Array | null {
  const head = Buffer.from(value.subarray(0, 24));
  const at = head.indexOf(Buffer.from([0xff, 0x11, 0x02]));
  return at < 0 ? null : snappyBlock(value.subarray(at + 3));
}

// ---------------------------------------------------------------- the scan

type View = { bytes: Uint8Array; how: ScanHow; detail: string };

function searchView(view: View, patterns: Pattern[], file: string, add: (f: ScanFinding) => void): void {
  const buf = Buffer.from(view.bytes.buffer, view.bytes.byteOffset, view.bytes.byteLength);
  for (const p of patterns) {
    if (buf.indexOf(p.bytes) < 0) continue;
    const how: ScanHow = view.how === 'raw' && p.encoding.startsWith('utf16') ? 'utf16' : view.how;
    add({ needle: p.needle, file, how, detail: `${view.detail}, ${p.encoding}` });
  }
  for (const alg of new Set(findPkcs8(buf))) add({ needle: PKCS8_KEY, file, how: view.how, detail: `${view.detail}, ${alg}` });
  if (findJwkPrivate(buf)) add({ needle: JWK_KEY, file, how: view.how, detail: view.detail });
}

/** The decoded forms of a LevelDB entry's value (Chrome's IndexedDB compression). */
function* entryViews(e: Entry, how: ScanHow, detail: string): Generator<View> {
  yield { bytes: e.key, how, detail: `${detail} key` };
  yield { bytes: e.value, how, detail: `${detail} value` };
  const idb = chromeIdbCompressed(e.value);
  if (idb) yield { bytes: idb, how: 'snappy', detail: `${detail} value → IndexedDB snappy` };
}

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
let sqlJs: Promise<SqlJs> | null = null;

function* sqliteViews(SQL: SqlJs, bytes: Uint8Array): Generator<View> {
  const db = new SQL.Database(bytes);
  try {
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values.map((r) => String(r[0])) ?? [];
    for (const t of tables) {
      const res = db.exec(`SELECT * FROM "${t.replace(/"/g, '""')}"`)[0];
      if (!res) continue;
      for (const row of res.values) {
        for (let col = 0; col < row.length; col++) {
          const cell = row[col];
          const where = `sqlite ${t}.${res.columns[col]}`;
          if (cell instanceof Uint8Array) {
            yield { bytes: cell, how: 'sqlite', detail: where };
            // Firefox: a bare Snappy block; Chromium's SQLite IndexedDB: Blink's FF 11 02 envelope.
            const un = snappyBlock(cell) ?? snappyFrames(cell) ?? chromeIdbCompressed(cell);
            if (un) yield { bytes: un, how: 'sqlite', detail: `${where} → snappy` };
          } else if (typeof cell === 'string') {
            yield { bytes: Buffer.from(cell, 'utf8'), how: 'sqlite', detail: where };
          }
        }
      }
    }
  } finally {
    db.close();
  }
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Every decoded form of one file, the raw bytes first. */
async function viewsOf(path: string, bytes: Buffer): Promise<View[]> {
  const views: View[] = [{ bytes, how: 'raw', detail: 'file' }];
  const name = path.split(/[\\/]/).pop()!;
  try {
    if (/\.(ldb|sst)$/.test(name)) {
      for (const { block, compressed } of tableBlocks(bytes)) {
        const how: ScanHow = compressed ? 'snappy' : 'leveldb';
        views.push({ bytes: block, how, detail: `leveldb table${compressed ? ' → snappy block' : ' block'}` });
        for (const e of blockEntries(block)) views.push(...entryViews(e, how, 'leveldb table entry'));
      }
    } else if (/\.log$|^MANIFEST-/.test(name)) {
      for (const rec of logRecords(bytes)) {
        views.push({ bytes: rec, how: 'leveldb', detail: 'leveldb log record' });
        for (const e of batchEntries(rec)) views.push(...entryViews(e, 'leveldb', 'leveldb log entry'));
      }
    }
  } catch (err) {
    views.push({ bytes: new Uint8Array(0), how: 'leveldb', detail: `unreadable as LevelDB: ${(err as Error).message}` });
  }
  if (bytes.subarray(0, 16).equals(SQLITE_MAGIC)) {
    // The WASM file beside sql.js's own entry, whatever the environment looks like.
    const wasmDir = dirname(createRequire(import.meta.url).resolve('sql.js'));
    sqlJs ??= initSqlJs({ locateFile: (f: string) => join(wasmDir, f) });
    try {
      views.push(...sqliteViews(await sqlJs, bytes));
    } catch {
      // A database sql.js cannot open (locked, torn) is still searched raw.
    }
  }
  const framed = snappyFrames(bytes);
  if (framed) views.push({ bytes: framed, how: 'snappy', detail: 'snappy frames' });
  const idb = chromeIdbCompressed(bytes);
  if (idb) views.push({ bytes: idb, how: 'snappy', detail: 'IndexedDB blob → snappy' });
  return views;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/**
 * Scan every regular file under `dir` (a closed browser profile) for the
 * needles and for private keys. Findings are unique per needle, file and how.
 */
export async function scanProfile(dir: string, needles: (string | Uint8Array)[]): Promise<ScanFinding[]> {
  const patterns = patternsOf(needles);
  const found = new Map<string, ScanFinding>();
  const add = (f: ScanFinding) => {
    const k = `${f.needle}\0${f.file}\0${f.how}`;
    if (!found.has(k)) found.set(k, f);
  };
  for (const path of filesUnder(dir)) {
    const file = relative(dir, path);
    for (const view of await viewsOf(path, readFileSync(path))) searchView(view, patterns, file, add);
  }
  return [...found.values()];
}

/** One line per finding, for a test's failure message. */
export function describeFindings(findings: ScanFinding[]): string {
  return findings.map((f) => `${f.needle.slice(0, 40)} in ${f.file} (${f.how}: ${f.detail})`).join('\n');
}

/** scanProfile, with its time in the log (CI's time budget). */
export async function timedScan(dir: string, needles: (string | Uint8Array)[]): Promise<ScanFinding[]> {
  const t0 = Date.now();
  const out = await scanProfile(dir, needles);
  console.log(`profile scan: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

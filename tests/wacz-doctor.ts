/**
 * Doctor a WACZ the way a hostile colleague would (issue 25): change one
 * record, one index line or one JSON file, then recompute everything else
 * — record Content-Length, gzip members, index offsets and lengths, the
 * capture records' pointers, datapackage.json's sizes and hashes and its
 * digest — so each case keeps only its own lie. Used by the unit corpus
 * (tests/unit/wacz-truth.test.ts) and the E2E tests.
 */
import { gzipSync, gunzipSync, createGzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';

export interface Rec {
  /** Header lines after the status line, as [name, value]. */
  headers: [string, string][];
  block: Uint8Array;
  /** Offset and length of the gzip member in the original WARC (undefined for an added record). */
  was?: { offset: number; length: number };
  /** Raw gzip member to write instead of gzipping the record (bombs). */
  member?: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
export const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Split a WARC file of gzip members into records (one member each). */
export function splitWarc(warc: Uint8Array): Rec[] {
  const out: Rec[] = [];
  let at = 0;
  while (at < warc.length) {
    let end = at + 18;
    let raw: Uint8Array | null = null;
    for (; end <= warc.length; end++) {
      if (end < warc.length && !(warc[end] === 0x1f && warc[end + 1] === 0x8b)) continue;
      try {
        // A cut member throws (unexpected end); the first end that inflates is the member's own.
        raw = new Uint8Array(gunzipSync(warc.subarray(at, end)));
        break;
      } catch {
        raw = null;
      }
    }
    if (!raw) throw new Error(`no gzip member at ${at}`);
    out.push({ ...parseRecord(raw), was: { offset: at, length: end - at } });
    at = end;
  }
  return out;
}

export function parseRecord(raw: Uint8Array): Pick<Rec, 'headers' | 'block'> {
  let i = 0;
  while (!(raw[i] === 13 && raw[i + 1] === 10 && raw[i + 2] === 13 && raw[i + 3] === 10)) i++;
  const lines = dec.decode(raw.subarray(0, i)).split('\r\n');
  const headers = lines.slice(1).map((l) => {
    const k = l.indexOf(':');
    return [l.slice(0, k), l.slice(k + 1).trim()] as [string, string];
  });
  const len = Number(headers.find(([k]) => k.toLowerCase() === 'content-length')![1]);
  return { headers, block: raw.slice(i + 4, i + 4 + len) };
}

export const header = (r: Rec, name: string) => r.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
export function setHeader(r: Rec, name: string, value: string | null): void {
  r.headers = r.headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase());
  if (value !== null) r.headers.push([name, value]);
}

/** The HTTP head and body of a response record's block. */
export function httpParts(block: Uint8Array): { head: string; body: Uint8Array } {
  let i = 0;
  while (i + 3 < block.length && !(block[i] === 13 && block[i + 1] === 10 && block[i + 2] === 13 && block[i + 3] === 10)) i++;
  return { head: dec.decode(block.subarray(0, i + 4)), body: block.slice(i + 4) };
}

/** Record bytes with a fresh Content-Length (digests as the record's headers say: callers set them). */
export function recordBytes(r: Rec): Uint8Array {
  setHeader(r, 'Content-Length', String(r.block.length));
  const head = enc.encode(`WARC/1.1\r\n${r.headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
  const all = new Uint8Array(head.length + r.block.length + 4);
  all.set(head);
  all.set(r.block, head.length);
  all.set([13, 10, 13, 10], head.length + r.block.length);
  return all;
}

/** Recompute a record's digests honestly (sha256 hex, as Saqta writes them). */
export function rehashRecord(r: Rec): void {
  const type = header(r, 'WARC-Type');
  const payload = type === 'response' || type === 'request' ? httpParts(r.block).body : r.block;
  if (header(r, 'WARC-Payload-Digest') !== undefined || type !== 'warcinfo') setHeader(r, 'WARC-Payload-Digest', `sha256:${sha256Hex(payload)}`);
  setHeader(r, 'WARC-Block-Digest', `sha256:${sha256Hex(r.block)}`);
}

export type Files = Map<string, Uint8Array>;

/**
 * Rebuild the WARC file `warcPath` from `recs` and move every index line and capture pointer that named an old member
 * to its new place (lines of removed records are dropped).
 */
export function writeWarc(files: Files, warcPath: string, recs: Rec[]): Map<Rec, { offset: number; length: number }> {
  const parts: Uint8Array[] = [];
  const where = new Map<Rec, { offset: number; length: number }>();
  const moved = new Map<number, { offset: number; length: number }>();
  let at = 0;
  for (const r of recs) {
    const member = r.member ?? new Uint8Array(gzipSync(recordBytes(r)));
    where.set(r, { offset: at, length: member.length });
    if (r.was) moved.set(r.was.offset, { offset: at, length: member.length });
    parts.push(member);
    at += member.length;
  }
  const warc = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    warc.set(p, o);
    o += p.length;
  }
  files.set(warcPath, warc);
  const name = warcPath.replace(/^archive\//, '');
  for (const idx of [...files.keys()].filter((n) => /^indexes\/.*\.cdxj$/.test(n))) {
    const lines = dec.decode(files.get(idx)).split('\n').filter(Boolean).flatMap((l) => {
      const m = /^(\S+ \d+) (\{.*\})$/.exec(l)!;
      const j = JSON.parse(m[2]!);
      if (j.filename !== name) return [l];
      const to = moved.get(Number(j.offset));
      if (!to) return [];
      return [`${m[1]} ${JSON.stringify({ ...j, offset: String(to.offset), length: String(to.length) })}`];
    });
    files.set(idx, enc.encode(`${lines.join('\n')}\n`));
  }
  for (const path of [...files.keys()].filter((n) => n.endsWith('/capture.json'))) {
    const c = JSON.parse(dec.decode(files.get(path)));
    for (const a of c.artifacts ?? []) {
      if (a.warc?.file !== warcPath) continue;
      const to = moved.get(a.warc.offset);
      if (to) Object.assign(a.warc, to);
    }
    files.set(path, enc.encode(JSON.stringify(c, null, 2)));
  }
  return where;
}

/** Sizes and hashes in datapackage.json (new files listed), and its digest, recomputed; zipped as a WACZ (WARC stored). */
export function repack(files: Files, opts: { keepDigest?: boolean; zipOs?: number } = {}): Uint8Array {
  const pkg = JSON.parse(dec.decode(files.get('datapackage.json')));
  const listed = new Set(pkg.resources.map((r: { path: string }) => r.path));
  for (const path of files.keys()) {
    if (path !== 'datapackage.json' && path !== 'datapackage-digest.json' && !listed.has(path)) pkg.resources.push({ name: path.split('/').pop(), path, hash: '', bytes: 0 });
  }
  pkg.resources = pkg.resources.filter((r: { path: string }) => files.has(r.path));
  for (const r of pkg.resources) {
    r.hash = `sha256:${sha256Hex(files.get(r.path)!)}`;
    r.bytes = files.get(r.path)!.length;
  }
  const pkgBytes = enc.encode(JSON.stringify(pkg, null, 2));
  files.set('datapackage.json', pkgBytes);
  if (!opts.keepDigest) files.set('datapackage-digest.json', enc.encode(JSON.stringify({ path: 'datapackage.json', hash: `sha256:${sha256Hex(pkgBytes)}` })));
  const input: Record<string, [Uint8Array, { level: 0 | 6; os: number }]> = {};
  for (const [k, v] of files) input[k] = [v, { level: k.startsWith('archive/') ? 0 : 6, os: opts.zipOs ?? 3 }];
  return zipSync(input, { mtime: new Date('2026-06-25T08:00:00Z') });
}

/** A gzip member of one WARC resource record whose block is `size` zero bytes, made as a stream (no `size` bytes in memory). */
export async function zeroBombMember(uri: string, date: string, size: number, declared = size): Promise<Uint8Array> {
  const head = enc.encode(`WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-00000000b0b0>\r\nWARC-Target-URI: ${uri}\r\nWARC-Date: ${date}\r\nContent-Type: text/html\r\nContent-Length: ${declared}\r\n\r\n`);
  const gz = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gz.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => gz.on('end', r));
  const zero = Buffer.alloc(1 << 20);
  const write = (b: Uint8Array) => new Promise<void>((r) => (gz.write(b) ? r() : gz.once('drain', () => r())));
  await write(head);
  let left = size;
  while (left > 0) {
    const n = Math.min(left, zero.length);
    await write(zero.subarray(0, n));
    left -= n;
  }
  gz.end(enc.encode('\r\n\r\n'));
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/** base32 (RFC 4648, no padding) of a SHA-1: the `sha1:` form py-wacz and warcio write. */
export function sha1Base32(b: Uint8Array): string {
  const d = createHash('sha1').update(b).digest();
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let v = 0;
  let out = '';
  for (const x of d) {
    v = (v << 8) | x;
    bits += 8;
    while (bits >= 5) {
      out += A[(v >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits) out += A[(v << (5 - bits)) & 31];
  return out;
}

export interface ForeignPage {
  url: string;
  html: string;
  /** Resources of the page (images), each its own response record. */
  resources?: { url: string; bytes: Uint8Array; mime: string }[];
  /** A raw gzip member to stand in place of the page's record (bombs). */
  member?: Uint8Array;
}

/**
 * A WACZ as py-wacz writes it (WARC records with `sha1:BASE32` digests as warcio.py writes them, a CDXJ index, a
 * pages.jsonl, datapackage.json and its digest), built here: tests never read a folder beside the clone.
 */
export async function pyWacz(pages: ForeignPage[], date = '2026-06-20T10:00:00Z'): Promise<Uint8Array> {
  const { getSurt } = await import('warcio/utils');
  const files: Files = new Map();
  const members: Uint8Array[] = [];
  const cdx: string[] = [];
  let offset = 0;
  const ts = date.replace(/\D/g, '').slice(0, 14);
  const add = (url: string, body: Uint8Array, mime: string, member?: Uint8Array) => {
    const http = enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: ${mime}\r\nContent-Length: ${body.length}\r\n\r\n`);
    const block = concatU8([http, body]);
    const r: Rec = {
      headers: [
        ['WARC-Type', 'response'], ['WARC-Record-ID', `<urn:uuid:${createHash('sha1').update(url).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5')}>`],
        ['WARC-Target-URI', url], ['WARC-Date', date], ['Content-Type', 'application/http; msgtype=response'],
        ['WARC-Payload-Digest', `sha1:${sha1Base32(body)}`], ['WARC-Block-Digest', `sha1:${sha1Base32(block)}`],
      ],
      block,
    };
    const m = member ?? new Uint8Array(gzipSync(recordBytes(r)));
    cdx.push(`${getSurt(url)} ${ts} ${JSON.stringify({ url, mime, status: '200', digest: `sha1:${sha1Base32(body)}`, length: String(m.length), offset: String(offset), filename: 'data.warc.gz' })}`);
    members.push(m);
    offset += m.length;
  };
  for (const p of pages) {
    add(p.url, enc.encode(p.html), 'text/html', p.member);
    for (const r of p.resources ?? []) add(r.url, r.bytes, r.mime);
  }
  files.set('archive/data.warc.gz', concatU8(members));
  files.set('indexes/index.cdxj', enc.encode(`${cdx.sort().join('\n')}\n`));
  files.set('pages/pages.jsonl', enc.encode(`${JSON.stringify({ format: 'json-pages-1.0', id: 'pages', title: 'All Pages' })}\n${pages.map((p) => JSON.stringify({ id: createHash('sha1').update(p.url).digest('hex').slice(0, 32), url: p.url, ts: date })).join('\n')}\n`));
  files.set('datapackage.json', enc.encode(JSON.stringify({ profile: 'data-package', wacz_version: '1.1.1', software: 'py-wacz 0.5.0', created: date, title: 'py-wacz test', resources: [] })));
  return repack(files);
}

function concatU8(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

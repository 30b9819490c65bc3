/**
 * One gzip member, byte for byte what `new pako.Deflate({ gzip: true })`
 * writes (warcio's `preferPako` path, the bytes Saqta's WACZ always had), from
 * ONE deflate state reset between members instead of a new one per member.
 *
 * A fresh pako Deflate allocates and zeroes ~270 KB (window, hash chains,
 * pending buffer) and a 16 KB output chunk; a WARC record is a few KB, so at
 * three records per article that allocation was a quarter of an export's
 * time in garbage collection. zlib's `deflateReset` gives a state that writes
 * exactly what a fresh one writes (same level 6, window 15, memLevel 8,
 * default strategy, the same default gzip header); tests/unit/wacz-gzip.test.ts
 * compares the two on many inputs.
 */
import ZStream from 'pako/lib/zlib/zstream.js';
import zlib from 'pako/lib/zlib/deflate.js';

const Z_OK = 0;
const Z_STREAM_END = 1;
const Z_FINISH = 4;
/** pako.Deflate's defaults: level 6 (Z_DEFAULT_COMPRESSION), deflate, 15-bit window + 16 for the gzip wrapper, memLevel 8, default strategy. */
const LEVEL = -1;
const WINDOW_GZIP = 15 + 16;
const MEM_LEVEL = 8;

let strm: ZStream | null = null;
let out = new Uint8Array(64 * 1024);

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/** `parts` (concatenated) as one gzip member. */
export function gzipMember(parts: Uint8Array[]): Uint8Array {
  if (strm) zlib.deflateReset(strm);
  else {
    strm = new ZStream();
    if (zlib.deflateInit2(strm, LEVEL, 8, WINDOW_GZIP, MEM_LEVEL, 0) !== Z_OK) {
      strm = null;
      throw new Error('gzip: the deflate state could not be made');
    }
  }
  const s = strm;
  s.input = concat(parts);
  s.next_in = 0;
  s.avail_in = s.input.length;
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      s.output = out;
      s.next_out = 0;
      s.avail_out = out.length;
      const status = zlib.deflate(s, Z_FINISH);
      if (status !== Z_OK && status !== Z_STREAM_END) throw new Error(`gzip failed (zlib status ${status})`);
      chunks.push(out.slice(0, s.next_out));
      if (status === Z_STREAM_END) break;
    }
  } catch (err) {
    // A state left half-way is never reused.
    strm = null;
    throw err;
  } finally {
    s.input = null;
    s.output = null;
  }
  return concat(chunks);
}

/** Drop the kept state and its buffers (tests). */
export function resetGzip(): void {
  strm = null;
  out = new Uint8Array(64 * 1024);
}

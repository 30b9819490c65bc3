// @vitest-environment node
/**
 * The WARC records' gzip members (utils/wacz/gzip.ts) are written from one
 * reused deflate state: every member must be byte for byte what a fresh
 * pako.Deflate({ gzip: true }) fed chunk by chunk (warcio's preferPako path)
 * writes, and inflate back to its input — one after another, in any order.
 */
import { describe, expect, it } from 'vitest';
import pako from 'pako';
import { gunzipSync } from 'fflate';
import { WARCRecord, WARCSerializer } from 'warcio';
import { gzipMember, resetGzip } from '../../utils/wacz/gzip';
import { writeRecord } from '../../utils/wacz/warc';

/** What warcio did per record: a fresh pako Deflate, the record pushed in pieces, the last with Z_FINISH. */
function freshPako(parts: Uint8Array[]): Uint8Array {
  const d = new pako.Deflate({ gzip: true });
  const nonEmpty = parts.filter((p) => p.length);
  nonEmpty.forEach((p, i) => d.push(p, i === nonEmpty.length - 1));
  if (!nonEmpty.length) d.push(new Uint8Array(0), true);
  return d.result as Uint8Array;
}

let seed = 18;
/** A small seeded PRNG (mulberry32): the same inputs every run. */
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const text = (n: number) => new TextEncoder().encode(Array.from({ length: n }, () => ['Тоқаев ', 'Astana ', 'сапар ', '<p>', '\r\n', 'news '][Math.floor(random() * 6)]).join(''));
const noise = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
const split = (b: Uint8Array, k: number) => Array.from({ length: k }, (_, i) => b.subarray(Math.floor((i * b.length) / k), Math.floor(((i + 1) * b.length) / k)));

describe('gzip members from one reused deflate state', () => {
  it('are the bytes a fresh pako Deflate writes, for empty, small, large, compressible and random inputs, in a row', () => {
    resetGzip();
    const inputs = [new Uint8Array(0), text(1), text(40), noise(7), text(3_000), noise(70_000), text(60_000), new Uint8Array(300_000), noise(5), text(200_000), text(12)];
    for (const input of inputs) {
      for (const pieces of [1, 3]) {
        const parts = split(input, pieces);
        const ours = gzipMember(parts);
        expect(Buffer.from(ours).equals(Buffer.from(freshPako(parts)))).toBe(true);
        expect(Buffer.from(gunzipSync(ours)).equals(Buffer.from(input))).toBe(true);
      }
    }
  });

  it('writes a WARC record exactly as warcio with pako did, and the record reads back', async () => {
    const body = text(5_000);
    const spec = { type: 'resource' as const, uri: 'https://news.example/a', date: '2026-11-27T10:00:00.000Z', recordId: '<urn:uuid:00000000-0000-4000-8000-000000000001>', contentType: 'text/html', body };
    const ours = await writeRecord(spec);
    // The same record through warcio's own gzip path (digests set as writeRecord sets them).
    const record = WARCRecord.create({ type: 'resource', url: spec.uri, date: spec.date, warcVersion: 'WARC/1.1', warcHeaders: [['WARC-Record-ID', spec.recordId], ['Content-Type', 'text/html']] }, [body]);
    record.warcHeaders.headers.set('WARC-Payload-Digest', ours.payloadDigest!);
    record.warcHeaders.headers.set('WARC-Block-Digest', ours.payloadDigest!);
    const theirs = await WARCSerializer.serialize(record, { gzip: true, preferPako: true });
    expect(Buffer.from(ours.bytes).equals(Buffer.from(theirs))).toBe(true);
    const plain = new TextDecoder().decode(gunzipSync(ours.bytes));
    expect(plain).toContain('WARC-Type: resource');
    expect(plain).toContain(`WARC-Block-Digest: ${ours.payloadDigest}`);
  });
});

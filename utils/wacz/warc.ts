/**
 * One WARC/1.1 record, written by warcio (WARCRecord + WARCSerializer), as one
 * gzip member. Digests are computed here with @noble/hashes and set before
 * warcio serializes, so warcio never needs its WebAssembly hasher (the
 * extension's CSP allows no WebAssembly); the bytes are warcio's.
 */
import { WARCRecord, WARCSerializer, type WARCType } from 'warcio';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { gzipMember } from './gzip';

export interface RecordSpec {
  type: WARCType;
  /** WARC-Target-URI (not for warcinfo). */
  uri?: string;
  /** ISO 8601 UTC. */
  date: string;
  recordId: string;
  /** WARC Content-Type (resource, metadata; response and request get application/http). */
  contentType?: string;
  /** HTTP status line and headers (response, request). */
  statusline?: string;
  httpHeaders?: [string, string][];
  /** Extra WARC headers (WARC-Concurrent-To, WARC-Refers-To, …). */
  warcHeaders?: [string, string][];
  filename?: string;
  body: Uint8Array;
}

interface WrittenRecord {
  /** The gzip member. */
  bytes: Uint8Array;
  payloadDigest?: string;
  /** Content-Type of the payload (HTTP Content-Type for responses), without parameters. */
  mime?: string;
  status?: number;
}

const enc = new TextEncoder();
const digestOf = (...parts: Uint8Array[]) => {
  const h = sha256.create();
  for (const p of parts) h.update(p);
  return `sha256:${bytesToHex(h.digest())}`;
};

export async function writeRecord(spec: RecordSpec): Promise<WrittenRecord> {
  const warcHeaders: [string, string][] = [['WARC-Record-ID', spec.recordId], ...(spec.warcHeaders ?? [])];
  if (spec.contentType) warcHeaders.push(['Content-Type', spec.contentType]);
  const record = WARCRecord.create(
    {
      type: spec.type,
      url: spec.uri,
      date: spec.date,
      filename: spec.filename,
      warcVersion: 'WARC/1.1',
      warcHeaders,
      statusline: spec.statusline,
      httpHeaders: spec.httpHeaders,
    },
    [spec.body],
  );
  let payloadDigest: string | undefined;
  if (spec.type !== 'warcinfo') {
    const head = record.httpHeaders ? enc.encode(record.httpHeaders.toString() + '\r\n') : new Uint8Array(0);
    payloadDigest = digestOf(spec.body);
    record.warcHeaders.headers.set('WARC-Payload-Digest', payloadDigest);
    // Without HTTP headers the block is the payload: hashed once.
    record.warcHeaders.headers.set('WARC-Block-Digest', head.length ? digestOf(head, spec.body) : payloadDigest);
  }
  // pako, not CompressionStream: its output is the same in every browser and in Node. Serialized
  // plain, then gzipped from one reused deflate state (gzip.ts): the same bytes as warcio's
  // `{ gzip: true, preferPako: true }`, without a fresh ~270 KB pako state per record.
  const bytes = gzipMember([await WARCSerializer.serialize(record, { gzip: false })]);
  const httpType = spec.httpHeaders?.find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  const mime = (spec.type === 'response' || spec.type === 'request' ? httpType : spec.contentType)?.split(';')[0]?.trim();
  const status = spec.type === 'response' ? Number(spec.statusline?.split(' ')[1]) : undefined;
  return { bytes, payloadDigest, mime, status };
}

/** The WARC-Date of a record: ISO 8601 UTC, with milliseconds if the source had them (WARC/1.1 allows it). */
export function warcDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

/**
 * The WACZ 1.1.1 export of Saqta (see README "For archivists" and docs/library.md).
 *
 *   archive/<article>.warc.gz      WARC/1.1, one gzip member per record, STORED in the ZIP
 *   indexes/index.cdxj             one line per response/resource/metadata record, sorted (SURT key, time)
 *   pages/pages.jsonl              one line per saved copy: id, url, ts, title, text
 *   datapackage.json               profile, wacz_version, every file with bytes and sha256: hash
 *   datapackage-digest.json        the hash of datapackage.json (signatures are added there later)
 *   annotations.jsonld, claims.md, index.html    Saqta's claims, as in the older .zip bundle
 *   articles/<dir>/reader.html, page.json, capture-<n>/capture.json   per-article records
 *
 * Each capture.json lists its artifacts with the WARC record that holds them
 * (`warc`: file, offset, length, record id, target URI), so Saqta reads them back.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export const WACZ_VERSION = '1.1.1';
export const DATAPACKAGE = 'datapackage.json';
export const DIGEST = 'datapackage-digest.json';
export const CDXJ = 'indexes/index.cdxj';
export const PAGES = 'pages/pages.jsonl';
/** Saqta's own name for what its WACZ carries beside the web archive. */
export const SAQTA_FORMAT = { name: 'saqta-wacz', version: '2.0.0' } as const;

export interface DataPackageResource {
  name: string;
  path: string;
  /** "sha256:" + 64 lower-case hex digits. */
  hash: string;
  bytes: number;
}

export interface DataPackage {
  profile: 'data-package';
  wacz_version: string;
  title?: string;
  description?: string;
  created: string;
  modified?: string;
  software: string;
  mainPageURL?: string;
  mainPageDate?: string;
  saqta?: { name: string; version: string };
  resources: DataPackageResource[];
}

/** One line of the CDXJ index (the JSON part; `urlkey` and `timestamp` lead the line). */
export interface CdxEntry {
  urlkey: string;
  timestamp: string;
  url: string;
  mime?: string;
  status?: string;
  digest?: string;
  length: string;
  offset: string;
  filename: string;
}

/** Where an artifact lives inside the WACZ (in capture.json). */
export interface WarcPointer {
  file: string;
  offset: number;
  length: number;
  recordId: string;
  uri: string;
}

/** 14-digit CDXJ timestamp of an ISO date. */
export function cdxTimestamp(iso: string): string {
  return iso.replace(/[-:T]/g, '').slice(0, 14);
}

export function cdxLine(e: CdxEntry): string {
  const { urlkey, timestamp, ...rest } = e;
  return `${urlkey} ${timestamp} ${JSON.stringify(rest)}`;
}

/** CDXJ order: the byte order of "urlkey timestamp" (as `LC_ALL=C sort`), then of the whole line. */
export function compareCdx(a: string, b: string): number {
  const ka = a.slice(0, nthSpace(a, 2));
  const kb = b.slice(0, nthSpace(b, 2));
  return cmpBytes(ka, kb) || cmpBytes(a, b);
}

function nthSpace(s: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = s.indexOf(' ', at + 1);
    if (at < 0) return s.length;
  }
  return at;
}

const enc = new TextEncoder();
function cmpBytes(a: string, b: string): number {
  if (a === b) return 0;
  const x = enc.encode(a);
  const y = enc.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** A stable record id: the same capture exports the same WARC records every time. */
export function recordIdFor(seed: string): string {
  const h = bytesToHex(sha256(enc.encode(seed))).slice(0, 32).split('');
  h[12] = '8'; // RFC 9562 version 8 (custom), variant 10
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `<urn:uuid:${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}>`;
}

/** `urn:saqta:<what>:<uuid>` for Saqta's own records of a capture. */
export function saqtaUrn(what: 'article' | 'snapshot' | 'screenshot' | 'capture' | 'raw' | 'image' | 'resource', captureId: string, n?: number): string {
  const id = captureId.replace(/^urn:uuid:/, '');
  return `urn:saqta:${what}:${id}${n !== undefined ? `:${n}` : ''}`;
}

export const isWarcPath = (p: string) => /^archive\/[^/]+\.warc(\.gz)?$/.test(p);

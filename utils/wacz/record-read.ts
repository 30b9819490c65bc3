/**
 * The one WARC record reader behind import, `npm run verify` and the reader
 * (docs/wacz-reading.md). A record is read from exactly the byte range its
 * CDXJ entry names:
 *
 * - a gzip member is inflated as a stream, a slice of input at a time, with
 *   the page given a turn between slices (`turn`), and never beyond what the
 *   record's own header declares (Content-Length) nor beyond the caps per
 *   record and per archive (`InflateBudget`): a member that inflates to
 *   1 GiB is refused after the first slice that shows it, not after 1 GiB;
 * - the range holds exactly one gzip member (or, in an uncompressed WARC
 *   file, exactly one record): nothing before, nothing after;
 * - the record is exactly its header, its Content-Length of block, and the
 *   "\r\n\r\n" that ends it;
 * - its `WARC-Block-Digest` (over the block) and `WARC-Payload-Digest` (over
 *   the payload) hold, in every form tools write them: `sha256:<hex>`,
 *   `sha256:<BASE32>`, `sha1:<BASE32>`, `sha1:<hex>`; a digest in a form
 *   Saqta cannot check is a refusal, never a silent pass.
 *
 * Then warcio parses the checked bytes (uncompressed) for its headers.
 */
import pako from 'pako';
import { sha256 } from '@noble/hashes/sha2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { WARCParser, type WARCRecord } from 'warcio';
import { concatBytes, type ByteSource } from '../zip/read';
import { why, type Reason } from './reasons';

/** Most bytes one record may inflate to (its whole WARC record, headers included). */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** Most bytes all records of one archive may inflate to, over one read (import or verify). */
const MAX_ARCHIVE_INFLATED = 2 * 1024 * 1024 * 1024;
/** Compressed bytes given to the inflater between turns (a zero bomb inflates ~1000×: ~4 MB a slice). */
const SLICE = 4 * 1024;
/** Most bytes of a WARC header. */
const MAX_HEADER = 64 * 1024;

/** Inflated bytes so far across one archive; shared by every record read of one import or verify. */
export interface InflateBudget {
  used: number;
  max: number;
}
export const newBudget = (max = MAX_ARCHIVE_INFLATED): InflateBudget => ({ used: 0, max });

export interface ReadRecord {
  record: WARCRecord;
  /** The payload (after the HTTP headers for response/request records), as stored. */
  payload: Uint8Array;
  /** Bytes of the range the record took (its gzip member). */
  length: number;
}

interface RecordReadOptions {
  budget?: InflateBudget;
  /** Give the page a turn (chunked async); called between slices. */
  turn?: () => Promise<void> | void;
  /** Cap per record (tests). */
  maxRecord?: number;
}

class RecordError extends Error {
  /** Its stable code and parameters (utils/wacz/reasons.ts), said in the reader's language by the library. */
  readonly reason: Reason;
  constructor(
    what: { message: string; reason: Reason },
    /** `bomb`: a size cap; `digest`: a digest that does not hold or cannot be checked; `shape`: anything else. */
    readonly kind: 'bomb' | 'digest' | 'shape' = 'shape',
  ) {
    super(what.message);
    this.reason = what.reason;
    this.name = 'RecordError';
  }
}

const CRLF2 = [13, 10, 13, 10];
function indexOfCrlf2(b: Uint8Array, from = 0, to = b.length): number {
  for (let i = from; i + 3 < to; i++) if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  return -1;
}

/** Content-Length of a WARC header (its bytes up to the blank line), or throws. */
function headerLength(head: Uint8Array): number {
  const text = new TextDecoder('latin1').decode(head);
  if (!/^WARC\/1\.[01]\r\n/.test(text)) throw new RecordError(why('noRecord'));
  const m = /\r\ncontent-length:[ \t]*(\d{1,15})[ \t]*(\r\n|$)/i.exec(text);
  if (!m) throw new RecordError(why('noLength'));
  return Number(m[1]);
}

/**
 * Inflate one gzip member from `bytes` (the whole range) under the caps. Stops as soon as the record's own header says
 * how long it is and the output goes past that.
 */
async function inflateMember(bytes: Uint8Array, cap: number, budget: InflateBudget | undefined, turn: RecordReadOptions['turn']): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  let size = 0;
  let want = -1; // header + block + CRLF CRLF, once the header is in
  const inf = new pako.Inflate() as pako.Inflate & { ended: boolean };
  let overflow: RecordError | null = null;
  inf.onData = (chunk: Uint8Array) => {
    if (overflow) return;
    size += chunk.length;
    if (budget && budget.used + size > budget.max) overflow = new RecordError(why('budget', [budget.max]), 'bomb');
    else if (size > cap) overflow = new RecordError(why('memberCap', [cap]), 'bomb');
    else out.push(chunk);
    if (want < 0 && !overflow) {
      const all = out.length === 1 ? out[0]! : concatBytes(out);
      const end = indexOfCrlf2(all, 0, Math.min(all.length, MAX_HEADER));
      if (end >= 0) {
        try {
          want = end + 4 + headerLength(all.subarray(0, end + 2)) + 4;
        } catch (e) {
          overflow = e as RecordError;
        }
        if (want > cap) overflow = new RecordError(why('declaresCap', [want, cap]), 'bomb');
      } else if (all.length >= MAX_HEADER) overflow = new RecordError(why('noRecord'));
    }
    if (want >= 0 && size > want && !overflow) overflow = new RecordError(why('memberExtra'));
    // pako calls back synchronously inside push(): stop it there.
    if (overflow) throw overflow;
  };
  let at = 0;
  try {
    while (at < bytes.length && !inf.ended) {
      const end = Math.min(bytes.length, at + SLICE);
      inf.push(bytes.subarray(at, end), end === bytes.length);
      if (inf.err) throw new RecordError(why('gzipCorrupt', [String(inf.msg) || inf.err]));
      if (inf.ended) {
        const left = (inf as unknown as { strm: { avail_in: number } }).strm.avail_in;
        at = end - left;
        break;
      }
      at = end;
      await turn?.();
    }
  } catch (e) {
    if (e instanceof RecordError) throw e;
    throw new RecordError(why('gzipCorrupt', [(e as Error).message]));
  }
  if (!inf.ended) throw new RecordError(why('gzipTruncated'));
  if (inf.err) throw new RecordError(why('gzipCorrupt', [String(inf.msg) || inf.err]));
  if (at !== bytes.length) throw new RecordError(why('afterMember', [bytes.length - at]));
  if (budget) budget.used += size;
  return concatBytes(out);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Does a WARC digest (`sha256:hex`, `sha256:BASE32`, `sha1:BASE32`, `sha1:hex`, `sha-256:`…) hold for these bytes?
 * `unknown`: a form Saqta cannot check.
 */
export function digestHolds(declared: string, bytes: Uint8Array): boolean | 'unknown' {
  const m = /^(sha-?1|sha-?256):(.+)$/i.exec(declared.trim());
  if (!m) return 'unknown';
  const alg = m[1]!.toLowerCase().replace('-', '');
  const value = m[2]!.trim();
  const d = alg === 'sha1' ? sha1(bytes) : sha256(bytes);
  if (/^[0-9a-f]+$/i.test(value) && value.length === d.length * 2) return value.toLowerCase() === bytesToHex(d);
  const b32 = value.toUpperCase().replace(/=+$/, '');
  if (/^[A-Z2-7]+$/.test(b32) && b32.length === Math.ceil((d.length * 8) / 5)) return b32 === base32(d);
  return 'unknown';
}

/** One record at `offset`/`length` of a WARC file, checked as the header of this file says. */
export async function readCheckedRecord(range: ByteSource, offset: number, length: number, opts: RecordReadOptions = {}): Promise<ReadRecord> {
  if (offset + length > range.size) throw new RecordError(why('pastFile', [offset, length, range.size]));
  const cap = opts.maxRecord ?? MAX_RECORD_BYTES;
  const bytes = await range.read(offset, length);
  let raw: Uint8Array;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) raw = await inflateMember(bytes, cap, opts.budget, opts.turn);
  else {
    if (bytes.length > cap) throw new RecordError(why('recordCap', [bytes.length, cap]), 'bomb');
    raw = bytes;
  }
  const end = indexOfCrlf2(raw, 0, Math.min(raw.length, MAX_HEADER));
  if (end < 0) throw new RecordError(why('noRecord'));
  const blockLength = headerLength(raw.subarray(0, end + 2));
  const blockStart = end + 4;
  if (raw.length < blockStart + blockLength + 4) throw new RecordError(why('shortRecord', [blockLength]));
  if (!CRLF2.every((c, i) => raw[blockStart + blockLength + i] === c)) throw new RecordError(why('recordEnd'));
  if (raw.length !== blockStart + blockLength + 4) throw new RecordError(why('bytesAfter'));
  const block = raw.subarray(blockStart, blockStart + blockLength);

  const parser = new WARCParser([raw]);
  const record = await parser.parse().catch(() => null);
  if (!record || !/^WARC\/1\.[01]$/.test(record.warcHeaders.statusline ?? '') || !record.warcType) throw new RecordError(why('noRecord'));
  const payload = (await record.readFully(false)) ?? new Uint8Array(0);
  if (await parser.parse().catch(() => null)) throw new RecordError(why('twoRecords'));

  const check = (name: string, value: string | null | undefined, over: Uint8Array, what: 'digestPayload' | 'digestBlock') => {
    if (!value) return;
    const holds = digestHolds(value, over);
    if (holds === 'unknown') throw new RecordError(why('digestForm', [name, JSON.stringify(value.slice(0, 80))]), 'digest');
    if (!holds) throw new RecordError(why(what, [/^sha-?1:/i.test(value) ? 'SHA-1' : 'SHA-256', name]), 'digest');
  };
  // A revisit record's WARC-Payload-Digest is the digest of the payload it revisits (WARC 1.1 §6.7), not of its own.
  if (record.warcType !== 'revisit') check('WARC-Payload-Digest', record.warcPayloadDigest, payload, 'digestPayload');
  check('WARC-Block-Digest', record.warcHeader('WARC-Block-Digest'), block, 'digestBlock');
  return { record, payload, length: bytes.length };
}


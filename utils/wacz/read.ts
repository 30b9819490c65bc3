/**
 * Read and check a WACZ (any tool's, Saqta's own included) without holding it
 * in memory: every ZIP entry is streamed and hashed (SHA-256, CRC-32 and size
 * checked by the ZIP reader); JSON, CDXJ and page lists are kept as bytes; the
 * WARC files, which must be STORED, are read later by byte range exactly as
 * replay tools read them.
 *
 * Checks (each problem names its file): datapackage.json (profile,
 * wacz_version, every resource present with its size and sha256, nothing
 * unlisted), datapackage-digest.json (the hash of datapackage.json), the CDXJ
 * index (well formed, sorted) and every entry against its WARC record: the
 * range holds exactly one gzip member with one record, whose target URI,
 * date, type, status, media type and payload digest are what the index says.
 * Used by `npm run verify`, by import, and by the tests.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import pako from 'pako';
import { readCheckedRecord, newBudget, digestHolds, type InflateBudget, type ReadRecord } from './record-read';
import { sliceYield } from '../zip/yield';
import { getSurt } from 'warcio/utils';
import { concatBytes, memorySource, readAhead } from '../zip/read';
import { listArchive, storedRange, streamEntry, type ArchiveEntry, type ByteSource } from '../zip/archive';
import { CDXJ, DATAPACKAGE, DIGEST, cdxTimestamp, compareCdx, isWarcPath, type CdxEntry, type DataPackage } from './format';
import { why, reasonOf, type Reason, type ReasonCode } from './reasons';

interface WaczFile {
  size: number;
  /** Hex SHA-256 of the unpacked bytes. */
  sha256: string;
  method: number;
  /** Small text files (JSON, CDXJ, JSONL). */
  bytes?: Uint8Array;
  /** WARC files: their bytes by range. */
  range?: ByteSource;
  /** A WARC file whose checked bytes are kept in memory (`range` reads them there). */
  kept?: boolean;
}

export interface WaczProblem {
  file?: string;
  message: string;
  /** Its stable code and parameters (utils/wacz/reasons.ts): the library says it in the reader's language. */
  reason?: Reason;
}

export interface ReadWacz {
  files: Map<string, WaczFile>;
  pkg?: DataPackage;
  cdx: (CdxEntry & { line: number; file: string })[];
  problems: WaczProblem[];
  /**
   * Records `checkRecords` parsed from WARC files kept in memory, by `recordKey`, with their payload's
   * hex SHA-256 (bounded by RECORD_CACHE bytes of payload): import reads the same records again for
   * the artifacts and takes them from here instead of parsing and inflating them twice.
   */
  records?: Map<string, ReadRecord & { sha256: string }>;
  /** Bytes inflated so far by every record read of this archive, and the cap (record-read.ts). */
  budget: InflateBudget;
}

/** Payload bytes `checkRecords` keeps for the import's second look at the same records. */
const RECORD_CACHE = 64 * 1024 * 1024;
/** The key of a record in `ReadWacz.records`. */
export const recordKey = (path: string, offset: number, length: number) => `${path}#${offset}+${length}`;

interface ReadWaczOptions {
  signal?: AbortSignal;
  /** The archive's checked listing (listArchive) when the caller already made it for this source. */
  entries?: ArchiveEntry[];
  onProgress?(done: number, total: number): void;
}

class Cancelled extends Error {
  constructor() {
    super('Import cancelled.');
    this.name = 'AbortError';
  }
}

const KEEP = /\.(json|jsonld|jsonl|cdxj|cdx|cdx\.gz)$/;
const MAX_KEEP = 256 * 1024 * 1024;
/**
 * WARC files up to this size are kept as the bytes that were hashed and CRC-checked, and their
 * records read from memory (a Saqta WACZ has one small WARC file per article: one Blob read per
 * record cost more than the rest of the check); larger ones, and any beyond WARC_KEEP_TOTAL, are
 * read by range from the archive as replay tools read them.
 */
const WARC_KEEP = 4 * 1024 * 1024;
const WARC_KEEP_TOTAL = 128 * 1024 * 1024;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJson(files: Map<string, WaczFile>, path: string, problems: WaczProblem[]): unknown {
  const f = files.get(path);
  if (!f?.bytes) {
    problems.push({ file: path, ...(f ? { message: 'too large to read' } : why('missing')) });
    return undefined;
  }
  try {
    return JSON.parse(utf8.decode(f.bytes));
  } catch (err) {
    problems.push({ file: path, message: `not UTF-8 JSON (${(err as Error).message})` });
    return undefined;
  }
}

export async function readWacz(src: ByteSource, opts: ReadWaczOptions = {}): Promise<ReadWacz> {
  const entries = [...(opts.entries ?? (await listArchive(src)))].sort((a, b) => a.at - b.at);
  const problems: WaczProblem[] = [];
  const files = new Map<string, WaczFile>();
  const total = entries.reduce((s, e) => s + e.size, 0);
  let done = 0;
  let warcKept = 0;
  // Entries are read in archive order: small ones come from one read-ahead window, not one Blob read each.
  const seq = readAhead(src);
  for (const e of entries) {
    if (opts.signal?.aborted) throw new Cancelled();
    const hash = sha256.create();
    const warcFile = isWarcPath(e.name) && e.method === 0;
    const keepWarc = warcFile && e.size <= WARC_KEEP && warcKept + e.size <= WARC_KEEP_TOTAL;
    const keep = (KEEP.test(e.name) && e.size <= MAX_KEEP) || keepWarc;
    const parts: Uint8Array[] = [];
    const dataOffset = await streamEntry(seq, e, (chunk) => {
      hash.update(chunk);
      if (keep) parts.push(chunk.slice());
    });
    const file: WaczFile = { size: e.size, sha256: bytesToHex(hash.digest()), method: e.method };
    if (keep && !warcFile) file.bytes = concatBytes(parts);
    if (isWarcPath(e.name)) {
      if (e.method !== 0) problems.push({ file: e.name, message: 'a WARC file must be stored in the ZIP without compression (replay reads it by byte range)' });
      else if (keepWarc) {
        warcKept += e.size;
        file.range = memorySource(concatBytes(parts));
        file.kept = true;
      } else file.range = storedRange(src, e as ArchiveEntry, dataOffset);
    }
    files.set(e.name, file);
    done += e.size;
    opts.onProgress?.(done, total);
  }
  const pkg = checkDataPackage(files, problems);
  checkDigest(files, problems);
  const cdx = parseCdxj(files, problems);
  return { files, pkg, cdx, problems, budget: newBudget() };
}

function checkDataPackage(files: Map<string, WaczFile>, problems: WaczProblem[]): DataPackage | undefined {
  const f = DATAPACKAGE;
  if (!files.has(f)) {
    problems.push({ file: f, ...why('notWacz') });
    return undefined;
  }
  const raw = parseJson(files, f, problems);
  if (!isObj(raw)) {
    if (raw !== undefined) problems.push({ file: f, message: 'not a JSON object' });
    return undefined;
  }
  if (raw.profile !== 'data-package') problems.push({ file: f, message: `profile is ${JSON.stringify(raw.profile)}, not "data-package"` });
  if (typeof raw.wacz_version !== 'string' || !/^1\.\d+(\.\d+)?$/.test(raw.wacz_version)) problems.push({ file: f, message: `wacz_version is ${JSON.stringify(raw.wacz_version)}, not a WACZ 1.x version` });
  if (!Array.isArray(raw.resources)) {
    problems.push({ file: f, message: 'no "resources" list' });
    return undefined;
  }
  const listed = new Set<string>();
  for (const [i, r] of raw.resources.entries()) {
    if (!isObj(r) || typeof r.path !== 'string' || typeof r.hash !== 'string' || !Number.isSafeInteger(r.bytes)) {
      problems.push({ file: f, message: `resource ${i + 1} lacks path, hash or bytes` });
      continue;
    }
    if (listed.has(r.path)) problems.push({ file: f, message: `${JSON.stringify(r.path)} is listed twice` });
    listed.add(r.path);
    const file = files.get(r.path);
    if (!file) {
      problems.push({ file: r.path, ...why('notInArchive', [f]) });
      continue;
    }
    if (file.size !== r.bytes) problems.push({ file: r.path, ...why('sizeDiffers', [file.size, f, String(r.bytes)]) });
    const m = /^sha256:([0-9a-f]{64})$/i.exec(r.hash);
    if (!m) problems.push({ file: r.path, message: `hash ${JSON.stringify(r.hash).slice(0, 80)} in ${f} is not sha256:<hex>` });
    else if (m[1]!.toLowerCase() !== file.sha256) problems.push({ file: r.path, ...why('fileChanged', [f]) });
  }
  for (const name of files.keys()) {
    if (name !== DATAPACKAGE && name !== DIGEST && !listed.has(name)) problems.push({ file: name, ...why('notListed', [f]) });
  }
  return raw as unknown as DataPackage;
}

function checkDigest(files: Map<string, WaczFile>, problems: WaczProblem[]): void {
  if (!files.has(DIGEST)) {
    problems.push({ file: DIGEST, ...why('missing') });
    return;
  }
  const raw = parseJson(files, DIGEST, problems);
  if (!isObj(raw)) return;
  if (raw.path !== DATAPACKAGE) problems.push({ file: DIGEST, message: `path is ${JSON.stringify(raw.path)}, not "${DATAPACKAGE}"` });
  const pkg = files.get(DATAPACKAGE);
  if (pkg && raw.hash !== `sha256:${pkg.sha256}`) problems.push({ file: DIGEST, ...why('packageChanged', [DATAPACKAGE, JSON.stringify(raw.hash)]) });
}

function parseCdxj(files: Map<string, WaczFile>, problems: WaczProblem[]): ReadWacz['cdx'] {
  const out: ReadWacz['cdx'] = [];
  // index.cdxj (or .cdx with CDXJ lines, as ArchiveWeb.page names it); a compressed index.cdx.gz is read whole.
  const indexes = [...files.keys()].filter((n) => /^indexes\/[^/]+\.(cdxj|cdx|cdx\.gz)$/.test(n));
  if (!indexes.length) problems.push({ file: CDXJ, message: 'no CDXJ index in indexes/' });
  for (const name of indexes) {
    const f = files.get(name)!;
    if (!f.bytes) {
      problems.push({ file: name, message: 'too large to check' });
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(name.endsWith('.gz') ? gunzipAll(f.bytes) : f.bytes);
    } catch {
      problems.push({ file: name, message: 'not UTF-8' });
      continue;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    let prev: string | undefined;
    for (const [i, line] of lines.entries()) {
      const m = /^(\S+) (\d{14,17}) (\{.*\})$/.exec(line); // 14 digits; some tools add milliseconds
      if (!m) {
        problems.push({ file: name, message: `line ${i + 1} is not "urlkey timestamp {json}"` });
        continue;
      }
      if (prev !== undefined && compareCdx(prev, line) > 0) problems.push({ file: name, message: `line ${i + 1} is out of order (the index must be sorted)` });
      prev = line;
      let j: unknown;
      try {
        j = JSON.parse(m[3]!);
      } catch {
        problems.push({ file: name, message: `line ${i + 1}: its JSON does not parse` });
        continue;
      }
      if (!isObj(j) || typeof j.url !== 'string' || typeof j.filename !== 'string' || !/^\d+$/.test(String(j.offset)) || !/^\d+$/.test(String(j.length))) {
        problems.push({ file: name, message: `line ${i + 1} lacks url, filename, offset or length` });
        continue;
      }
      out.push({ ...(j as unknown as CdxEntry), urlkey: m[1]!, timestamp: m[2]!, offset: String(j.offset), length: String(j.length), line: i + 1, file: name });
    }
  }
  return out;
}

/** Every gzip member of a compressed index, one after another. */
function gunzipAll(bytes: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [];
  let rest = bytes;
  while (rest.length) {
    const inf = new pako.Inflate();
    inf.push(rest, true);
    if (inf.err) throw new Error(String(inf.msg));
    out.push(inf.result as Uint8Array);
    const used = rest.length - ((inf as unknown as { strm: { avail_in: number } }).strm.avail_in ?? 0);
    if (used <= 0) break;
    rest = rest.subarray(used);
  }
  return concatBytes(out);
}


/**
 * One record at `offset`/`length` of a WARC file: the one checked reader (record-read.ts), with the archive's
 * inflate budget when `read` is given, and the page given a turn between slices of inflating.
 */
export async function readRecord(range: ByteSource, offset: number, length: number, read?: Pick<ReadWacz, 'budget'>): Promise<ReadRecord> {
  return readCheckedRecord(range, offset, length, { budget: read?.budget, turn: pageTurn });
}
const pageTurn = sliceYield(50);

/** The key of every record the index points at: the only records Saqta uses. */
export function indexedKeys(read: ReadWacz): Set<string> {
  return new Set(read.cdx.map((e) => recordKey(`archive/${e.filename}`, Number(e.offset), Number(e.length))));
}

const keyForm = (k: string) => {
  try {
    return decodeURIComponent(k).toLowerCase();
  } catch {
    return k.toLowerCase();
  }
};
/** An index digest without its algorithm: sha256 hex, or sha1 (hex or BASE32) as CDX files write it. */
const withAlgorithm = (d: string) => (/:/.test(d) ? d : d.length === 64 ? `sha256:${d}` : `sha1:${d}`);

/** Every CDXJ entry against its record. */
export async function checkRecords(read: ReadWacz, opts: { signal?: AbortSignal; onRecord?(done: number, total: number): void } = {}): Promise<WaczProblem[]> {
  const problems: WaczProblem[] = [];
  let done = 0;
  let cached = 0;
  read.records ??= new Map();
  for (const e of read.cdx) {
    if (opts.signal?.aborted) throw new Cancelled();
    const where = `${e.file} line ${e.line}`;
    const path = `archive/${e.filename}`;
    const warc = read.files.get(path);
    if (!warc?.range) {
      problems.push({ file: e.file, ...why('notWarcFile', [e.line, JSON.stringify(e.filename)]) });
      continue;
    }
    let got: ReadRecord;
    try {
      got = await readRecord(warc.range, Number(e.offset), Number(e.length), read);
    } catch (err) {
      const inner = reasonOf(err);
      problems.push(inner ? { file: path, ...why('recordAt', [e.file, e.line, e.offset, e.length], inner) } : { file: path, message: `${where} (offset ${e.offset}, length ${e.length}): ${(err as Error).message}` });
      continue;
    }
    const { record, payload } = got;
    const bad = (code: ReasonCode, more: (string | number | undefined)[] = []) => problems.push({ file: path, ...why(code, [e.offset, e.file, e.line, ...more.map(String)]) });
    if (got.length !== Number(e.length)) bad('lengthDiffers', [got.length, e.length]);
    if (record.warcTargetURI !== e.url) bad('uriDiffers', [JSON.stringify(record.warcTargetURI), JSON.stringify(e.url)]);
    // SURT details vary between tools (percent-encoding): compare the decoded keys.
    if (keyForm(getSurt(e.url)) !== keyForm(e.urlkey)) bad('keyDiffers', [JSON.stringify(e.urlkey), JSON.stringify(getSurt(e.url))]);
    if (cdxTimestamp(record.warcDate ?? '') !== e.timestamp.slice(0, 14)) bad('dateDiffers', [String(record.warcDate), e.timestamp]);
    if (record.warcType === 'request' || record.warcType === 'warcinfo') bad('typeIndexed', [record.warcType]);
    const digest = bytesToHex(sha256(payload));
    if (warc.kept && cached + payload.length <= RECORD_CACHE) {
      cached += payload.length;
      read.records.set(recordKey(path, Number(e.offset), Number(e.length)), { ...got, sha256: digest });
    }
    // The record's own digests were checked by the reader; the index's digest (any form) must hold too.
    if (e.digest && record.warcType !== 'revisit') {
      const holds = digestHolds(withAlgorithm(String(e.digest)), payload);
      if (holds === 'unknown') bad('indexDigestForm', [JSON.stringify(String(e.digest).slice(0, 80))]);
      else if (!holds) bad('indexDigestWrong');
    }
    if (e.status && record.httpHeaders?.statusCode !== undefined && String(record.httpHeaders.statusCode) !== String(e.status)) bad('statusDiffers', [record.httpHeaders.statusCode, e.status]);
    done++;
    opts.onRecord?.(done, read.cdx.length);
  }
  return problems;
}

/**
 * What a Saqta WACZ carries beside the web archive, read back: each article's
 * page.json, and each capture.json whose artifacts point into the WARC files
 * (file, offset, length, record id). Every artifact is read from its record,
 * and its SHA-256 must be the one the capture record lists. Gives the
 * articles and claims the library merge takes (utils/bundle/merge.ts).
 */
import { importedTimestamp } from '../evidence/check';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ArtifactKind, ArtifactRef, CaptureRecord, ScreenshotState } from '../db';
import { checkExchanges, checkPage, type ParsedArticle, type ParsedCapture } from '../export/records';
import { fromJsonLd, type ImportedClaim } from '../export/jsonld';
import { ANNOTATIONS } from '../export/portable';
import { BundleError } from '../zip/errors';
import { indexedKeys, parseJson, readRecord, recordKey, type ReadWacz, type WaczProblem } from './read';
import { saqtaUrn } from './format';
import { parseIsoDate } from '../export/dates';
import { recordBytes } from '../evidence/record';
import type { Exchange } from './records';
import { why, reasonOf, type Reason } from './reasons';

/** Every `notes.screenshot` a record may carry (older exports: 'ok' and 'failed' only). */
const SCREENSHOT_STATES: readonly ScreenshotState[] = ['ok', 'failed', 'none', 'pending', 'tab-closed', 'interrupted'];

const KINDS: ArtifactKind[] = ['article', 'snapshot', 'raw', 'screenshot', 'image', 'resource'];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isSaqtaWacz(read: ReadWacz): boolean {
  return isObj(read.pkg) && isObj((read.pkg as unknown as Record<string, unknown>).saqta) && read.files.has(ANNOTATIONS);
}

export interface SaqtaContents {
  articles: ParsedArticle[];
  claims: ImportedClaim[];
}

/** Articles and claims; a problem (bad record, hash mismatch) is reported and its article or artifact left out. */
export async function readSaqtaContents(read: ReadWacz, problems: WaczProblem[]): Promise<SaqtaContents> {
  let claims: ImportedClaim[] = [];
  const rawAnn = read.files.get(ANNOTATIONS)?.bytes;
  if (rawAnn) {
    try {
      claims = fromJsonLd(new TextDecoder().decode(rawAnn));
    } catch (err) {
      problems.push({ file: ANNOTATIONS, message: err instanceof Error ? err.message : String(err) });
    }
  }
  const dirs = new Set<string>();
  for (const name of read.files.keys()) {
    const m = /^(articles\/[^/]+)\/page\.json$/.exec(name);
    if (m) dirs.add(m[1]!);
  }
  // Each article's capture records, found in one pass over the file names (not one pass per article).
  const captureFiles = new Map<string, string[]>();
  for (const name of read.files.keys()) {
    const m = /^(articles\/[^/]+)\/capture-.*\/capture\.json$/.exec(name);
    if (m) captureFiles.set(m[1]!, [...(captureFiles.get(m[1]!) ?? []), name]);
  }
  const articles: ParsedArticle[] = [];
  const indexed = indexedKeys(read);
  for (const dir of [...dirs].sort()) {
    const pagePath = `${dir}/page.json`;
    let page;
    try {
      page = checkPage(parseJson(read.files, pagePath, problems), pagePath);
    } catch (err) {
      problems.push({ file: pagePath, message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const captures: ParsedCapture[] = [];
    const capturePaths = (captureFiles.get(dir) ?? []).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const path of capturePaths) {
      const c = await readCapture(read, path, page.id, problems, indexed);
      if (c) captures.push(c);
    }
    const checksPath = `${dir}/checks.json`;
    articles.push({ dir, page, captures, ...(read.files.has(checksPath) ? { checks: parseJson(read.files, checksPath, problems) } : {}) });
  }
  return { articles, claims };
}

/**
 * How far a capture record's time may be from the WARC-Date of its records (Saqta writes the same instant; WARC/1.0
 * dates have whole seconds).
 */
const CAPTURE_SKEW_MS = 1000;

/**
 * The capture's own metadata record (`urn:saqta:capture:<id>`), found through the index: the capture record the WARC
 * holds must be the one capture.json holds (same fields its proof covers), and dated within CAPTURE_SKEW_MS of it.
 * Returns the problem, or null.
 */
async function checkCaptureAgainstWarc(read: ReadWacz, raw: Record<string, unknown>, capturedAt: number): Promise<{ message: string; reason?: Reason } | null> {
  const urn = saqtaUrn('capture', String(raw.id));
  const entries = read.cdx.filter((e) => e.url === urn);
  if (entries.length !== 1) return entries.length ? why('captureRecordCount', [entries.length, urn]) : why('captureRecordNone', [urn]);
  const e = entries[0]!;
  const warc = read.files.get(`archive/${e.filename}`);
  if (!warc?.range) return why('captureRecordFile', [JSON.stringify(e.filename)]);
  let meta: unknown;
  let date: number;
  try {
    // The record as checkRecords already read it (same bytes), else read now.
    const got = read.records?.get(recordKey(`archive/${e.filename}`, Number(e.offset), Number(e.length))) ?? (await readRecord(warc.range, Number(e.offset), Number(e.length), read));
    date = Date.parse(got.record.warcDate ?? '');
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(got.payload));
  } catch (err) {
    return reasonOf(err) ? why('captureRecordUnread', [], reasonOf(err)) : { message: `its WARC capture record cannot be read (${(err as Error).message})` };
  }
  if (!Number.isFinite(date) || Math.abs(date - capturedAt) > CAPTURE_SKEW_MS) return Number.isFinite(date) ? why('captureVsWarc', [String(raw.capturedAt), new Date(date).toISOString()]) : why('captureVsWarcNoDate', [String(raw.capturedAt)]);
  if (!isObj(meta) || !Array.isArray(meta.artifacts)) return why('captureRecordShape');
  const canon = (r: Record<string, unknown>) => {
    try {
      return new TextDecoder().decode(recordBytes(r as never));
    } catch {
      return '';
    }
  };
  if (!canon(meta) || canon(meta) !== canon(raw)) return why('captureDisagrees');
  return null;
}

async function readCapture(read: ReadWacz, path: string, pageId: string, problems: WaczProblem[], indexed: Set<string>): Promise<ParsedCapture | null> {
  const raw = parseJson(read.files, path, problems);
  const bad = (what: string | { message: string; reason?: Reason }) => {
    problems.push({ file: path, ...(typeof what === 'string' ? { message: what } : what) });
    return null;
  };
  if (!isObj(raw) || typeof raw.id !== 'string' || raw.pageId !== pageId || !Array.isArray(raw.artifacts)) return bad(why('notCapture'));
  // ISO 8601 only (as in a .zip bundle): "03/04/2019 10:00" is not a date anyone can read one way.
  const iso = parseIsoDate(raw.capturedAt);
  if (!iso || iso.assumedUtc) return bad(why('captureNotIso', [JSON.stringify(String(raw.capturedAt).slice(0, 40))]));
  const capturedMs = Date.parse(iso.iso);
  const urlOk = (u: unknown) => typeof u === 'string' && /^https?:\/\//i.test(u);
  if (!urlOk(raw.url)) return bad(why('urlNotHttp'));
  // The time shown is the WARC's: capture.json must agree with its capture record in the WARC file.
  const disagree = await checkCaptureAgainstWarc(read, raw, capturedMs);
  if (disagree) return bad(disagree);
  const files: ParsedCapture['files'] = [];
  const refs: ArtifactRef[] = [];
  const exchanges: Exchange[] = [];
  for (const [i, a] of raw.artifacts.entries()) {
    if (!isObj(a) || !KINDS.includes(a.kind as ArtifactKind) || typeof a.blobId !== 'string' || typeof a.sha256 !== 'string' || typeof a.mime !== 'string' || !isObj(a.warc)) {
      problems.push({ file: path, ...why('artifactFields', [i + 1]) });
      continue;
    }
    const w = a.warc;
    const warc = read.files.get(String(w.file));
    if (!warc?.range || !Number.isSafeInteger(w.offset) || !Number.isSafeInteger(w.length)) {
      problems.push({ file: path, ...why('artifactFile', [i + 1, JSON.stringify(w.file)]) });
      continue;
    }
    // Only a record the index points at: the one replay tools show for it (no second, unindexed truth).
    const key = recordKey(String(w.file), w.offset as number, w.length as number);
    if (!indexed.has(key)) {
      problems.push({ file: path, ...why('artifactUnindexed', [i + 1, String(w.offset), String(w.file)]) });
      continue;
    }
    // The record as checkRecords parsed it (same bytes, same parse), else read now.
    let got = read.records?.get(key);
    try {
      got ??= { ...(await readRecord(warc.range, w.offset as number, w.length as number, read)), sha256: '' };
    } catch (err) {
      const inner = reasonOf(err);
      problems.push({ file: String(w.file), ...(inner ? why('artifactRecord', [i + 1, path], inner) : { message: `record of artifact ${i + 1} of ${path}: ${(err as Error).message}` }) });
      continue;
    }
    if (got.record.warcHeader('WARC-Record-ID') !== w.recordId) {
      problems.push({ file: String(w.file), ...why('artifactRecordId', [String(w.offset), String(w.recordId), path, i + 1]) });
      continue;
    }
    // Saqta's own artifact records carry the capture's time: a record dated otherwise is not this capture's.
    const uri = got.record.warcTargetURI ?? '';
    const recDate = Date.parse(got.record.warcDate ?? '');
    if (uri.startsWith('urn:saqta:') && !(Math.abs(recDate - capturedMs) <= CAPTURE_SKEW_MS)) {
      problems.push({ file: path, ...why('artifactDated', [String(raw.capturedAt), String(a.kind), got.record.warcDate ?? 'nothing']) });
      continue;
    }
    const digest = got.sha256 || bytesToHex(sha256(got.payload));
    if (digest !== a.sha256) {
      problems.push({ file: String(w.file), ...why('artifactHash', [String(a.kind), path, String(w.recordId)]) });
      continue;
    }
    const ref: ArtifactRef = { kind: a.kind as ArtifactKind, blobId: a.blobId.slice(0, 300), sha256: digest, size: got.payload.length, mime: a.mime.slice(0, 200) };
    if (typeof a.sourceUrl === 'string' && a.sourceUrl.length < 8000) ref.sourceUrl = a.sourceUrl;
    if (a.addedAt !== undefined) {
      const added = parseIsoDate(a.addedAt);
      if (!added || added.assumedUtc) {
        problems.push({ file: path, ...why('addedAtNotIso', [i + 1, JSON.stringify(String(a.addedAt).slice(0, 40))]) });
        continue;
      }
      ref.addedAt = String(a.addedAt);
    }
    refs.push(ref);
    const html = (ref.kind === 'article' || ref.kind === 'snapshot') && /html/i.test(ref.mime);
    files.push({ ref, data: new Blob([got.payload as Uint8Array<ArrayBuffer>], { type: ref.mime }), path: `${String(w.file)}#${w.offset}`, ...(html ? { bytes: got.payload } : {}) });
  }
  const record: CaptureRecord = {
    id: raw.id.slice(0, 300),
    pageId,
    url: String(raw.url),
    finalUrl: urlOk(raw.finalUrl) ? String(raw.finalUrl) : String(raw.url),
    capturedAt: String(raw.capturedAt),
    browser: typeof raw['browser'] === 'string' ? (raw['browser'] as string).slice(0, 500) : '',
    extensionVersion: typeof raw.extensionVersion === 'string' ? raw.extensionVersion.slice(0, 100) : '',
    artifacts: refs,
  };
  if (isObj(raw.notes)) {
    const n = raw.notes;
    record.notes = {
      ...(Array.isArray(n.failedResources) ? { failedResources: n.failedResources.filter((u): u is string => typeof u === 'string').slice(0, 5000) } : {}),
      ...(SCREENSHOT_STATES.includes(n.screenshot as ScreenshotState) ? { screenshot: n.screenshot as ScreenshotState } : {}),
    };
  }
  if (Array.isArray(raw.exchanges)) {
    const got = checkExchanges(raw.exchanges, refs, record.capturedAt);
    if (!Array.isArray(got)) return bad(`an exchange's date ${JSON.stringify(got.badDate)} is not an ISO 8601 date-time with a zone`);
    exchanges.push(...got);
  }
  if (exchanges.length) record.exchanges = exchanges;
  // Its trusted timestamp travels with it (checked by utils/evidence/check.ts before import).
  const timestamp = importedTimestamp(raw.timestamp);
  if (timestamp) record.timestamp = timestamp;
  return { record, files };
}

/** Import wants all or nothing: the first problem as a refusal. */
export function refusal(p: WaczProblem): BundleError {
  const err = new BundleError('wacz-invalid', 'wacz', [p.file ?? 'WACZ', p.message], p.file);
  // Its code and parameters travel along: the library says the reason in the reader's language (issue 25).
  if (p.reason) err.reason = p.reason;
  return err;
}

/**
 * Portable records as a reader gets them from any package (the .zip bundle,
 * utils/bundle/read.ts; a Saqta WACZ, utils/wacz/saqta.ts): an article with its
 * captures and files, the notes import shows, and the checks of the page and
 * capture records every package carries (refusals are BundleErrors).
 */
import type { ArtifactKind, ArtifactRef, CaptureRecord, Exchange, PageRecord } from '../db';
import { normalizeUrl } from '../url';
import { BundleError, q } from '../zip/errors';
import { pathProblem } from '../zip/checks';
import { parseIsoDate } from './dates';

const KINDS: ArtifactKind[] = ['article', 'snapshot', 'raw', 'screenshot', 'image', 'resource'];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ParsedCapture {
  record: CaptureRecord;
  /**
   * `bytes`: the same bytes as `data`, when the reader already holds them (a WACZ's saved HTML):
   * the import's cleaning reads them instead of reading the Blob back, then drops them.
   */
  files: { ref: ArtifactRef; data: Blob; path: string; bytes?: Uint8Array }[];
}

export interface ParsedArticle {
  dir: string;
  page: PageRecord;
  captures: ParsedCapture[];
  /** checks.json as parsed, if the article has one (checked by verify, utils/watch/bundle.ts). */
  checks?: unknown;
}

/** What reading an entry left: its real size and hash, and its content when it is needed later. */
export interface ReadFile {
  size: number;
  sha256: string;
  /** JSON records (manifest, annotations, page.json, capture.json). */
  bytes?: Uint8Array;
  /** Artifacts of captures (kept as a Blob, not as JS memory). */
  blob?: Blob;
}

export type Files = Map<string, ReadFile>;

/** A line of the import summary: a text key (`impNote*`, locales/zip.json) and its parameters. */
export interface ImportNote {
  key: string;
  args: string[];
}

function str(v: unknown, max: number, field: string, where: string, code: 'page-invalid' | 'capture-invalid'): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BundleError(code, 'fieldNotText', [where, field], where);
  if (v.length > max) throw new BundleError('too-long', 'fieldTooLong', [where, field, v.length, max], where);
  return v;
}

function httpUrl(v: unknown, where: string, code: 'page-invalid' | 'capture-invalid', field = 'url'): string {
  const s = str(v, 8000, field, where, code);
  try {
    const u = new URL(s ?? '');
    if (u.protocol === 'http:' || u.protocol === 'https:') return s!;
  } catch {
    /* below */
  }
  throw new BundleError(code, 'fieldNotHttp', [where, field], where);
}

/** A required date-time: ISO 8601 or refused; normalized to Saqta's UTC form with a note when it was written otherwise. */
const isoTime = (v: unknown, where: string, field: string, code: 'page-invalid' | 'capture-invalid', notes?: ImportNote[]) => {
  const d = parseIsoDate(v);
  if (!d) throw new BundleError(code, 'fieldNotTime', [where, field, String(JSON.stringify(v)).slice(0, 40)], where);
  if (d.changed) notes?.push({ key: d.assumedUtc ? 'impNoteDateUtc' : 'impNoteDate', args: [where, field, String(v), d.iso] });
  return d.iso;
};

/** An optional date-time from the page itself (published): kept when ISO 8601, else dropped with a note. */
const optionalTime = (v: unknown, where: string, field: string, notes?: ImportNote[]): string | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const d = parseIsoDate(v);
  if (!d) {
    notes?.push({ key: 'impNoteDateDropped', args: [where, field, String(JSON.stringify(v)).slice(0, 60)] });
    return undefined;
  }
  if (d.changed) notes?.push({ key: d.assumedUtc ? 'impNoteDateUtc' : 'impNoteDate', args: [where, field, String(v), d.iso] });
  return d.iso;
};

export function checkPage(raw: unknown, where: string, notes?: ImportNote[]): PageRecord {
  if (!isObj(raw)) throw new BundleError('page-invalid', 'notObject', [where], where);
  const id = str(raw.id, 300, 'id', where, 'page-invalid');
  if (!id) throw new BundleError('page-invalid', 'noId', [where], where);
  const url = httpUrl(raw.url, where, 'page-invalid');
  const canonicalUrl = raw.canonicalUrl ? httpUrl(raw.canonicalUrl, where, 'page-invalid', 'canonicalUrl') : undefined;
  const aliases = Array.isArray(raw.aliases) ? raw.aliases.filter((a): a is string => typeof a === 'string' && a.length < 8000).slice(0, 100) : [];
  const dir = raw.dir === 'rtl' ? 'rtl' : raw.dir === 'ltr' ? 'ltr' : undefined;
  const wordCount = Number.isSafeInteger(raw.wordCount) && (raw.wordCount as number) >= 0 ? (raw.wordCount as number) : undefined;
  if (raw.wordCount !== undefined && wordCount === undefined) notes?.push({ key: 'impNoteDropped', args: [where, 'wordCount', String(JSON.stringify(raw.wordCount)).slice(0, 40)] });
  const page: PageRecord = {
    id,
    url,
    normalizedUrl: normalizeUrl(url),
    canonicalUrl,
    normalizedCanonical: canonicalUrl ? normalizeUrl(canonicalUrl) : undefined,
    fingerprint: str(raw.fingerprint, 200, 'fingerprint', where, 'page-invalid'),
    aliases,
    title: str(raw.title, 10_000, 'title', where, 'page-invalid') ?? url,
    byline: str(raw.byline, 2000, 'byline', where, 'page-invalid'),
    siteName: str(raw.siteName, 2000, 'siteName', where, 'page-invalid'),
    lang: str(raw.lang, 35, 'lang', where, 'page-invalid'),
    dir,
    publishedTime: optionalTime(str(raw.publishedTime, 100, 'publishedTime', where, 'page-invalid'), where, 'publishedTime', notes),
    excerpt: str(raw.excerpt, 20_000, 'excerpt', where, 'page-invalid'),
    wordCount,
    createdAt: isoTime(raw.createdAt, where, 'createdAt', 'page-invalid', notes),
    updatedAt: isoTime(raw.updatedAt, where, 'updatedAt', 'page-invalid', notes),
    savedAt: raw.savedAt === undefined ? undefined : isoTime(raw.savedAt, where, 'savedAt', 'page-invalid', notes),
  };
  for (const k of Object.keys(page) as (keyof PageRecord)[]) if (page[k] === undefined) delete page[k];
  return page;
}

export function checkCapture(raw: unknown, where: string, pageId: string, dir: string, files: Files, notes?: ImportNote[]): ParsedCapture {
  const code = 'capture-invalid' as const;
  if (!isObj(raw)) throw new BundleError(code, 'notObject', [where], where);
  const id = str(raw.id, 300, 'id', where, code);
  if (!id) throw new BundleError(code, 'noId', [where], where);
  if (raw.pageId !== pageId) throw new BundleError(code, 'captureOtherPage', [where], where);
  if (!Array.isArray(raw.artifacts) || raw.artifacts.length > 1000) throw new BundleError(code, 'captureNoArtifacts', [where], where);
  const out: ParsedCapture['files'] = [];
  const refs: ArtifactRef[] = [];
  for (const [i, a] of raw.artifacts.entries()) {
    if (!isObj(a) || !KINDS.includes(a.kind as ArtifactKind) || typeof a.file !== 'string' || typeof a.blobId !== 'string' || typeof a.mime !== 'string') {
      throw new BundleError(code, 'artifactFields', [where, i + 1], where);
    }
    const path = `${dir}/${a.file}`;
    const file = files.get(path);
    if (!file?.blob || pathProblem(a.file) || a.file.endsWith('capture.json')) throw new BundleError('missing-file', 'artifactMissing', [where, q(a.file)], where);
    if (a.sha256 !== file.sha256) throw new BundleError('wrong-hash', 'artifactHash', [where, q(a.file)], path);
    const ref: ArtifactRef = { kind: a.kind as ArtifactKind, blobId: a.blobId.slice(0, 300), sha256: file.sha256, size: file.size, mime: a.mime.slice(0, 200) };
    if (typeof a.sourceUrl === 'string' && a.sourceUrl.length < 8000) ref.sourceUrl = a.sourceUrl;
    if (typeof a.addedAt === 'string' && !Number.isNaN(Date.parse(a.addedAt))) ref.addedAt = a.addedAt.slice(0, 40);
    refs.push(ref);
    out.push({ ref, data: file.blob, path });
  }
  const record: CaptureRecord = {
    id,
    pageId,
    url: httpUrl(raw.url, where, code),
    finalUrl: httpUrl(raw.finalUrl ?? raw.url, where, code, 'finalUrl'),
    capturedAt: isoTime(raw.capturedAt, where, 'capturedAt', code, notes),
    browser: str(raw.browser, 500, 'browser', where, code) ?? '',
    extensionVersion: str(raw.extensionVersion, 100, 'extensionVersion', where, code) ?? '',
    artifacts: refs,
  };
  // The HTTP exchanges travel too (a team part is a .zip bundle): without them a copy's page resources have no WARC record.
  if (Array.isArray(raw.exchanges)) {
    const exchanges = checkExchanges(raw.exchanges, refs, record.capturedAt);
    if (!Array.isArray(exchanges)) throw new BundleError(code, 'fieldNotTime', [where, 'exchanges.date', JSON.stringify(exchanges.badDate)], where);
    if (exchanges.length) record.exchanges = exchanges;
  }
  return { record, files: out };
}

/**
 * A capture record's HTTP exchanges, each kept only when its body is one of the capture's artifacts;
 * headers as [name, value] pairs. A date that is not ISO 8601 with a zone refuses the capture (`badDate`).
 */
export function checkExchanges(list: unknown[], refs: ArtifactRef[], capturedAt: string): Exchange[] | { badDate: string } {
  const blobs = new Set(refs.map((r) => r.blobId));
  const pairs = (v: unknown): [string, string][] =>
    Array.isArray(v) ? v.filter((h): h is [string, string] => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string').slice(0, 500) : [];
  const out: Exchange[] = [];
  for (const x of list.slice(0, 10_000)) {
    if (!isObj(x) || typeof x.url !== 'string' || typeof x.blobId !== 'string' || !blobs.has(x.blobId)) continue;
    const xDate = x.date === undefined ? undefined : parseIsoDate(x.date);
    if (xDate !== undefined && (!xDate || xDate.assumedUtc)) return { badDate: String(x.date).slice(0, 40) };
    out.push({
      url: x.url.slice(0, 8000), method: typeof x.method === 'string' ? x.method.slice(0, 20) : 'GET',
      date: typeof x.date === 'string' ? x.date : capturedAt,
      status: Number.isInteger(x.status) ? (x.status as number) : 200, statusText: typeof x.statusText === 'string' ? x.statusText.slice(0, 200) : '',
      requestHeaders: pairs(x.requestHeaders), responseHeaders: pairs(x.responseHeaders), blobId: x.blobId, ...(x.main === true ? { main: true } : {}),
    });
  }
  return out;
}


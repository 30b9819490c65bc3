/**
 * Read a bundle and check everything before anything is imported: the ZIP
 * (zip-read.ts), the manifest (format, version, every file listed with the
 * right size and SHA-256, nothing missing, nothing extra), the annotations
 * (W3C JSON-LD), each article's page and capture records.
 *
 * `readArchive` streams: each entry is read from the source by slices,
 * inflated, CRC-checked and hashed (incremental SHA-256) chunk by chunk; only
 * the JSON records are kept as bytes, the artifacts become Blobs (which the
 * browser may keep on disk), everything else is dropped once hashed.
 * `parseBundle` refuses on the first problem (import: all or nothing);
 * verify.ts collects every problem for its report.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ArtifactKind, ArtifactRef, CaptureRecord, PageRecord } from '../db';
import { normalizeUrl } from '../url';
import { BundleError, q } from '../zip/errors';
import { ANNOTATIONS } from '../export/portable';
import { FORMAT, MANIFEST, type Manifest } from './format';
import { fromJsonLd, type ImportedClaim } from '../export/jsonld';
import { parseIsoDate } from '../export/dates';
import { sliceYield } from '../zip/yield';
import { LIMITS, concatBytes, memorySource, openZip, pathProblem, readAhead, readEntry, type ByteSource, type ZipEntry } from '../zip/read';

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

export interface ParsedBundle {
  manifest: Manifest;
  articles: ParsedArticle[];
  claims: ImportedClaim[];
  files: Files;
  /** What import changed or dropped (dates normalized, fields that are not what they should be). */
  notes: ImportNote[];
}

/** A line of the import summary: a text key (`impNote*`, locales/zip.json) and its parameters. */
export interface ImportNote {
  key: string;
  args: string[];
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Packed bytes read so far, of all. */
  onProgress?(done: number, total: number): void;
}

/** Thrown when the reader cancels (AbortSignal): nothing was imported. */
export class Cancelled extends Error {
  constructor() {
    super('Import cancelled.');
    this.name = 'AbortError';
  }
}

const MAX_JSON = 64 * 1024 * 1024;
/** Fold artifact chunks into a Blob every so many bytes (the page keeps little). */
const FOLD = 4 * 1024 * 1024;
const KINDS: ArtifactKind[] = ['article', 'snapshot', 'raw', 'screenshot', 'image', 'resource'];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function sha256Hex(data: Uint8Array): string {
  return bytesToHex(sha256(data));
}

const isJson = (name: string) => name.endsWith('.json') || name.endsWith('.jsonld');
/** The HTML Saqta writes beside the records (index, reader copies): kept for verify's active-content check. */
const isWrittenHtml = (name: string) => name === 'index.html' || /^articles\/[^/]+\/reader\.html$/.test(name);
/** Artifacts: what capture folders hold besides their record (not the article's page.json and reader.html). */
const isArtifact = (name: string) => name.startsWith('articles/') && !name.endsWith('/capture.json') && !/^articles\/[^/]+\/(page\.json|reader\.html|checks\.json)$/.test(name);
const TYPES: Record<string, string> = { html: 'text/html', png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', svg: 'image/svg+xml', avif: 'image/avif', json: 'application/json', txt: 'text/plain' };
/** The type a writer gives this extension (merge keeps the Blob as is when the capture record agrees). */
const typeOf = (name: string) => TYPES[name.slice(name.lastIndexOf('.') + 1).toLowerCase()] ?? '';

/** Read one entry: hash it, keep what later checks need. */
async function readOne(src: ByteSource, e: ZipEntry, onSlice: () => void): Promise<ReadFile> {
  const hash = sha256.create();
  const keepBytes = (isJson(e.name) || isWrittenHtml(e.name)) && e.size <= MAX_JSON;
  const keepBlob = isArtifact(e.name);
  const bytes: Uint8Array[] = [];
  let parts: BlobPart[] = [];
  let pending: Uint8Array[] = [];
  let pendingSize = 0;
  const fold = () => {
    if (pending.length) parts = parts.length || pending.length > 1 ? [new Blob([...parts, ...(pending as BlobPart[])])] : [pending[0] as BlobPart];
    pending = [];
    pendingSize = 0;
  };
  await readEntry(src, e, (chunk) => {
    hash.update(chunk);
    if (keepBytes) bytes.push(chunk);
    if (keepBlob) {
      // A memory source hands out views of the whole archive: copy what is kept.
      pending.push(chunk.slice());
      pendingSize += chunk.length;
      if (pendingSize >= FOLD) fold();
    }
    onSlice();
  });
  const out: ReadFile = { size: e.size, sha256: bytesToHex(hash.digest()) };
  if (keepBytes) out.bytes = concatBytes(bytes);
  if (keepBlob) {
    fold();
    out.blob = new Blob(parts, { type: typeOf(e.name) });
  }
  return out;
}

const toSource = (src: ByteSource | Uint8Array): ByteSource => (src instanceof Uint8Array ? memorySource(src) : src);

/** Unzip and check every entry (streamed) and the manifest; throws on the first problem. */
export async function readArchive(input: ByteSource | Uint8Array, opts: ReadOptions = {}): Promise<{ manifest: Manifest; files: Files }> {
  const direct = toSource(input);
  const entries = await openZip(direct);
  const articleDirs = new Set(entries.map((e) => /^articles\/[^/]+\//.exec(e.name)?.[0]).filter(Boolean));
  if (articleDirs.size > LIMITS.articles) throw new BundleError('too-many-articles', 'tooManyArticles', [articleDirs.size, LIMITS.articles]);
  const src = readAhead(direct);
  const check = () => {
    if (opts.signal?.aborted) throw new Cancelled();
  };
  check();
  // In archive order, so the file is read front to back.
  const ordered = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  const total = ordered.reduce((s, e) => s + e.compressedSize, 0);
  let done = 0;
  const files: Files = new Map();
  // Small entries share read-ahead windows; a window never reaches into the next large entry.
  const large = (e: ZipEntry) => e.limit - e.localOffset >= 1024 * 1024;
  const until: number[] = [];
  for (let i = ordered.length - 1, next = direct.size; i >= 0; i--) {
    until[i] = next;
    if (large(ordered[i]!)) next = ordered[i]!.localOffset;
  }
  const turn = sliceYield();
  // Progress at most every 100 ms: a page re-rendering its bar for each of 40,000 small entries spent most of an import on it.
  let told = 0;
  for (const [i, e] of ordered.entries()) {
    src.until = until[i]!;
    files.set(e.name, await readOne(src, e, check));
    done += e.compressedSize;
    const now = Date.now();
    if (now - told >= 100 || i === ordered.length - 1) {
      told = now;
      opts.onProgress?.(done, total);
    }
    // Small entries come from the read-ahead window without a real wait: give the page its turns.
    await turn();
  }
  if (!files.has(MANIFEST)) throw new BundleError('no-manifest', 'noManifest', [MANIFEST]);
  const manifest = await checkManifest(json(files, MANIFEST, 'manifest-json'));
  return { manifest, files };
}

function json(files: Files, path: string, code: 'manifest-json' | 'annotations-json' | 'page-invalid' | 'capture-invalid'): unknown {
  const file = files.get(path)!;
  if (!file.bytes) throw new BundleError('too-long', 'jsonTooBig', [path, file.size], path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.bytes);
  } catch {
    throw new BundleError(code, 'notUtf8', [path], path);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BundleError(code, 'notJson', [path, (err as Error).message], path);
  }
}

export async function checkManifest(raw: unknown): Promise<Manifest> {
  const turn = sliceYield();
  const f = MANIFEST;
  if (!isObj(raw)) throw new BundleError('manifest-shape', 'notObject', [f], f);
  const format = raw.format;
  if (!isObj(format) || format.name !== FORMAT) {
    throw new BundleError('manifest-format', 'manifestFormat', [f, FORMAT, String(JSON.stringify(isObj(format) ? format.name : format)).slice(0, 60)], f);
  }
  if (typeof format.version !== 'string' || !/^1\.\d+\.\d+$/.test(format.version)) {
    throw new BundleError('manifest-version', 'manifestVersion', [f, String(JSON.stringify(format.version)).slice(0, 40)], f);
  }
  if (!parseIsoDate(raw.created)) throw new BundleError('manifest-shape', 'manifestCreated', [f], f);
  if (typeof raw.software !== 'string') throw new BundleError('manifest-shape', 'manifestSoftware', [f], f);
  if (!Array.isArray(raw.resources)) throw new BundleError('manifest-shape', 'manifestResources', [f], f);
  const seen = new Set<string>();
  for (const [i, r] of raw.resources.entries()) {
    if (i % 512 === 0) await turn();
    if (!isObj(r) || typeof r.path !== 'string' || typeof r.hash !== 'string' || !Number.isSafeInteger(r.bytes) || (r.bytes as number) < 0) {
      throw new BundleError('manifest-shape', 'manifestEntry', [f, i + 1], f);
    }
    if (r.path === MANIFEST) throw new BundleError('manifest-path', 'manifestSelf', [f, q(r.path)], f);
    if (pathProblem(r.path)) throw new BundleError('manifest-path', 'manifestPath', [f, q(r.path)], f);
    if (seen.has(r.path)) throw new BundleError('manifest-duplicate', 'manifestDuplicate', [f, q(r.path)], f);
    seen.add(r.path);
    if (!/^sha256:[0-9a-f]{64}$/.test(r.hash)) throw new BundleError('bad-hash-format', 'hashFormat', [f, q(r.path)], f);
  }
  return raw as unknown as Manifest;
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

function checkCapture(raw: unknown, where: string, pageId: string, dir: string, files: Files, notes?: ImportNote[]): ParsedCapture {
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
  return { record, files: out };
}

/** Every file problem against the manifest (missing, extra, size, hash). */
export async function fileProblems(manifest: Manifest, files: Files): Promise<BundleError[]> {
  const turn = sliceYield();
  let n = 0;
  const problems: BundleError[] = [];
  const listed = new Set(manifest.resources.map((r) => r.path));
  for (const r of manifest.resources) {
    if (++n % 512 === 0) await turn();
    const file = files.get(r.path);
    if (!file) {
      problems.push(new BundleError('missing-file', 'fileMissing', [r.path, MANIFEST], r.path));
      continue;
    }
    if (file.size !== r.bytes) problems.push(new BundleError('wrong-size', 'fileSize', [r.path, file.size, MANIFEST, r.bytes], r.path));
    else if (`sha256:${file.sha256}` !== r.hash) problems.push(new BundleError('wrong-hash', 'fileHash', [r.path, MANIFEST], r.path));
  }
  for (const name of files.keys()) {
    if (++n % 512 === 0) await turn();
    if (name !== MANIFEST && !listed.has(name)) problems.push(new BundleError('extra-file', 'fileExtra', [name, MANIFEST], name));
  }
  return problems;
}

/** Articles and claims of a bundle whose files are already checked. */
export async function readContents(files: Files, notes: ImportNote[] = []): Promise<{ articles: ParsedArticle[]; claims: ImportedClaim[]; notes: ImportNote[] }> {
  const turn = sliceYield();
  let n = 0;
  if (!files.has(ANNOTATIONS)) throw new BundleError('missing-file', 'noAnnotations', [ANNOTATIONS], ANNOTATIONS);
  const raw = json(files, ANNOTATIONS, 'annotations-json');
  if (!isObj(raw) || raw.type !== 'AnnotationCollection') throw new BundleError('annotations-shape', 'notCollection', [ANNOTATIONS], ANNOTATIONS);
  const claims = fromJsonLdValue(raw);
  const dirs = new Set<string>();
  const captureFiles = new Map<string, string[]>();
  for (const name of files.keys()) {
    if (++n % 512 === 0) await turn();
    const m = /^(articles\/[^/]+)\//.exec(name);
    if (!m) continue;
    dirs.add(m[1]!);
    if (name.endsWith('/capture.json')) captureFiles.set(m[1]!, [...(captureFiles.get(m[1]!) ?? []), name]);
  }
  const articles: ParsedArticle[] = [];
  const ids = new Set<string>();
  for (const dir of [...dirs].sort()) {
    await turn();
    const pagePath = `${dir}/page.json`;
    if (!files.has(pagePath)) throw new BundleError('missing-file', 'noPageJson', [dir], pagePath);
    const page = checkPage(json(files, pagePath, 'page-invalid'), pagePath, notes);
    if (ids.has(page.id)) throw new BundleError('page-invalid', 'pageIdRepeated', [pagePath], pagePath);
    ids.add(page.id);
    const captures: ParsedCapture[] = [];
    for (const name of (captureFiles.get(dir) ?? []).sort()) {
      const cdir = name.slice(0, -'/capture.json'.length);
      captures.push(checkCapture(json(files, name, 'capture-invalid'), name, page.id, cdir, files, notes));
    }
    const checksPath = `${dir}/checks.json`;
    articles.push({ dir, page, captures, ...(files.has(checksPath) ? { checks: json(files, checksPath, 'page-invalid') } : {}) });
  }
  for (const c of claims) {
    if (!c.pageId || !ids.has(c.pageId)) throw new BundleError('annotation-unknown-page', 'unknownPage', [q(c.id)], ANNOTATIONS);
  }
  return { articles, claims, notes };
}

function fromJsonLdValue(raw: unknown): ImportedClaim[] {
  try {
    return fromJsonLd(JSON.stringify(raw));
  } catch (err) {
    if (err instanceof BundleError && !err.file) throw err.inFile(ANNOTATIONS);
    throw err;
  }
}

/** Everything checked; refuses with the first problem. */
export async function parseBundle(input: ByteSource | Uint8Array, opts: ReadOptions = {}): Promise<ParsedBundle> {
  const { manifest, files } = await readArchive(input, opts);
  const problems = await fileProblems(manifest, files);
  if (problems.length) throw problems[0];
  const { articles, claims, notes } = await readContents(files);
  return { manifest, articles, claims, files, notes };
}

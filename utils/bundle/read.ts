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
import { checkCapture, checkPage, type Files, type ImportNote, type ParsedArticle, type ParsedCapture, type ReadFile } from '../export/records';
import { BundleError, q } from '../zip/errors';
import { ANNOTATIONS } from '../export/portable';
import { FORMAT, MANIFEST, type Manifest } from './format';
import { fromJsonLd, type ImportedClaim } from '../export/jsonld';
import { parseIsoDate } from '../export/dates';
import { sliceYield } from '../zip/yield';
import { LIMITS, concatBytes, memorySource, openZip, pathProblem, readAhead, readEntry, type ByteSource, type ZipEntry } from '../zip/read';

export interface ParsedBundle {
  manifest: Manifest;
  articles: ParsedArticle[];
  claims: ImportedClaim[];
  files: Files;
  /** What import changed or dropped (dates normalized, fields that are not what they should be). */
  notes: ImportNote[];
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

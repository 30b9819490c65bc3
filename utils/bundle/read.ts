/**
 * Read a bundle and check everything before anything is imported: the ZIP
 * (zip-read.ts), the manifest (format, version, every file listed with the
 * right size and SHA-256, nothing missing, nothing extra), the annotations
 * (W3C JSON-LD), each article's page and capture records. `inspectBundle`
 * collects every problem (for the verify report); `parseBundle` refuses on
 * the first one (for import: all or nothing).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ArtifactKind, ArtifactRef, CaptureRecord, PageRecord } from '../db';
import { normalizeUrl } from '../url';
import { BundleError } from './errors';
import { ANNOTATIONS, FORMAT, MANIFEST, type Manifest } from './format';
import { fromJsonLd, type ImportedClaim } from './jsonld';
import { listEntries, pathProblem, readEntry } from './zip-read';

export interface ParsedCapture {
  record: CaptureRecord;
  files: { ref: ArtifactRef; data: Uint8Array; path: string }[];
}

export interface ParsedArticle {
  dir: string;
  page: PageRecord;
  captures: ParsedCapture[];
}

export interface ParsedBundle {
  manifest: Manifest;
  articles: ParsedArticle[];
  claims: ImportedClaim[];
  files: Map<string, Uint8Array>;
}

const MAX_JSON = 64 * 1024 * 1024;
const KINDS: ArtifactKind[] = ['article', 'snapshot', 'raw', 'screenshot', 'image'];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function sha256Hex(data: Uint8Array): string {
  return bytesToHex(sha256(data));
}

function json(files: Map<string, Uint8Array>, path: string, code: 'manifest-json' | 'annotations-json' | 'page-invalid' | 'capture-invalid'): unknown {
  const bytes = files.get(path)!;
  if (bytes.length > MAX_JSON) throw new BundleError('too-long', `${path} is ${bytes.length} bytes, too large for its kind of file.`, path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BundleError(code, `${path} is not valid UTF-8 text.`, path);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BundleError(code, `${path} is not valid JSON (${(err as Error).message}).`, path);
  }
}

export function checkManifest(raw: unknown): Manifest {
  const f = MANIFEST;
  if (!isObj(raw)) throw new BundleError('manifest-shape', `${f} is not a JSON object.`, f);
  const format = raw.format;
  if (!isObj(format) || format.name !== FORMAT) {
    throw new BundleError('manifest-format', `${f} does not say it is a Saqta bundle (format.name should be "${FORMAT}", found ${JSON.stringify(isObj(format) ? format.name : format)?.slice(0, 60)}).`, f);
  }
  if (typeof format.version !== 'string' || !/^1\.\d+\.\d+$/.test(format.version)) {
    throw new BundleError('manifest-version', `${f} has format version ${JSON.stringify(format.version)?.slice(0, 40)}; this Saqta reads version 1.x bundles.`, f);
  }
  if (typeof raw.created !== 'string' || Number.isNaN(Date.parse(raw.created))) throw new BundleError('manifest-shape', `${f} has no valid "created" time.`, f);
  if (typeof raw.software !== 'string') throw new BundleError('manifest-shape', `${f} does not name the software that made it.`, f);
  if (!Array.isArray(raw.resources)) throw new BundleError('manifest-shape', `${f} has no list of files ("resources").`, f);
  const seen = new Set<string>();
  for (const [i, r] of raw.resources.entries()) {
    if (!isObj(r) || typeof r.path !== 'string' || typeof r.hash !== 'string' || !Number.isSafeInteger(r.bytes) || (r.bytes as number) < 0) {
      throw new BundleError('manifest-shape', `${f}: file entry ${i + 1} needs a path, a byte size and a hash.`, f);
    }
    const problem = pathProblem(r.path);
    if (problem || r.path === MANIFEST) throw new BundleError('manifest-path', `${f} lists ${JSON.stringify(r.path)}, which ${problem?.why ?? 'is the manifest itself'}.`, f);
    if (seen.has(r.path)) throw new BundleError('manifest-duplicate', `${f} lists ${JSON.stringify(r.path)} twice.`, f);
    seen.add(r.path);
    if (!/^sha256:[0-9a-f]{64}$/.test(r.hash)) throw new BundleError('bad-hash-format', `${f} gives ${JSON.stringify(r.path)} a hash that is not "sha256:" and 64 hex digits.`, f);
  }
  return raw as unknown as Manifest;
}

function str(v: unknown, max: number, field: string, where: string, code: 'page-invalid' | 'capture-invalid'): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BundleError(code, `${where}: "${field}" must be text.`, where);
  if (v.length > max) throw new BundleError('too-long', `${where}: "${field}" is ${v.length} characters long, more than ${max}.`, where);
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
  throw new BundleError(code, `${where}: "${field}" is not an http(s) address.`, where);
}

const isoTime = (v: unknown, where: string, field: string, code: 'page-invalid' | 'capture-invalid') => {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new BundleError(code, `${where}: "${field}" is not a date and time.`, where);
  return v;
};

export function checkPage(raw: unknown, where: string): PageRecord {
  if (!isObj(raw)) throw new BundleError('page-invalid', `${where} is not a JSON object.`, where);
  const id = str(raw.id, 300, 'id', where, 'page-invalid');
  if (!id) throw new BundleError('page-invalid', `${where} has no id.`, where);
  const url = httpUrl(raw.url, where, 'page-invalid');
  const canonicalUrl = raw.canonicalUrl ? httpUrl(raw.canonicalUrl, where, 'page-invalid', 'canonicalUrl') : undefined;
  const aliases = Array.isArray(raw.aliases) ? raw.aliases.filter((a): a is string => typeof a === 'string' && a.length < 8000).slice(0, 100) : [];
  const dir = raw.dir === 'rtl' ? 'rtl' : raw.dir === 'ltr' ? 'ltr' : undefined;
  const wordCount = Number.isSafeInteger(raw.wordCount) ? (raw.wordCount as number) : undefined;
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
    publishedTime: str(raw.publishedTime, 100, 'publishedTime', where, 'page-invalid'),
    excerpt: str(raw.excerpt, 20_000, 'excerpt', where, 'page-invalid'),
    wordCount,
    createdAt: isoTime(raw.createdAt, where, 'createdAt', 'page-invalid'),
    updatedAt: isoTime(raw.updatedAt, where, 'updatedAt', 'page-invalid'),
    savedAt: raw.savedAt === undefined ? undefined : isoTime(raw.savedAt, where, 'savedAt', 'page-invalid'),
  };
  for (const k of Object.keys(page) as (keyof PageRecord)[]) if (page[k] === undefined) delete page[k];
  return page;
}

function checkCapture(raw: unknown, where: string, pageId: string, dir: string, files: Map<string, Uint8Array>): ParsedCapture {
  const code = 'capture-invalid' as const;
  if (!isObj(raw)) throw new BundleError(code, `${where} is not a JSON object.`, where);
  const id = str(raw.id, 300, 'id', where, code);
  if (!id) throw new BundleError(code, `${where} has no id.`, where);
  if (raw.pageId !== pageId) throw new BundleError(code, `${where} belongs to another article (pageId does not match page.json).`, where);
  if (!Array.isArray(raw.artifacts) || raw.artifacts.length > 1000) throw new BundleError(code, `${where} has no list of artifacts.`, where);
  const out: ParsedCapture['files'] = [];
  const refs: ArtifactRef[] = [];
  for (const [i, a] of raw.artifacts.entries()) {
    if (!isObj(a) || !KINDS.includes(a.kind as ArtifactKind) || typeof a.file !== 'string' || typeof a.blobId !== 'string' || typeof a.mime !== 'string') {
      throw new BundleError(code, `${where}: artifact ${i + 1} needs a kind, a file, a blob id and a type.`, where);
    }
    const path = `${dir}/${a.file}`;
    const data = files.get(path);
    if (!data || pathProblem(a.file) || a.file.endsWith('capture.json')) throw new BundleError('missing-file', `${where} names ${JSON.stringify(a.file)}, which is not in the bundle.`, where);
    const hex = sha256Hex(data);
    if (a.sha256 !== hex) throw new BundleError('wrong-hash', `${where}: the SHA-256 recorded at capture time for ${JSON.stringify(a.file)} does not match the file.`, path);
    const ref: ArtifactRef = { kind: a.kind as ArtifactKind, blobId: a.blobId.slice(0, 300), sha256: hex, size: data.length, mime: a.mime.slice(0, 200) };
    if (typeof a.sourceUrl === 'string' && a.sourceUrl.length < 8000) ref.sourceUrl = a.sourceUrl;
    refs.push(ref);
    out.push({ ref, data, path });
  }
  const record: CaptureRecord = {
    id,
    pageId,
    url: httpUrl(raw.url, where, code),
    finalUrl: httpUrl(raw.finalUrl ?? raw.url, where, code, 'finalUrl'),
    capturedAt: isoTime(raw.capturedAt, where, 'capturedAt', code),
    browser: str(raw.browser, 500, 'browser', where, code) ?? '',
    extensionVersion: str(raw.extensionVersion, 100, 'extensionVersion', where, code) ?? '',
    artifacts: refs,
  };
  return { record, files: out };
}

/** Unzip and check every entry and the manifest; throws on the first problem. */
export function readManifest(bytes: Uint8Array): { manifest: Manifest; files: Map<string, Uint8Array> } {
  const entries = listEntries(bytes);
  if (!entries.some((e) => e.name === MANIFEST)) throw new BundleError('no-manifest', `The archive has no ${MANIFEST}: it is not a Saqta bundle.`);
  const files = new Map<string, Uint8Array>();
  for (const e of entries) files.set(e.name, readEntry(bytes, e));
  const manifest = checkManifest(json(files, MANIFEST, 'manifest-json'));
  return { manifest, files };
}

/** Every file problem against the manifest (missing, extra, size, hash). */
export function fileProblems(manifest: Manifest, files: Map<string, Uint8Array>): BundleError[] {
  const problems: BundleError[] = [];
  const listed = new Set(manifest.resources.map((r) => r.path));
  for (const r of manifest.resources) {
    const data = files.get(r.path);
    if (!data) {
      problems.push(new BundleError('missing-file', `${r.path} is listed in ${MANIFEST} but missing from the archive.`, r.path));
      continue;
    }
    if (data.length !== r.bytes) problems.push(new BundleError('wrong-size', `${r.path} is ${data.length} bytes; ${MANIFEST} says ${r.bytes}.`, r.path));
    else if (`sha256:${sha256Hex(data)}` !== r.hash) problems.push(new BundleError('wrong-hash', `${r.path} has been changed: its SHA-256 does not match ${MANIFEST}.`, r.path));
  }
  for (const name of files.keys()) {
    if (name !== MANIFEST && !listed.has(name)) problems.push(new BundleError('extra-file', `${name} is in the archive but not listed in ${MANIFEST}.`, name));
  }
  return problems;
}

/** Articles and claims of a bundle whose files are already checked. */
export function readContents(files: Map<string, Uint8Array>): { articles: ParsedArticle[]; claims: ImportedClaim[] } {
  if (!files.has(ANNOTATIONS)) throw new BundleError('missing-file', `The bundle has no ${ANNOTATIONS}.`, ANNOTATIONS);
  const raw = json(files, ANNOTATIONS, 'annotations-json');
  if (!isObj(raw) || raw.type !== 'AnnotationCollection') throw new BundleError('annotations-shape', `${ANNOTATIONS} is not a W3C AnnotationCollection.`, ANNOTATIONS);
  const claims = fromJsonLdValue(raw);
  const dirs = new Set<string>();
  for (const name of files.keys()) {
    const m = /^(articles\/[^/]+)\//.exec(name);
    if (m) dirs.add(m[1]!);
  }
  const articles: ParsedArticle[] = [];
  const ids = new Set<string>();
  for (const dir of [...dirs].sort()) {
    const pagePath = `${dir}/page.json`;
    if (!files.has(pagePath)) throw new BundleError('missing-file', `The article folder ${dir} has no page.json.`, pagePath);
    const page = checkPage(json(files, pagePath, 'page-invalid'), pagePath);
    if (ids.has(page.id)) throw new BundleError('page-invalid', `${pagePath} repeats the id of another article.`, pagePath);
    ids.add(page.id);
    const captures: ParsedCapture[] = [];
    for (const name of [...files.keys()].filter((n) => n.startsWith(`${dir}/`) && n.endsWith('/capture.json')).sort()) {
      const cdir = name.slice(0, -'/capture.json'.length);
      captures.push(checkCapture(json(files, name, 'capture-invalid'), name, page.id, cdir, files));
    }
    articles.push({ dir, page, captures });
  }
  for (const c of claims) {
    if (!c.pageId || !ids.has(c.pageId)) {
      throw new BundleError('annotation-unknown-page', `The annotation ${JSON.stringify(c.id)} belongs to no article of the bundle.`, ANNOTATIONS);
    }
  }
  return { articles, claims };
}

function fromJsonLdValue(raw: unknown): ImportedClaim[] {
  try {
    return fromJsonLd(JSON.stringify(raw));
  } catch (err) {
    if (err instanceof BundleError && !err.file) throw new BundleError(err.code, `${ANNOTATIONS}: ${err.message}`, ANNOTATIONS);
    throw err;
  }
}

/** Everything checked; refuses with the first problem. */
export function parseBundle(bytes: Uint8Array): ParsedBundle {
  const { manifest, files } = readManifest(bytes);
  const problems = fileProblems(manifest, files);
  if (problems.length) throw problems[0];
  const { articles, claims } = readContents(files);
  return { manifest, articles, claims, files };
}

/**
 * Write a bundle as a stream of ZIP bytes (fflate's streaming Zip): each file
 * is hashed (incremental SHA-256, @noble/hashes) while it is compressed,
 * blobs are read chunk by chunk, and the bytes go to `sink` as they are made,
 * so the archive is never whole in memory here. The manifest comes last,
 * listing every file with its size and hash. Cancel with an AbortSignal.
 *
 * Speed: already-compressed artifacts (PNG, JPEG, WebP, GIF, AVIF, WOFF/WOFF2,
 * archives, audio, video) are stored, not deflated again; everything else is
 * deflated by the platform's native zlib (`CompressionStream('deflate-raw')`,
 * in every supported browser and in Node) fed through fflate's ZipPassThrough
 * extension point. fflate's JS deflate (level 6, level 1 above 1 MiB) is the
 * fallback where the native stream is missing: it allocates ~160 KB of tables
 * per file, which made it most of an export's time.
 */
import { CHECKS_FILE, checksJson } from '../watch/bundle';
import { Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { newId, type Annotation } from '../annotation';
import {
  ANNOTATIONS, FORMAT, FORMAT_VERSION, MANIFEST, articleDir, extensionOf, portableAnnotation, portablePage,
  type BundleArticle, type Manifest, type ManifestResource,
} from './format';
import { toCollection } from './jsonld';
import { claimsMarkdown } from './markdown';
import { indexHtml, readerFile } from './html';

export interface WriteOptions {
  title: string;
  created: Date;
  software: string;
  /** The reader's language (en, kk, ru) for index.html, reader.html and claims.md; English if absent. */
  lang?: string;
  /** Id of the annotation collection (default: a new urn:uuid). */
  id?: string;
  /** Number of articles, for progress. */
  total?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, file: string): void;
}

const STORED = /^(image\/(png|jpeg|webp|gif|avif)|font\/woff2?|application\/(zip|gzip|font-woff2?|x-font-woff)|video\/|audio\/)/i;

/** Deflate with the platform's zlib, as a ZIP entry (method 8) fflate's Zip can take. */
class NativeDeflate extends ZipPassThrough {
  private writer: WritableStreamDefaultWriter<BufferSource>;
  /** Settles when the last compressed chunk has been handed to the Zip. */
  readonly done: Promise<void>;
  constructor(name: string) {
    super(name);
    this.compression = 8;
    const stream = new CompressionStream('deflate-raw');
    this.writer = stream.writable.getWriter();
    const reader = (stream.readable as ReadableStream<Uint8Array>).getReader();
    this.done = (async () => {
      let prev: Uint8Array | null = null;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (prev) this.emit(prev, false);
        prev = value as Uint8Array;
      }
      this.emit(prev ?? new Uint8Array(0), true);
    })();
  }
  private emit(chunk: Uint8Array, final: boolean): void {
    (this.ondata as (err: null, data: Uint8Array, final: boolean) => void)(null, chunk, final);
  }
  override process(chunk: Uint8Array, final: boolean): void {
    void this.writer.write(chunk as BufferSource).catch(() => undefined);
    if (final) void this.writer.close().catch(() => undefined);
  }
  /** Backpressure: resolves when the compressor can take more. */
  ready(): Promise<void> {
    return this.writer.ready;
  }
}

const native = (() => {
  try {
    return typeof CompressionStream === 'function' && !!new CompressionStream('deflate-raw');
  } catch {
    return false;
  }
})();

export function entryFor(path: string, mime: string, size: number): ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void; mtime?: Date | number | string } {
  if (STORED.test(mime)) return new ZipPassThrough(path);
  if (native) return new NativeDeflate(path);
  return new ZipDeflate(path, { level: size > 1024 * 1024 ? 1 : 6 });
}
const MIME: Record<string, string> = { json: 'application/json', jsonld: 'application/ld+json', md: 'text/markdown', html: 'text/html' };

/** Does this HTML start with Saqta's snapshot policy (no network, no scripts, no form posts) in its head? */
async function carriesPolicy(data: Blob | Uint8Array): Promise<boolean> {
  const head = data instanceof Uint8Array ? new TextDecoder().decode(data.subarray(0, 4096)) : await data.slice(0, 4096).text();
  const meta = /<meta\s+http-equiv=["']?content-security-policy["']?\s+content=(?:"([^"]*)"|'([^']*)')/i.exec(head.split(/<\/head>|<body/i)[0] ?? '');
  const policy = meta ? (meta[1] ?? meta[2] ?? '') : '';
  return /default-src 'none'/.test(policy) && /form-action 'none'/.test(policy) && !/script-src/.test(policy);
}

export class Cancelled extends Error {
  constructor() {
    super('Export cancelled.');
    this.name = 'AbortError';
  }
}

export async function writeBundle(
  articles: AsyncIterable<BundleArticle> | Iterable<BundleArticle>,
  opts: WriteOptions,
  sink: (chunk: Uint8Array) => void | Promise<void>,
): Promise<Manifest> {
  let failure: Error | null = null;
  let pending: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) failure = err;
    else pending.push(data);
  });
  const flush = async () => {
    if (failure) throw failure;
    const out = pending;
    pending = [];
    for (const c of out) await sink(c);
  };
  const resources: ManifestResource[] = [];
  const mtime = opts.created;
  const check = () => {
    if (opts.signal?.aborted) {
      zip.terminate();
      throw new Cancelled();
    }
  };

  async function add(path: string, data: Blob | Uint8Array | string, mime: string): Promise<void> {
    check();
    const bytesOf = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const file = entryFor(path, mime, bytesOf instanceof Uint8Array ? bytesOf.length : bytesOf.size);
    file.mtime = mtime;
    zip.add(file);
    const hash = sha256.create();
    let bytes = 0;
    const push = async (chunk: Uint8Array, final: boolean) => {
      hash.update(chunk);
      bytes += chunk.length;
      file.push(chunk, final);
      if (file instanceof NativeDeflate) {
        if (final) await file.done;
        else await file.ready();
      }
      await flush();
    };
    if (bytesOf instanceof Uint8Array) await push(bytesOf, true);
    else {
      const reader = (bytesOf.stream() as ReadableStream<Uint8Array>).getReader();
      let prev: Uint8Array | null = null;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        check();
        if (prev) await push(prev, false);
        prev = value;
      }
      await push(prev ?? new Uint8Array(0), true);
    }
    resources.push({ name: path.replace(/[^a-z0-9._-]+/gi, '-').toLowerCase(), path, bytes, hash: `sha256:${bytesToHex(hash.digest())}`, mediatype: mime });
  }

  const index: { page: BundleArticle['page']; dir: string; annotations: Annotation[]; files: string[] }[] = [];
  const all: Annotation[] = [];
  const forMarkdown: Pick<BundleArticle, 'page' | 'annotations' | 'captures'>[] = [];
  let n = 0;
  for await (const article of articles) {
    const dir = articleDir(article.page, n);
    const page = portablePage(article.page);
    const annotations = article.annotations.map(portableAnnotation);
    const files: string[] = [];
    const put = async (name: string, data: Blob | Uint8Array | string, mime: string) => {
      await add(`${dir}/${name}`, data, mime);
      files.push(`${dir}/${name}`);
    };
    await put('reader.html', await readerFile({ ...article, page, annotations }, opts.lang), 'text/html');
    await put('page.json', JSON.stringify(page, null, 2), 'application/json');
    let c = 0;
    for (const { record, files: artifacts } of article.captures) {
      c++;
      const cdir = `capture-${c}`;
      const kinds = new Map<string, number>();
      const names: Record<string, string> = {};
      for (const { ref, data } of artifacts) {
        const k = (kinds.get(ref.kind) ?? 0) + 1;
        kinds.set(ref.kind, k);
        // Artifacts are evidence, kept byte for byte (their hashes are the capture's proof). An HTML one is
        // named .html only when it carries Saqta's policy (no network, no scripts, no form posts: snapshots);
        // the page's source and the bare article copy travel as .html.txt, which opens as text and never runs.
        const source = extensionOf(ref.mime) === 'html' && !(await carriesPolicy(data));
        const name = `${cdir}/${ref.kind}${ref.kind === 'image' || k > 1 ? `-${k}` : ''}.${source ? 'html.txt' : extensionOf(ref.mime)}`;
        names[ref.blobId] = name.slice(cdir.length + 1);
        await put(name, data, source ? 'text/plain' : ref.mime || 'application/octet-stream');
      }
      const recordOut = { ...record, artifacts: record.artifacts.map((a) => ({ ...a, file: names[a.blobId] })) };
      await put(`${cdir}/capture.json`, JSON.stringify(recordOut, null, 2), 'application/json');
    }
    if (article.checks?.length) await put(CHECKS_FILE, checksJson(article.checks), 'application/json');
    index.push({ page, dir, annotations, files });
    forMarkdown.push({ page, annotations, captures: article.captures });
    all.push(...annotations);
    n++;
    opts.onProgress?.(n, opts.total ?? n, dir);
  }
  const created = opts.created.toISOString();
  await add(ANNOTATIONS, JSON.stringify(toCollection(all, opts.title, opts.id ?? newId()), null, 2), MIME.jsonld!);
  await add('claims.md', claimsMarkdown(forMarkdown, opts.title, created, opts.lang), MIME.md!);
  await add('index.html', indexHtml(opts.title, created, opts.software, index, opts.lang), MIME.html!);
  const manifest: Manifest = {
    profile: 'data-package',
    name: FORMAT,
    title: opts.title,
    format: { name: FORMAT, version: FORMAT_VERSION },
    created,
    software: opts.software,
    resources,
  };
  check();
  const mf = new ZipDeflate(MANIFEST, { level: 6 });
  mf.mtime = mtime;
  zip.add(mf);
  mf.push(new TextEncoder().encode(JSON.stringify(manifest, null, 2)), true);
  zip.end();
  await flush();
  return manifest;
}


/**
 * Write a bundle as a stream of ZIP bytes (zip-write.ts: each file hashed while
 * it is compressed, the bytes to `sink` as they are made, never the whole
 * archive in memory). The manifest comes last, listing every file with its
 * size and hash. Cancel with an AbortSignal.
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
import { zipStream } from '../zip/write';

export { Cancelled } from '../zip/write';
import { newId, type Annotation } from '../annotation';
import { ANNOTATIONS, articleDir, extensionOf, portableAnnotation, portablePage, type BundleArticle } from '../export/portable';
import { FORMAT, FORMAT_VERSION, MANIFEST, type Manifest, type ManifestResource } from './format';
import { toCollection } from '../export/jsonld';
import { claimsMarkdown } from '../export/markdown';
import { indexHtml, readerFile } from '../export/html';
import { carriesPolicy as parsedPolicy } from '../snapshot/policy';

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

const MIME: Record<string, string> = { json: 'application/json', jsonld: 'application/ld+json', md: 'text/markdown', html: 'text/html' };

/** Does this HTML carry Saqta's snapshot policy (no network, no scripts, no form posts)? Parsed, not matched (utils/snapshot/policy.ts). */
async function carriesPolicy(data: Blob | Uint8Array): Promise<boolean> {
  const text = data instanceof Uint8Array ? new TextDecoder().decode(data) : await data.text();
  return parsedPolicy(text, typeof DOMParser === 'function' ? new DOMParser() : undefined);
}

export async function writeBundle(
  articles: AsyncIterable<BundleArticle> | Iterable<BundleArticle>,
  opts: WriteOptions,
  sink: (chunk: Uint8Array) => void | Promise<void>,
): Promise<Manifest> {
  const out = zipStream(opts, sink);
  const resources: ManifestResource[] = [];
  async function add(path: string, data: Blob | Uint8Array | string, mime: string): Promise<void> {
    const w = await out.add(path, data, mime);
    resources.push({ name: path.replace(/[^a-z0-9._-]+/gi, '-').toLowerCase(), path, bytes: w.bytes, hash: `sha256:${w.sha256}`, mediatype: mime });
  }

  const index: { page: BundleArticle['page']; dir: string; annotations: Annotation[]; files: string[] }[] = [];
  const all: Annotation[] = [];
  const forMarkdown: Pick<BundleArticle, 'page' | 'annotations' | 'captures' | 'shown'>[] = [];
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
    forMarkdown.push({ page, annotations, captures: article.captures, shown: article.shown });
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
  // The manifest itself is not listed in it.
  await out.add(MANIFEST, JSON.stringify(manifest, null, 2), 'application/json');
  await out.end();
  return manifest;
}


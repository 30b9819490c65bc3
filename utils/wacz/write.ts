/**
 * Write a WACZ 1.1.1 as a stream of ZIP bytes (fflate's streaming Zip), one
 * article at a time: its WARC file (every record serialized by warcio as one
 * gzip member, the file STORED so replay tools read records by byte range),
 * then its reader copy and records. The CDXJ lines (small) are kept until the
 * end and sorted; the pages' text is folded into a Blob as it comes. Each file
 * is hashed (incremental SHA-256) as it is written; datapackage.json lists them
 * all and datapackage-digest.json holds its hash. Cancel with an AbortSignal.
 */
import { CHECKS_FILE, checksJson } from '../watch/bundle';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { getSurt } from 'warcio/utils';
import { newId, type Annotation } from '../annotation';
import { ANNOTATIONS, articleDir, portableAnnotation, portablePage, type BundleArticle } from '../export/portable';
import { toCollection } from '../export/jsonld';
import { claimsMarkdown } from '../export/markdown';
import { indexHtml, readerFile } from '../export/html';
import { zipStream, Cancelled, type Written } from '../zip/write';
import { htmlToText } from '../search/html-text';
import {
  CDXJ, DATAPACKAGE, DIGEST, PAGES, SAQTA_FORMAT, WACZ_VERSION, cdxLine, cdxTimestamp, compareCdx,
  type CdxEntry, type DataPackage, type DataPackageResource, type WarcPointer,
} from './format';
import { planCapture } from './records';
import { writeRecord } from './warc';

export { Cancelled };

interface WaczOptions {
  title: string;
  created: Date;
  software: string;
  /** The reader's language (en, kk, ru) for index.html, reader.html and claims.md; English if absent. */
  lang?: string;
  /** Id of the annotation collection (default: a new urn:uuid). */
  id?: string;
  total?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, file: string): void;
  /**
   * More fields for datapackage-digest.json, given the hash of datapackage.json ("sha256:…") and its
   * bytes: where signatures go (`signedData`, made by the background over these bytes, issue 24).
   */
  digestFields?(hash: string, datapackage: Uint8Array): Promise<Record<string, unknown>> | Record<string, unknown>;
}

const MIME: Record<string, string> = {
  json: 'application/json', jsonld: 'application/ld+json', md: 'text/markdown', html: 'text/html',
  cdxj: 'text/plain', jsonl: 'application/x-ndjson', gz: 'application/gzip',
};
const FOLD = 4 * 1024 * 1024;
const enc = new TextEncoder();

export async function writeWacz(
  articles: AsyncIterable<BundleArticle> | Iterable<BundleArticle>,
  opts: WaczOptions,
  sink: (chunk: Uint8Array) => void | Promise<void>,
): Promise<DataPackage> {
  const out = zipStream(opts, sink);
  const resources: DataPackageResource[] = [];
  const listed = (w: Written) => void resources.push({ name: w.path.replace(/[^a-z0-9._-]+/gi, '-').toLowerCase(), path: w.path, hash: `sha256:${w.sha256}`, bytes: w.bytes });
  /** An entry written chunk by chunk (the WARC files), listed in the datapackage when closed. */
  function open(path: string, mime: string, size: number) {
    const e = out.open(path, mime, size);
    return {
      get size() {
        return e.size;
      },
      write: (chunk: Uint8Array) => e.write(chunk),
      close: async () => listed(await e.close()),
    };
  }
  async function add(path: string, data: Blob | Uint8Array | string, mime: string): Promise<void> {
    listed(await out.add(path, data, mime));
  }

  const cdx: string[] = [];
  let pageParts: BlobPart[] = [enc.encode(`${JSON.stringify({ format: 'json-pages-1.0', id: 'pages', title: 'All Pages' })}\n`)];
  let pagePending: string[] = [];
  let pageSize = 0;
  const addPage = (line: object) => {
    const s = `${JSON.stringify(line)}\n`;
    pagePending.push(s);
    pageSize += s.length;
    if (pageSize > FOLD) foldPages();
  };
  const foldPages = () => {
    if (pagePending.length) pageParts = [new Blob([...pageParts, ...pagePending])];
    pagePending = [];
    pageSize = 0;
  };

  const index: { page: BundleArticle['page']; dir: string; annotations: Annotation[]; files: string[] }[] = [];
  const all: Annotation[] = [];
  const forMarkdown: Pick<BundleArticle, 'page' | 'annotations' | 'captures' | 'shown'>[] = [];
  let mainPage: { url: string; ts: string } | undefined;
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
    // 1. The web archive of every capture of the article.
    const pointers: Map<string, WarcPointer>[] = [];
    if (article.captures.length) {
      const warcName = `${dir.slice('articles/'.length)}.warc.gz`;
      const warc = open(`archive/${warcName}`, MIME.gz!, 0);
      const info = await writeRecord({
        type: 'warcinfo', date: opts.created.toISOString(), recordId: `<${newId()}>`, filename: warcName, contentType: 'application/warc-fields',
        body: enc.encode(`software: ${opts.software}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\nisPartOf: ${opts.title.replace(/[\r\n]+/g, ' ')}\r\ndescription: ${page.title.replace(/[\r\n]+/g, ' ')}\r\n`),
      });
      await warc.write(info.bytes);
      for (const { record, files: artifacts } of article.captures) {
        const where = new Map<string, WarcPointer>();
        let mainUrl: string | undefined;
        for (const p of planCapture(record, artifacts)) {
          const body = await p.body();
          const w = await writeRecord({ ...p.spec, body });
          const offset = warc.size;
          await warc.write(w.bytes);
          const ptr: WarcPointer = { file: `archive/${warcName}`, offset, length: w.bytes.length, recordId: p.spec.recordId, uri: p.spec.uri! };
          if (p.artifact) where.set(p.artifact.blobId, ptr);
          if (p.main) mainUrl = p.spec.uri;
          if (p.spec.type === 'request') continue;
          const e: CdxEntry = {
            urlkey: getSurt(p.spec.uri!), timestamp: cdxTimestamp(p.spec.date), url: p.spec.uri!,
            ...(w.mime ? { mime: w.mime } : {}), ...(w.status ? { status: String(w.status) } : {}),
            ...(w.payloadDigest ? { digest: w.payloadDigest } : {}),
            length: String(w.bytes.length), offset: String(offset), filename: warcName,
          };
          cdx.push(cdxLine(e));
        }
        pointers.push(where);
        if (mainUrl) {
          const art = artifacts.find((f) => f.ref.kind === 'article');
          const text = art ? htmlToText(art.data instanceof Uint8Array ? new TextDecoder().decode(art.data) : await art.data.text()) : undefined;
          addPage({ id: record.id.replace(/^urn:uuid:/, ''), url: mainUrl, ts: new Date(record.capturedAt).toISOString(), title: page.title, ...(text ? { text } : {}) });
          mainPage ??= { url: mainUrl, ts: new Date(record.capturedAt).toISOString() };
        }
      }
      await warc.close();
    }
    // 2. Saqta's reader copy and records.
    await put('reader.html', await readerFile({ ...article, page, annotations }, opts.lang), 'text/html');
    await put('page.json', JSON.stringify(page, null, 2), 'application/json');
    for (const [c, { record }] of article.captures.entries()) {
      const where = pointers[c]!;
      const out = { ...record, artifacts: record.artifacts.map((a) => ({ ...a, ...(where.get(a.blobId) ? { warc: where.get(a.blobId) } : {}) })) };
      await put(`capture-${c + 1}/capture.json`, JSON.stringify(out, null, 2), 'application/json');
    }
    // Watching's hashed check records of the live article (utils/watch/bundle.ts), as in a bundle.
    if (article.checks?.length) await put(CHECKS_FILE, checksJson(article.checks), 'application/json');
    index.push({ page, dir, annotations, files });
    forMarkdown.push({ page, annotations, captures: article.captures, shown: article.shown });
    all.push(...annotations);
    n++;
    opts.onProgress?.(n, opts.total ?? n, dir);
  }
  const created = opts.created.toISOString();
  cdx.sort(compareCdx);
  await add(CDXJ, cdx.length ? `${cdx.join('\n')}\n` : '', MIME.cdxj!);
  foldPages();
  await add(PAGES, new Blob(pageParts), MIME.jsonl!);
  await add(ANNOTATIONS, JSON.stringify(toCollection(all, opts.title, opts.id ?? newId()), null, 2), MIME.jsonld!);
  await add('claims.md', claimsMarkdown(forMarkdown, opts.title, created, opts.lang), MIME.md!);
  await add('index.html', indexHtml(opts.title, created, opts.software, index, opts.lang), MIME.html!);
  const pkg: DataPackage = {
    profile: 'data-package',
    wacz_version: WACZ_VERSION,
    title: opts.title,
    created,
    software: opts.software,
    ...(mainPage && n === 1 ? { mainPageURL: mainPage.url, mainPageDate: mainPage.ts } : {}),
    saqta: { ...SAQTA_FORMAT },
    resources,
  };
  const pkgBytes = enc.encode(JSON.stringify(pkg, null, 2));
  const count = resources.length;
  await add(DATAPACKAGE, pkgBytes, MIME.json!);
  const hash = `sha256:${bytesToHex(sha256(pkgBytes))}`;
  const extra = (await opts.digestFields?.(hash, pkgBytes)) ?? {};
  await add(DIGEST, JSON.stringify({ ...extra, path: DATAPACKAGE, hash }, null, 2), MIME.json!);
  resources.length = count;
  await out.end();
  return pkg;
}

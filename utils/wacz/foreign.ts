/**
 * A WACZ made by another tool (ArchiveWeb.page, Browsertrix, py-wacz…): each
 * page of pages/*.jsonl becomes an article with one capture, read from the
 * archive itself: the archived HTML (its `raw` artifact), the article
 * extracted from it with Saqta's own extractor (Readability + the sanitizer),
 * and the article's images found in the archive. The reader then opens,
 * searches and annotates it like any saved copy. Bodies stored with a
 * Content-Encoding (gzip, deflate) are decoded; a page whose HTML is not in
 * the archive keeps the text the page list carries.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { getSurt } from 'warcio/utils';
import type { ArtifactRef, CaptureRecord, PageRecord } from '../db';
import { extractArticle } from '../extract';
import { normalizeUrl } from '../url';
import { escapeHtml } from '../export/portable';
import type { ParsedArticle } from '../export/records';
import { readRecord, type ReadWacz, type WaczProblem } from './read';
import type { SaqtaContents } from './saqta';
import { cdxTimestamp, DATAPACKAGE } from './format';
import { parseIsoDate } from '../export/dates';

interface ForeignOptions {
  /** Parse HTML at a URL (default: the platform's DOMParser, with a <base>). */
  parse?(html: string, url: string): { doc: Document; win: Window & typeof globalThis } | null;
  /** Most pages taken from one file. */
  maxPages?: number;
}

const MAX_IMAGES = 60;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function defaultParse(html: string) {
  const g = globalThis as unknown as Window & typeof globalThis;
  if (typeof g.DOMParser !== 'function') return null;
  // No <base>: an extension page's CSP (base-uri) refuses it, so the document's baseURI stays the page's own.
  // foreignContents resolves every URL against the record's URL itself (absolutizeUrls).
  const doc = new g.DOMParser().parseFromString(html, 'text/html');
  // A parsed document has no window in browsers (the page's serves); a DOM library may give it one.
  return { doc, win: (doc.defaultView as (Window & typeof globalThis) | null) ?? g };
}

const URL_ATTRS = ['src', 'href', 'poster', 'data-src', 'data-lazy-src', 'data-original', 'data-url', 'data-lazy', 'data-hi-res-src'];
const SRCSET_ATTRS = ['srcset', 'data-srcset'];

/**
 * Every URL of an archived document made absolute against the record's URL (or the document's own <base href>,
 * itself read against the record's URL), as replay tools and the site resolved them. Done here, not with a <base>
 * element: in an extension page the page's `base-uri` CSP refuses <base>, and relative images were lost.
 */
function absolutizeUrls(doc: Document, recordUrl: string): void {
  let base = recordUrl;
  const declared = doc.querySelector('base[href]')?.getAttribute('href');
  if (declared) {
    try {
      const u = new URL(declared.trim(), recordUrl);
      if (u.protocol === 'http:' || u.protocol === 'https:') base = u.href;
    } catch {
      /* the record's URL */
    }
  }
  const abs = (v: string) => {
    const t = v.trim();
    if (!t || /^(data|blob|javascript|about|mailto|tel):/i.test(t) || t.startsWith('#')) return v;
    try {
      return new URL(t, base).href;
    } catch {
      return v;
    }
  };
  for (const attr of URL_ATTRS) {
    for (const el of doc.querySelectorAll(`[${attr}]`)) el.setAttribute(attr, abs(el.getAttribute(attr)!));
  }
  for (const attr of SRCSET_ATTRS) {
    for (const el of doc.querySelectorAll(`[${attr}]`)) {
      const set = el.getAttribute(attr)!.split(',').map((c) => {
        const [u, ...rest] = c.trim().split(/\s+/);
        return u ? [abs(u), ...rest].join(' ') : '';
      });
      el.setAttribute(attr, set.filter(Boolean).join(', '));
    }
  }
}

async function decodeBody(payload: Uint8Array, encoding: string | null | undefined): Promise<Uint8Array> {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (!enc || enc === 'identity') return payload;
  if ((enc === 'gzip' || enc === 'deflate') && typeof DecompressionStream === 'function') {
    try {
      const out = new Blob([payload as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream(enc as CompressionFormat));
      return new Uint8Array(await new Response(out).arrayBuffer());
    } catch {
      return payload; // mislabelled: the bytes as they are (as replay tools do)
    }
  }
  return payload;
}

function charsetOf(contentType: string | null | undefined, head: Uint8Array): string {
  const m = /charset=["']?([\w-]+)/i.exec(contentType ?? '') ?? /<meta[^>]+charset=["']?([\w-]+)/i.exec(new TextDecoder('latin1').decode(head.subarray(0, 2048)));
  return m?.[1] ?? 'utf-8';
}

function textOf(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder().decode(bytes);
  }
}

export async function foreignContents(read: ReadWacz, problems: WaczProblem[], signal?: AbortSignal, opts: ForeignOptions = {}): Promise<SaqtaContents> {
  const parse = opts.parse ?? defaultParse;
  const software = typeof read.pkg?.software === 'string' ? read.pkg.software.slice(0, 300) : 'unknown tool';
  // The index by URL, newest last.
  const byUrl = new Map<string, typeof read.cdx>();
  for (const e of read.cdx) byUrl.set(e.urlkey, [...(byUrl.get(e.urlkey) ?? []), e]);
  const lookup = (url: string, ts?: string) => {
    const list = byUrl.get(getSurt(url)) ?? [];
    const ok = list.filter((e) => !e.status || /^2/.test(String(e.status)));
    if (!ts) return ok.at(-1);
    return [...ok].sort((a, b) => Math.abs(Number(a.timestamp) - Number(ts)) - Math.abs(Number(b.timestamp) - Number(ts)))[0];
  };
  const record = async (e: (typeof read.cdx)[number]) => {
    const warc = read.files.get(`archive/${e.filename}`);
    if (!warc?.range) return null;
    const got = await readRecord(warc.range, Number(e.offset), Number(e.length), read);
    const h = got.record.httpHeaders?.headers;
    const body = await decodeBody(got.payload, h?.get('content-encoding'));
    return { body, url: got.record.warcTargetURI ?? e.url, date: got.record.warcDate ?? '', mime: (e.mime ?? h?.get('content-type') ?? got.record.warcContentType ?? '').split(';')[0]!.trim().toLowerCase(), contentType: h?.get('content-type') ?? got.record.warcContentType ?? '' };
  };

  const pages: { url: string; ts?: string; title?: string; text?: string }[] = [];
  for (const name of [...read.files.keys()].filter((n) => /^pages\/[^/]+\.jsonl$/.test(n)).sort()) {
    const bytes = read.files.get(name)?.bytes;
    if (!bytes) continue;
    for (const line of new TextDecoder().decode(bytes).split('\n')) {
      if (!line.trim()) continue;
      let j: unknown;
      try {
        j = JSON.parse(line);
      } catch {
        problems.push({ file: name, message: 'a line is not JSON' });
        break;
      }
      if (!isObj(j) || typeof j.url !== 'string' || !/^https?:\/\//i.test(j.url)) continue; // the header line, or not a web page
      pages.push({ url: j.url.slice(0, 8000), ts: typeof j.ts === 'string' ? j.ts : undefined, title: typeof j.title === 'string' ? j.title.slice(0, 2000) : undefined, text: typeof j.text === 'string' ? j.text : undefined });
    }
  }
  if (!pages.length) problems.push({ file: 'pages/pages.jsonl', message: 'lists no pages to import' });
  const articles: ParsedArticle[] = [];
  const seen = new Set<string>();
  for (const p of pages.slice(0, opts.maxPages ?? 5000)) {
    if (signal?.aborted) break;
    // The page list's time only finds the record; the time kept is the record's own WARC-Date (below).
    const listed = p.ts === undefined ? null : parseIsoDate(p.ts);
    if (p.ts !== undefined && !listed) {
      problems.push({ file: 'pages/pages.jsonl', message: `the time ${JSON.stringify(p.ts.slice(0, 40))} of ${p.url.slice(0, 200)} is not an ISO 8601 date-time` });
      break;
    }
    let when = listed?.iso ?? parseIsoDate(read.pkg?.created)?.iso ?? new Date().toISOString();
    const key = `${normalizeUrl(p.url)} ${when}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const idSeed = bytesToHex(sha256(new TextEncoder().encode(`${read.files.get(DATAPACKAGE)?.sha256 ?? ''}\n${key}`))).slice(0, 32);
    const uuid = `${idSeed.slice(0, 8)}-${idSeed.slice(8, 12)}-8${idSeed.slice(13, 16)}-${((parseInt(idSeed[16]!, 16) & 3) | 8).toString(16)}${idSeed.slice(17, 20)}-${idSeed.slice(20, 32)}`;
    const files: ParsedArticle['captures'][number]['files'] = [];
    const refs: ArtifactRef[] = [];
    const add = (kind: ArtifactRef['kind'], bytes: Uint8Array, mime: string, sourceUrl?: string) => {
      const ref: ArtifactRef = { kind, blobId: `urn:uuid:${uuid}:${refs.length}`, sha256: bytesToHex(sha256(bytes)), size: bytes.length, mime, ...(sourceUrl ? { sourceUrl } : {}) };
      refs.push(ref);
      files.push({ ref, data: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }), path: sourceUrl ?? kind });
    };
    let title = p.title || p.url;
    let article: ReturnType<typeof extractArticle> = null;
    const e = lookup(p.url, p.ts ? cdxTimestamp(when) : undefined);
    const main = e ? await record(e).catch(() => null) : null;
    if (main) {
      const recorded = parseIsoDate(main.date);
      if (!recorded) {
        problems.push({ file: `archive/${e!.filename}`, message: `the record of ${p.url.slice(0, 200)} has no ISO 8601 WARC-Date` });
        break;
      }
      when = recorded.iso;
    }
    if (main && /html/.test(main.mime)) {
      add('raw', main.body, 'text/html', p.url);
      const html = textOf(main.body, charsetOf(main.contentType, main.body));
      const parsed = parse(html, main.url);
      if (parsed) {
        absolutizeUrls(parsed.doc, main.url);
        try {
          article = extractArticle(parsed.doc, parsed.win);
        } catch {
          article = null;
        }
      }
    }
    if (article) {
      title = p.title && p.title !== p.url ? p.title : article.title || title;
      add('article', new TextEncoder().encode(article.html), 'text/html');
      for (const src of article.images.slice(0, MAX_IMAGES)) {
        const ie = lookup(src);
        const img = ie ? await record(ie).catch(() => null) : null;
        if (img && /^image\//.test(img.mime)) add('image', img.body, img.mime, src);
      }
    } else if (p.text) {
      // No HTML to extract from: the text the page list carries, as the article.
      add('article', new TextEncoder().encode(`<article>${p.text.split(/\n+/).map((t) => `<p>${escapeHtml(t)}</p>`).join('')}</article>`), 'text/html');
    }
    const page: PageRecord = {
      id: `urn:uuid:${uuid}`,
      url: p.url,
      normalizedUrl: normalizeUrl(p.url),
      aliases: [],
      title,
      ...(article?.byline ? { byline: article.byline } : {}),
      ...(article?.siteName ? { siteName: article.siteName } : {}),
      ...(article?.lang ? { lang: article.lang } : {}),
      ...(article?.dir ? { dir: article.dir } : {}),
      ...(article?.publishedTime ? { publishedTime: article.publishedTime } : {}),
      ...(article?.excerpt ? { excerpt: article.excerpt } : {}),
      ...(article ? { wordCount: article.wordCount } : {}),
      createdAt: when,
      updatedAt: when,
      savedAt: when,
    };
    const capture: CaptureRecord = {
      id: `urn:uuid:${uuid}`,
      pageId: page.id,
      url: p.url,
      finalUrl: p.url,
      capturedAt: when,
      browser: `Imported from a WACZ made by ${software}`,
      extensionVersion: '',
      artifacts: refs,
      notes: main ? {} : { failedResources: [p.url] },
    };
    articles.push({ dir: `pages/${uuid}`, page, captures: refs.length ? [{ record: capture, files }] : [] });
  }
  return { articles, claims: [] };
}

/**
 * The one capture pipeline (utils/capture/README.md). Every capture record is
 * built by `captureRecord`; a web page's parts come from `capturePage`, which
 * takes what was fetched or extracted (article, snapshot, raw HTML) and
 * fetches the rest once through a `Recorder`, so every save — the reader's
 * `save.page`, a watch check that found a change — keeps the same artifacts,
 * HTTP exchanges and metadata. A PDF's parts come from `pdfCapture` (./pdf.ts).
 * Pure over a `Fetcher`: no `browser.*`.
 */
import type { ExtractedArticle } from '../extract';
import type { PageSnapshot } from '../snapshot/types';
import { credentialsFor, inlineSnapshot, type Fetched, type Fetcher } from '../snapshot/inline';
import type { NewArtifact, NewCapture } from '../store/captures';
import { pageKeys, type PageKeys } from '../url';
import { Recorder, planExchanges, type NewExchange } from '../wacz/capture';

/** Who made a capture, when, with what. */
interface Provenance {
  capturedAt: string;
  browser: string;
  extensionVersion: string;
}

/** The parts of one capture record, whatever was captured. */
interface CaptureParts extends Provenance {
  keys: PageKeys;
  title: string;
  lang?: string;
  siteName?: string;
  meta: NewCapture['meta'];
  url: string;
  finalUrl: string;
  artifacts: NewArtifact[];
  exchanges: NewExchange[];
  notes: NonNullable<NewCapture['notes']>;
}

/** The one function that builds a capture record (stored by utils/capture/store.ts). */
export function captureRecord(p: CaptureParts): NewCapture {
  return {
    page: { keys: p.keys, title: p.title, ...(p.lang ? { lang: p.lang } : {}), ...(p.siteName ? { siteName: p.siteName } : {}) },
    meta: p.meta,
    url: p.url,
    finalUrl: p.finalUrl,
    capturedAt: p.capturedAt,
    browser: p.browser,
    extensionVersion: p.extensionVersion,
    artifacts: p.artifacts,
    exchanges: p.exchanges,
    notes: p.notes,
  };
}

/** A page's HTML as the server sent it, and the URL after redirects. */
type RawPage = Fetched & { finalUrl: string };

/** What was fetched or extracted for one web page. */
interface PageSource {
  /** The page's address (the tab's; for a watch check, the watched page's). */
  url: string;
  /** The document's own title, canonical link and language (the article's win when there is one). */
  title: string;
  canonical: string | null;
  lang?: string;
  article: ExtractedArticle | null;
  snapshot: PageSnapshot | null;
  /** URLs of every resource the page loaded (resource timing), for the web archive. */
  resources?: string[];
  /** The raw HTML (fetched meanwhile: a promise), or null when it could not be had. */
  raw: RawPage | null | Promise<RawPage | null>;
  /** The page record this capture belongs to, when known (a watch check); else from the URL and canonical. */
  keys?: PageKeys;
}

interface PageOptions extends Provenance {
  /** Fetches images and resources (once each, through a Recorder). */
  fetch: Fetcher;
  /** Cookies for the page's own origin (a tab save); a watch check sends none unless the reader chose the site. */
  cookies: boolean;
  /** 'pending' when a screenshot follows (a tab save), 'none' without a tab. */
  screenshot: 'pending' | 'none';
  /** Who made it, when not the reader ('watch'). */
  by?: 'watch';
  /** Called when everything is fetched (the save's timings). */
  fetched?(): void;
}

const enc = new TextEncoder();

/** Fetch what a page's capture needs and build its record: article + images, inlined snapshot, raw HTML, HTTP exchanges. */
export async function capturePage(src: PageSource, o: PageOptions): Promise<NewCapture> {
  const { article } = src;
  // Every URL is fetched once, whoever asks; the answers become the capture's HTTP exchanges (WARC).
  // Cookies for the page's own origin only (issue 24: no other site's private answers), and none for a watch check
  // unless the reader chose the site.
  const recorder = new Recorder((url) => o.fetch(url, o.cookies ? credentialsFor(url, src.url) : { credentials: 'omit' }));
  const [images, raw, snapshot] = await Promise.all([
    Promise.all((article?.images ?? []).map(async (url) => ({ url, got: await recorder.fetch(url) }))),
    Promise.resolve(src.raw).catch(() => null),
    src.snapshot
      ? inlineSnapshot(src.snapshot, recorder.fetch, {
          url: src.url,
          title: src.title,
          capturedAt: o.capturedAt,
          browser: o.browser,
          extensionVersion: o.extensionVersion,
        })
      : Promise.resolve(null),
  ]);
  const restFailed = await recorder.fetchRest(src.resources ?? []);
  o.fetched?.();

  const artifacts: NewArtifact[] = [];
  if (article) artifacts.push({ kind: 'article', bytes: enc.encode(article.html), mime: 'text/html' });
  for (const { url, got } of images) {
    if (got && /^image\//.test(got.mime)) artifacts.push({ kind: 'image', bytes: got.bytes, mime: got.mime, sourceUrl: url });
  }
  if (snapshot) artifacts.push({ kind: 'snapshot', bytes: enc.encode(snapshot.html), mime: 'text/html' });
  if (raw) artifacts.push({ kind: 'raw', bytes: raw.bytes, mime: raw.mime || 'text/html', sourceUrl: raw.finalUrl });
  const imageAt = new Map(artifacts.flatMap((a, i) => (a.kind === 'image' && a.sourceUrl ? [[a.sourceUrl, i] as const] : [])));
  const rawAt = raw ? artifacts.findIndex((a) => a.kind === 'raw') : -1;
  const exchanges = await planExchanges(recorder, raw, rawAt >= 0 ? rawAt : undefined, (u) => imageAt.get(u), artifacts);

  const failed = [...(snapshot?.stats.failed ?? []), ...images.filter((i) => !i.got).map((i) => i.url), ...restFailed];
  // How many URLs of other origins were fetched without cookies (the record says so).
  const withoutCookies = [...recorder.answers.keys()].filter((u) => credentialsFor(u, src.url).credentials === 'omit').length;
  const title = article?.title || src.title;
  return captureRecord({
    keys: src.keys ?? pageKeys(src.url, article?.canonicalUrl ?? src.canonical),
    title,
    lang: article?.lang ?? src.lang,
    siteName: article?.siteName,
    meta: article
      ? {
          title,
          byline: article.byline,
          siteName: article.siteName,
          lang: article.lang,
          dir: article.dir,
          publishedTime: article.publishedTime,
          excerpt: article.excerpt,
          wordCount: article.wordCount,
          canonicalUrl: article.canonicalUrl,
        }
      : { title: src.title },
    url: src.url,
    finalUrl: raw?.finalUrl ?? src.url,
    capturedAt: o.capturedAt,
    browser: o.browser,
    extensionVersion: o.extensionVersion,
    artifacts,
    exchanges,
    notes: {
      ...(failed.length ? { failedResources: [...new Set(failed)] } : {}),
      ...(withoutCookies ? { withoutCookies } : {}),
      screenshot: o.screenshot,
      ...(o.by ? { by: o.by } : {}),
    },
  });
}

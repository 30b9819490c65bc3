/**
 * Background handlers for the requests in `SaveApi` (utils/messages.ts):
 * saving a page. Pure over `HandlerDeps`: the browser work (inject the
 * capture script, fetch with host permissions, screenshot) comes in through
 * `CaptureBridge`, wired in entrypoints/background.ts.
 *
 * One save = extract (in the page) → fetch images, inline the snapshot,
 * refetch the raw HTML, screenshot (here) → hash and store everything in one
 * transaction (utils/store/captures.ts).
 */
import { fail, ok, type SaveApi } from '../messages';
import type { HandlerSet } from './handle';
import type { ExtractedArticle } from '../extract';
import type { PageSnapshot } from '../snapshot/types';
import { inlineSnapshot, type Fetched, type Fetcher } from '../snapshot/inline';
import { capturesOf, storeCapture, type NewArtifact } from '../store/captures';
import { pageKeys } from '../url';
import { nowIso } from '../annotation';
import { Recorder, planExchanges } from '../wacz/capture';

/** What the capture script (entrypoints/capture.ts) returns from the page. */
export interface CapturePayload {
  url: string;
  title: string;
  canonical: string | null;
  lang?: string;
  article: ExtractedArticle | null;
  snapshot: PageSnapshot;
  /** URLs of every resource the page loaded (resource timing), for the web archive. */
  resources?: string[];
}

export interface CaptureBridge {
  /** Inject the capture script into the tab and return what it found. */
  capture(tabId: number): Promise<CapturePayload>;
  /** Fetch a resource (images, stylesheets, fonts) with the extension's permissions. */
  fetch: Fetcher;
  /** The page's HTML as the server sends it (cache first), and the URL after redirects. */
  fetchRaw(url: string): Promise<(Fetched & { finalUrl: string }) | null>;
  /** Full-page screenshot with `label` drawn on it (PNG), or null when the platform cannot. */
  screenshot(tabId: number, label: string): Promise<Uint8Array | null>;
  /** "Chromium 142.0.7444.59" and the like. */
  browser(): Promise<string>;
}

const enc = new TextEncoder();

export const saveHandlers: HandlerSet<SaveApi> = {
  async 'save.page'(req, { db, capture: bridge, version, broadcast }) {
    if (!bridge) return fail('unsupported', 'Saving is not available here.');
    if (!Number.isInteger(req.tabId)) return fail('bad-request', 'Which tab should be saved?');
    const t0 = Date.now();
    const timings: Record<string, number> = {};
    const lap = (name: string, since: number) => (timings[name] = Date.now() - since);

    let payload: CapturePayload;
    try {
      payload = await bridge.capture(req.tabId!);
    } catch (err) {
      return fail('unsupported', `Saqta cannot read this page (${err instanceof Error ? err.message : String(err)}).`);
    }
    lap('extract', t0);
    const capturedAt = nowIso();
    const [browserName] = await Promise.all([bridge.browser()]);

    const t1 = Date.now();
    const article = payload.article;
    // Every URL is fetched once, whoever asks; the answers become the save's HTTP exchanges (WARC).
    const recorder = new Recorder(bridge.fetch);
    const [images, raw, snapshot] = await Promise.all([
      Promise.all((article?.images ?? []).map(async (url) => ({ url, got: await recorder.fetch(url) }))),
      bridge.fetchRaw(payload.url).catch(() => null),
      inlineSnapshot(payload.snapshot, recorder.fetch, {
        url: payload.url,
        title: payload.title,
        capturedAt,
        browser: browserName,
        extensionVersion: version,
      }),
    ]);
    const restFailed = await recorder.fetchRest(payload.resources ?? []);
    lap('resources', t1);

    const t2 = Date.now();
    const label = `${payload.url} · ${capturedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} · Saqta ${version}`;
    const shot = await bridge.screenshot(req.tabId!, label).catch(() => null);
    lap('screenshot', t2);

    const artifacts: NewArtifact[] = [];
    if (article) artifacts.push({ kind: 'article', bytes: enc.encode(article.html), mime: 'text/html' });
    for (const { url, got } of images) {
      if (got && /^image\//.test(got.mime)) artifacts.push({ kind: 'image', bytes: got.bytes, mime: got.mime, sourceUrl: url });
    }
    artifacts.push({ kind: 'snapshot', bytes: enc.encode(snapshot.html), mime: 'text/html' });
    if (raw) artifacts.push({ kind: 'raw', bytes: raw.bytes, mime: raw.mime || 'text/html', sourceUrl: raw.finalUrl });
    if (shot) artifacts.push({ kind: 'screenshot', bytes: shot, mime: 'image/png' });
    const imageAt = new Map(artifacts.flatMap((a, i) => (a.kind === 'image' && a.sourceUrl ? [[a.sourceUrl, i] as const] : [])));
    const rawAt = raw ? artifacts.findIndex((a) => a.kind === 'raw') : -1;
    const exchanges = await planExchanges(recorder, raw, rawAt >= 0 ? rawAt : undefined, (u) => imageAt.get(u), artifacts);

    const t3 = Date.now();
    const failed = [...snapshot.stats.failed, ...images.filter((i) => !i.got).map((i) => i.url), ...restFailed];
    const { capture, page } = await storeCapture(db, {
      page: {
        keys: pageKeys(payload.url, article?.canonicalUrl ?? payload.canonical),
        title: article?.title || payload.title,
        lang: article?.lang ?? payload.lang,
        siteName: article?.siteName,
      },
      meta: article
        ? {
            title: article.title || payload.title,
            byline: article.byline,
            siteName: article.siteName,
            lang: article.lang,
            dir: article.dir,
            publishedTime: article.publishedTime,
            excerpt: article.excerpt,
            wordCount: article.wordCount,
            canonicalUrl: article.canonicalUrl,
          }
        : { title: payload.title },
      url: payload.url,
      finalUrl: raw?.finalUrl ?? payload.url,
      capturedAt,
      browser: browserName,
      extensionVersion: version,
      artifacts,
      exchanges,
      notes: {
        ...(failed.length ? { failedResources: [...new Set(failed)] } : {}),
        screenshot: shot ? 'ok' : 'failed',
        timingsMs: { ...timings, store: 0, total: 0 },
      },
    });
    capture.notes!.timingsMs!.store = Date.now() - t3;
    capture.notes!.timingsMs!.total = Date.now() - t0;
    await db.captures.update(capture.id, { notes: capture.notes });
    broadcast({ event: 'page.saved', pageId: page.id });
    const versions = await db.captures.where('pageId').equals(page.id).count();
    return ok({ pageId: page.id, capture, title: page.title, versions });
  },

  async 'save.captures'(req, { db }) {
    if (typeof req.pageId !== 'string') return fail('bad-request', 'Which page?');
    return ok({ captures: await capturesOf(db, req.pageId) });
  },
};

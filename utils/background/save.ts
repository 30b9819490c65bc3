/**
 * Background handlers for the requests in `SaveApi` (utils/messages.ts):
 * saving a page. Pure over `HandlerDeps`: the browser work (inject the
 * capture script, fetch with host permissions, screenshot) comes in through
 * `CaptureBridge`, wired in entrypoints/background.ts.
 *
 * One save = extract (in the page) → fetch images, inline the snapshot,
 * refetch the raw HTML (here) → hash and store everything in one transaction
 * (utils/store/captures.ts) → answer: the toolbar's ✓ means the article,
 * snapshot, raw HTML and images are stored and hashed. The full-page
 * screenshot (seconds: Chrome allows two frames a second) follows: the record
 * says 'pending', and the screenshot's artifact joins the capture in its own
 * transaction when it arrives (`attachScreenshot`), or the record says why it
 * never came ('failed', 'tab-closed'; 'interrupted' when the background was
 * stopped first, `settleInterrupted` at the next start).
 */
import { fail, ok, type SaveApi } from '../messages';
import type { HandlerSet } from './handle';
import type { ExtractedArticle } from '../extract';
import type { PageSnapshot } from '../snapshot/types';
import { credentialsFor, inlineSnapshot, type Fetched, type Fetcher } from '../snapshot/inline';
import { attachScreenshot, capturesOf, settleScreenshot, storeCapture, type NewArtifact } from '../store/captures';
import type { CaptureRecord } from '../db';
import type { HandlerDeps } from './handle';
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
  /**
   * Full-page screenshot of the tab, still showing `url`, with `label` drawn on it (PNG), or null
   * when the platform cannot. Throws `TabGone` when the tab was closed or left `url` first.
   */
  screenshot(tabId: number, label: string, url: string): Promise<Uint8Array | null>;
  /** "Chromium 142.0.7444.59" and the like. */
  browser(): Promise<string>;
}

const enc = new TextEncoder();

/** How many URLs of other origins were fetched without cookies (the capture record says so). */
function withoutCookies(recorder: Recorder, pageUrl: string): number {
  return [...recorder.answers.keys()].filter((u) => credentialsFor(u, pageUrl).credentials === 'omit').length;
}

/** The tab to screenshot was closed, or shows another page, before the screenshot was taken. */
export class TabGone extends Error {
  constructor(message = 'The tab was closed before the screenshot.') {
    super(message);
    this.name = 'TabGone';
  }
}

/**
 * Screenshots under way after their save's ✓, by tab. A new save of the same tab waits for the
 * one before it: the screenshot scrolls the page and hides its fixed bars, which the next
 * capture script must not see.
 */
const shooting = new Map<number, Promise<unknown>>();
/** One screenshot at a time, whatever the tab: each makes its tab the active one while it captures. */
let screenshots: Promise<unknown> = Promise.resolve();

/** Longest a screenshot may take (a 16,000 px page is 18 frames at two a second, ≈ 12 s). */
const SCREENSHOT_LIMIT_MS = 180_000;

/** The screenshot of a stored capture: taken, then added in its own transaction, or the reason it never came. */
async function screenshotLater(deps: HandlerDeps, tabId: number, capture: CaptureRecord, label: string): Promise<CaptureRecord | null> {
  const { db, capture: bridge, broadcast } = deps;
  const t0 = Date.now();
  let state: 'failed' | 'tab-closed' = 'failed';
  let error = 'no screenshot';
  try {
    // One screenshot at a time: a hung one must not hold every later one back.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const shot = await Promise.race([
      bridge!.screenshot(tabId, label, capture.url),
      new Promise<never>((_, no) => (timer = setTimeout(() => no(new Error(`no screenshot after ${SCREENSHOT_LIMIT_MS / 1000} s`)), SCREENSHOT_LIMIT_MS))),
    ]).finally(() => clearTimeout(timer));
    if (shot) {
      // A full disk aborts this transaction only: the capture stays as it was at ✓, and says the screenshot failed.
      const done = await attachScreenshot(db, capture.id, shot, 'image/png', Date.now() - t0).catch((err: unknown) => {
        error = `not stored: ${err instanceof Error ? err.message : String(err)}`;
        return null;
      });
      if (done) {
        broadcast({ event: 'capture.screenshot', pageId: capture.pageId, captureId: capture.id });
        return done;
      }
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'TabGone') state = 'tab-closed';
    error = err instanceof Error ? err.message : String(err);
  }
  await settleScreenshot(db, capture.id, state, error).catch(() => false);
  broadcast({ event: 'capture.screenshot', pageId: capture.pageId, captureId: capture.id });
  return (await db.captures.get(capture.id).catch(() => undefined)) ?? null;
}

export const saveHandlers: HandlerSet<SaveApi> = {
  async 'save.page'(req, deps) {
    const { db, capture: bridge, version, broadcast } = deps;
    if (!bridge) return fail('unsupported', 'Saving is not available here.');
    if (!Number.isInteger(req.tabId)) return fail('bad-request', 'Which tab should be saved?');
    const t0 = Date.now();
    await shooting.get(req.tabId!);
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
    // Each as the page fetched it: cookies for the page's own origin only (issue 24: no other site's private answers).
    const recorder = new Recorder((url) => bridge.fetch(url, credentialsFor(url, payload.url)));
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

    const label = `${payload.url} · ${capturedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} · Saqta ${version}`;

    const artifacts: NewArtifact[] = [];
    if (article) artifacts.push({ kind: 'article', bytes: enc.encode(article.html), mime: 'text/html' });
    for (const { url, got } of images) {
      if (got && /^image\//.test(got.mime)) artifacts.push({ kind: 'image', bytes: got.bytes, mime: got.mime, sourceUrl: url });
    }
    artifacts.push({ kind: 'snapshot', bytes: enc.encode(snapshot.html), mime: 'text/html' });
    if (raw) artifacts.push({ kind: 'raw', bytes: raw.bytes, mime: raw.mime || 'text/html', sourceUrl: raw.finalUrl });
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
        ...(withoutCookies(recorder, payload.url) ? { withoutCookies: withoutCookies(recorder, payload.url) } : {}),
        screenshot: 'pending',
        timingsMs: { ...timings, store: 0, total: 0 },
      },
    });
    capture.notes!.timingsMs!.store = Date.now() - t3;
    capture.notes!.timingsMs!.total = Date.now() - t0;
    await db.captures.update(capture.id, { notes: capture.notes });
    broadcast({ event: 'page.saved', pageId: page.id });
    // The screenshot follows the ✓: the reader sees its state where the capture is shown.
    const shot = screenshots.then(() => screenshotLater(deps, req.tabId!, capture, label));
    screenshots = shot.catch(() => undefined);
    const done = shot.then(() => undefined, () => undefined);
    shooting.set(req.tabId!, done);
    void done.then(() => shooting.get(req.tabId!) === done && shooting.delete(req.tabId!));
    const versions = await db.captures.where('pageId').equals(page.id).count();
    const settled = req.wait === 'screenshot' ? await shot : null;
    return ok({ pageId: page.id, capture: settled ?? capture, title: page.title, versions });
  },

  async 'save.captures'(req, { db }) {
    if (typeof req.pageId !== 'string') return fail('bad-request', 'Which page?');
    return ok({ captures: await capturesOf(db, req.pageId) });
  },
};

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
import type { CaptureBridge, HandlerDeps, HandlerSet } from './types';
import { attachScreenshot, capturesOf, settleScreenshot } from '../store/captures';
import type { CaptureRecord } from '../db';
import { nowIso } from '../annotation';
import { capturePage } from '../capture/record';
import { saveCapture } from '../capture/store';
import { servicesOf } from './services';
import { captureEffects } from './effects';
export type { CaptureBridge, CapturePayload } from './types';

/** The tab to screenshot was closed, or shows another page, before the screenshot was taken. */
export class TabGone extends Error {
  constructor(message = 'The tab was closed before the screenshot.') {
    super(message);
    this.name = 'TabGone';
  }
}

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

/**
 * Save the tab's page. A new save of the same tab waits for the screenshot before it (`services.shots`): the
 * screenshot scrolls the page and hides its fixed bars, which the next capture script must not see.
 */
async function savePage(req: Parameters<SaveHandlers['save.page']>[0], deps: HandlerDeps, bridge: CaptureBridge, tabId: number) {
  const { version } = deps;
  const shots = servicesOf(deps).shots;
  const t0 = Date.now();
  await shots.byTab.get(tabId);
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = Date.now() - since);

  let payload;
  try {
    payload = await bridge.capture(tabId);
  } catch (err) {
    return fail('unsupported', `Saqta cannot read this page (${err instanceof Error ? err.message : String(err)}).`);
  }
  lap('extract', t0);
  const capturedAt = nowIso();
  const browserName = await bridge.browser();

  const t1 = Date.now();
  const input = await capturePage(
    { ...payload, raw: bridge.fetchRaw(payload.url) },
    {
      fetch: bridge.fetch,
      cookies: true,
      capturedAt,
      browser: browserName,
      extensionVersion: version,
      screenshot: 'pending',
      fetched: () => lap('resources', t1),
    },
  );
  input.notes = { ...input.notes, timingsMs: { ...timings, store: 0, total: 0 } };
  const label = `${payload.url} · ${capturedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} · Saqta ${version}`;

  const t3 = Date.now();
  const { capture, page, versions } = await saveCapture(captureEffects(deps), input, 'reader', async (capture) => {
    capture.notes!.timingsMs!.store = Date.now() - t3;
    capture.notes!.timingsMs!.total = Date.now() - t0;
    await deps.db.captures.update(capture.id, { notes: capture.notes });
  });
  // The screenshot follows the ✓: the reader sees its state where the capture is shown. One at a time, whatever
  // the tab: each makes its tab the active one while it captures.
  const shot = shots.queue.then(() => screenshotLater(deps, tabId, capture, label));
  const done = shot.then(() => undefined, () => undefined);
  shots.byTab.set(tabId, done);
  void done.then(() => shots.byTab.get(tabId) === done && shots.byTab.delete(tabId));
  const settled = req.wait === 'screenshot' ? await shot : null;
  return ok({ pageId: page.id, capture: settled ?? capture, title: page.title, versions });
}

type SaveHandlers = HandlerSet<SaveApi>;

export const saveHandlers: SaveHandlers = {
  async 'save.page'(req, deps) {
    const { capture: bridge } = deps;
    if (!bridge) return fail('unsupported', 'Saving is not available here.');
    if (!Number.isInteger(req.tabId)) return fail('bad-request', 'Which tab should be saved?');
    const tabId = req.tabId!;
    // The toolbar badge says how it went (✓ or !), a failure thrown below included.
    let saved = false;
    try {
      const res = await savePage(req, deps, bridge, tabId);
      saved = res.ok;
      return res;
    } finally {
      void bridge.badge?.(tabId, saved).catch(() => undefined);
    }
  },

  async 'save.captures'(req, { db }) {
    if (typeof req.pageId !== 'string') return fail('bad-request', 'Which page?');
    return ok({ captures: await capturesOf(db, req.pageId) });
  },
};

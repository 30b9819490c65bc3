/**
 * Knowing that an article changed, went away or was blocked: on revisit (the
 * reader's tab) and by watching (scheduled re-checks). Pure over `WatchBridge`
 * (utils/ext/watch-bridge.ts does the fetching, the extraction in an offscreen
 * document or the Firefox event page, notifications and alarms).
 *
 * Revisit: the content script sends the live page's text fingerprint; equal to
 * the one remembered for the newest capture → nothing to do. Otherwise the
 * background takes the tab's HTML, extracts the article off the page's main
 * thread and compares it with the newest capture (utils/watch/compare.ts).
 *
 * Watching: fetch the article's URL from this browser, hash what came back,
 * extract and compare; a change saves a new capture from the fetched HTML and
 * its resources (no screenshot: no tab); every check is a hashed record.
 */
import { fail, ok, type WatchApi, type WatchSettings } from '../messages';
import type { Extracted, FetchOutcome, HandlerDeps, HandlerSet, WatchBridge } from './types';
import type { CaptureRecord, SaqtaDB } from '../db';
import { capturesOf, sha256Hex } from '../store/captures';
import { annotationsOf } from '../store/annotations';
import { checksOf, recordCheck, setWatched, timelineOf, watchOf, watchedPageIds, type NewCheck } from '../store/watch';
import { compareArticles, unchanged, type ChangeReport } from '../watch/compare';
import { outcomeOfStatus, type CheckRecord } from '../watch/record';
import { runQueue } from '../watch/queue';
import { quoteOf, nowIso } from '../annotation';
import { pageKeys } from '../url';
import { digestOf } from '../anchoring/fingerprint';
import { cookiesFor, isPrivateTarget } from '../watch/targets';
import { capturePage } from '../capture/record';
import { saveCapture } from '../capture/store';
import { servicesOf } from './services';
import { captureEffects } from './effects';
export type { FetchOutcome, WatchBridge } from './types';

export const DEFAULT_WATCH: WatchSettings = { intervalHours: 24, tags: [], notify: true };
const INTERVALS = [6, 12, 24, 48, 168] as const;

const enc = new TextEncoder();
const dec = new TextDecoder();

async function articleHtmlOf(db: SaqtaDB, capture: CaptureRecord): Promise<string | null> {
  const ref = capture.artifacts.find((a) => a.kind === 'article');
  if (!ref) return null;
  const blob = (await db.blobs.get(ref.blobId))?.data;
  return blob ? blob.text() : null;
}

async function claimsOf(db: SaqtaDB, pageId: string) {
  return (await annotationsOf(db, pageId)).flatMap((a) => {
    const q = quoteOf(a);
    return q ? [{ id: a.id, exact: q.exact }] : [];
  });
}

/** Compare an extracted article with a capture's; null when either has no article. */
async function compareWith(db: SaqtaDB, bridge: WatchBridge, pageId: string, base: CaptureRecord, after: string[]): Promise<ChangeReport | null> {
  const html = await articleHtmlOf(db, base);
  if (html === null || !after.length) return null;
  const before = await bridge.paragraphs(html);
  return compareArticles(before, after, await claimsOf(db, pageId));
}

/**
 * Save a capture from fetched HTML through the one pipeline (utils/capture/): article + images, snapshot with
 * inlined resources, raw bytes, HTTP exchanges and the article's metadata, as a save from the tab has; no
 * screenshot (no tab). Resources go without cookies unless the reader chose the site (Settings → Watch).
 */
async function captureFetched(
  deps: HandlerDeps,
  bridge: WatchBridge,
  pageId: string,
  got: Extract<FetchOutcome, { ok: true }>,
  ex: Extracted,
  cookies: boolean,
): Promise<CaptureRecord> {
  const page = await deps.db.pages.get(pageId);
  const url = page?.url ?? got.finalUrl;
  const input = await capturePage(
    {
      url,
      title: ex.snapshot?.title || page?.title || '',
      canonical: ex.article?.canonicalUrl ?? null,
      article: ex.article,
      snapshot: ex.snapshot ?? null,
      raw: { bytes: got.bytes, mime: got.mime, finalUrl: got.finalUrl, ...(got.http ? { http: got.http } : {}) },
      // The capture joins the watched page's record, whatever canonical the fetched copy names.
      keys: pageKeys(url, page?.canonicalUrl ?? null),
    },
    {
      fetch: bridge.fetchResource,
      cookies,
      capturedAt: nowIso(),
      browser: await bridge.browser(),
      extensionVersion: deps.version,
      screenshot: 'none',
      by: 'watch',
    },
  );
  return (await saveCapture(captureEffects(deps), input, 'watch')).capture;
}

const host = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** Check one article now: fetch, hash, compare, record; a change is saved as a new capture. */
async function checkPage(
  deps: HandlerDeps,
  pageId: string,
  via: 'watch' | 'manual',
  /** A round collects its notifications (one summary instead of hundreds); alone, a check notifies itself. */
  collect?: (title: string, check: CheckRecord) => void,
): Promise<CheckRecord> {
  const { db, watch } = deps;
  const bridge = watch!.bridge!;
  const page = await db.pages.get(pageId);
  if (!page) throw new Error('This article is not in your library.');
  const [base] = await capturesOf(db, pageId);
  const url = page.url;
  const at = nowIso();
  const common = { pageId, url, at, via, ...(base ? { baseCaptureId: base.id } : {}) };
  const settings = (await watch?.settings?.get()) ?? DEFAULT_WATCH;
  // A page on this computer or a private network is checked only if the reader put that exact page on the watch list
  // (never because of a tag, least of all a colleague's), and a redirect there from elsewhere is dropped unread.
  const chosen = (await db.watches.get(pageId))?.watched === 1;
  if (isPrivateTarget(url) && !chosen) {
    const { check } = await recordCheck(db, { ...common, outcome: 'error', error: 'private-target' });
    deps.broadcast({ event: 'watch.changed', pageId });
    return check;
  }
  const cookies = cookiesFor(url, settings.cookieSites);
  const got = await bridge.fetchPage(url, { cookies });
  let input: NewCheck;
  let saved: CaptureRecord | null = null;
  if (got.ok && got.finalUrl !== url && isPrivateTarget(got.finalUrl) && !(chosen && isPrivateTarget(url))) {
    input = { ...common, outcome: 'error', httpStatus: got.status, finalUrl: got.finalUrl, error: 'private-redirect' };
  } else if (!got.ok) {
    input = { ...common, outcome: 'blocked', errorClass: got.errorClass, error: got.error };
  } else {
    const sha256 = await sha256Hex(got.bytes);
    const answer = { ...common, httpStatus: got.status, finalUrl: got.finalUrl, sha256, bytes: got.bytes.byteLength };
    if (got.status < 200 || got.status > 299) {
      input = { ...answer, outcome: outcomeOfStatus(got.status) };
    } else if (base && base.artifacts.some((a) => a.kind === 'raw' && a.sha256 === sha256)) {
      input = { ...answer, outcome: 'unchanged' }; // the same bytes as saved: nothing to extract
    } else {
      const ex = await bridge.extract(dec.decode(got.bytes), got.finalUrl, true);
      const report = base ? await compareWith(db, bridge, pageId, base, ex.paragraphs) : null;
      if (!ex.article) input = { ...answer, outcome: 'error', error: 'no-article' };
      else if (report && unchanged(report)) input = { ...answer, outcome: 'unchanged' };
      else {
        try {
          saved = await captureFetched(deps, bridge, pageId, got, ex, cookies);
          input = { ...answer, outcome: 'changed', captureId: saved.id, ...(report ? { changes: report } : {}) };
        } catch (err) {
          // Recorded, never dropped: the check happened and found a change; the copy is tried again next time
          // (a check that is not the base's bytes is not "unchanged").
          console.error('Saqta watch: saving the changed copy failed', pageId, err);
          input = { ...answer, outcome: 'error', error: 'capture-failed', ...(report ? { changes: report } : {}) };
        }
      }
    }
  }
  const { check } = await recordCheck(db, input);
  deps.broadcast({ event: 'watch.changed', pageId });
  if (collect) collect(page.title, check);
  else if ((await watch?.settings?.get())?.notify !== false) await notifyCheck(bridge, page.title, check).catch(() => undefined);
  return check;
}

function notifyCheck(bridge: WatchBridge, title: string, c: CheckRecord): Promise<void> {
  const when = c.at.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  if (c.outcome === 'changed') {
    const s = c.changes?.summary;
    const msg = s
      ? bridge.text('watchNotifyChanged', String(s.changed), String(s.removed), String(s.added), String(s.claims))
      : bridge.text('watchNotifyChangedFirst');
    return bridge.notify(c.pageId, title, msg);
  }
  if (c.outcome === 'gone') return bridge.notify(c.pageId, title, bridge.text('watchNotifyGone', when, String(c.httpStatus)));
  if (c.outcome === 'blocked') {
    const why = c.httpStatus ? `${c.httpStatus} ${host(c.finalUrl ?? c.url)}` : bridge.text(`watchErr_${c.errorClass ?? 'other'}`);
    return bridge.notify(c.pageId, title, bridge.text('watchNotifyBlocked', when, why));
  }
  return Promise.resolve();
}

/** More news than this in one round make one summary notification. */
const MAX_NOTIFICATIONS = 3;

/** Limits of a round of checks: a few at a time, one request per site every few seconds. */
export const ROUND = { concurrency: 4, perHostGapMs: 5000 };

/** Check every watched article whose last check is older than the interval (all of them with `force`); one round at a time (`services.watchRound`). */
export function checkDue(deps: HandlerDeps, opts: { force?: boolean; now?: number } = {}): Promise<{ checked: number }> {
  return servicesOf(deps).watchRound.run(async () => {
    const { db, watch } = deps;
    const s = (await watch?.settings?.get()) ?? DEFAULT_WATCH;
    const ids = await watchedPageIds(db, s.tags);
    if (!ids.length) return { checked: 0 };
    const now = opts.now ?? Date.now();
    // A little slack so a check made just before the alarm is not skipped for a whole interval.
    const dueBefore = new Date(now - s.intervalHours * 3600_000 + 10 * 60_000).toISOString();
    const [watches, pages] = await Promise.all([db.watches.bulkGet(ids), db.pages.bulkGet(ids)]);
    const due = ids
      .map((id, i) => ({ id, url: pages[i]?.url, last: watches[i]?.lastCheckAt }))
      .filter((x) => x.url && (opts.force || !x.last || x.last < dueBefore));
    const news: { title: string; check: CheckRecord }[] = [];
    const collect = (title: string, check: CheckRecord) => {
      if (check.outcome === 'changed' || check.outcome === 'gone' || check.outcome === 'blocked') news.push({ title, check });
    };
    const stats = await runQueue(due, (x) => host(x.url!), async (x) => void (await checkPage(deps, x.id, 'watch', collect)), ROUND);
    // A few news: one notification each; many: one summary (the library's filters list them).
    if (s.notify !== false && watch?.bridge) {
      const bridge = watch.bridge;
      if (news.length <= MAX_NOTIFICATIONS) for (const n of news) await notifyCheck(bridge, n.title, n.check).catch(() => undefined);
      else {
        const changed = news.filter((n) => n.check.outcome === 'changed').length;
        await bridge.notify('', bridge.text('watchNotifyRoundTitle'), bridge.text('watchNotifyRound', String(changed), String(news.length - changed))).catch(() => undefined);
      }
    }
    return { checked: stats.done };
  });
}

/** Revisit: what the tab shows against the newest capture. */
async function revisit(deps: HandlerDeps, pageId: string, fingerprint: string | null, tabId: number): Promise<WatchApi['watch.revisit']['res']> {
  const { db } = deps;
  const bridge = deps.watch?.bridge;
  const [base] = await capturesOf(db, pageId);
  if (!base || !bridge) return { state: 'unknown', check: null };
  const w = await watchOf(db, pageId);
  if (fingerprint && w.fingerprintOf === base.id && w.fingerprint === fingerprint) return { state: 'same', check: null };
  if (fingerprint && w.changedOf === base.id && w.changedFingerprint === fingerprint && w.changeCheckId) {
    return { state: 'changed', check: (await db.checks.get(w.changeCheckId)) ?? null };
  }
  const { html, url } = await bridge.tabHtml(tabId);
  const ex = await bridge.extract(html, url, false);
  const report = await compareWith(db, bridge, pageId, base, ex.paragraphs);
  if (!report || unchanged(report)) {
    // Same text, or nothing to compare (no article on either side): remember the digest, do not extract again.
    await db.watches.put({ ...(await watchOf(db, pageId)), fingerprint: fingerprint ?? undefined, fingerprintOf: base.id });
    return { state: report ? 'same' : 'unknown', check: null };
  }
  const bytes = enc.encode(html);
  const { check, watch } = await recordCheck(db, {
    pageId,
    url,
    at: nowIso(),
    via: 'revisit',
    outcome: 'changed',
    sha256: await sha256Hex(bytes),
    bytes: bytes.byteLength,
    baseCaptureId: base.id,
    changes: report,
  });
  await db.watches.put({ ...watch, changedFingerprint: fingerprint ?? undefined, changedOf: base.id });
  deps.broadcast({ event: 'watch.changed', pageId });
  return { state: 'changed', check };
}

const validInterval = (h: unknown) => typeof h === 'number' && (INTERVALS as readonly number[]).includes(h);

export const watchHandlers: HandlerSet<WatchApi> = {
  async 'watch.revisit'(req, deps) {
    if (typeof req.pageId !== 'string' || !Number.isInteger(req.tabId)) return fail('bad-request', 'Which page and tab?');
    const digest = req.fingerprint ?? (Array.isArray(req.digestParts) ? digestOf(req.digestParts) : null);
    return ok(await revisit(deps, req.pageId, digest, req.tabId!));
  },
  async 'watch.status'(req, { db }) {
    if (typeof req.pageId !== 'string') return fail('bad-request', 'Which page?');
    const watch = await watchOf(db, req.pageId);
    const [change, captures, last] = await Promise.all([
      watch.changeCheckId ? db.checks.get(watch.changeCheckId) : undefined,
      capturesOf(db, req.pageId),
      watch.lastCheckId ? db.checks.get(watch.lastCheckId) : undefined,
    ]);
    const base = change?.baseCaptureId ? captures.find((c) => c.id === change.baseCaptureId) ?? null : null;
    // A change found before the newest capture the reader made is old news.
    const current = change && watch.state === 'changed' ? change : null;
    return ok({ watch, change: current, base: current ? base : null, lastCheck: last ?? null, newest: captures[0] ?? null });
  },
  async 'watch.set'(req, { db, broadcast }) {
    if (typeof req.pageId !== 'string' || typeof req.watched !== 'boolean') return fail('bad-request', 'Which page, on or off?');
    if (!(await db.pages.get(req.pageId))) return fail('not-found', 'This article is not in your library.');
    const watch = await setWatched(db, req.pageId, req.watched);
    broadcast({ event: 'watch.changed', pageId: req.pageId });
    return ok({ watch });
  },
  async 'watch.settings'(_req, { db, watch }) {
    const settings = (await watch?.settings?.get()) ?? DEFAULT_WATCH;
    return ok({ settings, watched: (await watchedPageIds(db, settings.tags)).length });
  },
  async 'watch.configure'(req, { db, watch }) {
    if (!watch?.settings) return fail('unsupported', 'Settings are not available here.');
    const patch: Partial<WatchSettings> = {};
    if (req.settings?.intervalHours !== undefined) {
      if (!validInterval(req.settings.intervalHours)) return fail('bad-request', `The interval must be one of ${INTERVALS.join(', ')} hours.`);
      patch.intervalHours = req.settings.intervalHours;
    }
    if (req.settings?.tags !== undefined) {
      if (!Array.isArray(req.settings.tags) || req.settings.tags.some((t) => typeof t !== 'string')) return fail('bad-request', 'Tags must be names.');
      patch.tags = [...new Set(req.settings.tags.map((t) => t.trim()).filter(Boolean))];
    }
    if (req.settings?.notify !== undefined) patch.notify = !!req.settings.notify;
    if (req.settings?.cookieSites !== undefined) {
      if (!Array.isArray(req.settings.cookieSites) || req.settings.cookieSites.some((t) => typeof t !== 'string')) return fail('bad-request', 'Sites must be host names.');
      patch.cookieSites = [...new Set(req.settings.cookieSites.map((t) => t.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '')).filter(Boolean))].slice(0, 200);
    }
    const settings = await watch.settings.set(patch);
    if (patch.intervalHours) await watch.reschedule?.(settings.intervalHours);
    return ok({ settings, watched: (await watchedPageIds(db, settings.tags)).length });
  },
  async 'watch.checkNow'(req, deps) {
    if (typeof req.pageId !== 'string') return fail('bad-request', 'Which page?');
    if (!deps.watch?.bridge) return fail('unsupported', 'Checking is not available here.');
    if (!(await deps.db.pages.get(req.pageId))) return fail('not-found', 'This article is not in your library.');
    return ok({ check: await checkPage(deps, req.pageId, 'manual') });
  },
  async 'watch.timeline'(req, { db }) {
    if (typeof req.pageId !== 'string') return fail('bad-request', 'Which page?');
    return ok({ entries: await timelineOf(db, req.pageId), watch: await watchOf(db, req.pageId) });
  },
  async 'watch.checks'(req, { db }) {
    if (typeof req.pageId !== 'string') return fail('bad-request', 'Which page?');
    return ok({ checks: await checksOf(db, req.pageId) });
  },
};

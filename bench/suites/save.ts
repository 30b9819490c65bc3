/**
 * 5. The save as the reader waits for it: Alt+Shift+S in a page until the
 * toolbar's ✓ (what the reader needs is stored and hashed), and until the
 * capture's screenshot is stored (it may follow the ✓). Peer in the same run,
 * alternating: SingleFile's core saving the same page (start → saved HTML),
 * the bundle bench/suites/snapshot.ts uses.
 *
 * Each save is in a fresh tab of one browser with the built extension. The ✓
 * is the badge the E2E tests wait for (`chrome.action.getBadgeText` polled
 * in the service worker every 10 ms); the screenshot is its artifact in the
 * newest capture of the page, read from the extension's IndexedDB in the
 * worker. One more save per page runs under a CPU profile of the page (the
 * capture script runs on the page's main thread), and every save's own step
 * timings (`notes.timingsMs`) are kept in the results' details.
 */
import type { Worker } from 'playwright-core';
import { launchBrowser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { openWith } from '../lib/page';
import { tabIdOf, waitCheck } from '../lib/tabs';
import { profileCall, type Hotspot } from '../lib/profile';
import { median, round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';

interface Run {
  checkMs: number;
  screenshotMs: number;
  screenshot: string;
  timings: Record<string, number>;
}

/** In the worker: wait for the ✓ on the tab's badge, then for the screenshot's state in the newest capture of `url`. */
async function waitSaved(worker: Worker, tabId: number, url: string, after: string): Promise<{ check: number; shot: number; screenshot: string; timings: Record<string, number> }> {
  const check = await waitCheck(worker, tabId);
  return worker.evaluate(
    async ({ check, url, after }) => {
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const limit = Date.now() + 120_000;
      const db = await new Promise<IDBDatabase>((ok, no) => {
        const r = indexedDB.open('saqta');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
      });
      type Cap = { url: string; capturedAt: string; artifacts: { kind: string }[]; notes?: { screenshot?: string; timingsMs?: Record<string, number> } };
      const newest = () =>
        new Promise<Cap | undefined>((ok, no) => {
          const r = db.transaction('captures').objectStore('captures').getAll();
          r.onsuccess = () => ok((r.result as Cap[]).filter((c) => c.url === url && c.capturedAt > after).sort((a, b) => (a.capturedAt < b.capturedAt ? 1 : -1))[0]);
          r.onerror = () => no(r.error);
        });
      try {
        for (;;) {
          const c = await newest();
          if (c && (c.artifacts.some((a) => a.kind === 'screenshot') || (c.notes?.screenshot && c.notes.screenshot !== 'pending')))
            return { check, shot: Date.now(), screenshot: c.notes?.screenshot ?? '?', timings: c.notes?.timingsMs ?? {} };
          if (Date.now() > limit) throw new Error('no screenshot state within 120 s');
          await sleep(50);
        }
      } finally {
        db.close();
      }
    },
    { check, url, after },
  );
}

export const save: Suite = {
  id: 'save',
  title: 'Save (Alt+Shift+S until ✓) vs SingleFile',
  async run(ctx) {
    const singleFile = await bundleForPage('bench/peers/singlefile.ts', 'singleFilePeer');
    const pages = [
      { name: 'seed article', url: `${ctx.server.origin}/seed/index.html`, lazy: true },
      { name: 'guardian-1', url: `${ctx.server.origin}/fixtures/readability/guardian-1/source.html`, lazy: false },
    ];
    const reps = ctx.quick ? 1 : 3;
    const browser = await launchBrowser({ extension: true });
    const worker = browser.worker!;
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};

    const open = async (url: string, lazy: boolean) => {
      const page = await browser.newPage();
      await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
      // The seed's lazy loader replaces two placeholders 300 ms after load.
      if (lazy) await page.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);
      await page.locator('h1').first().click();
      return page;
    };
    const saqtaSave = async (url: string, lazy: boolean, profile = false): Promise<Run & { hotspots?: Hotspot[] }> => {
      const page = await open(url, lazy);
      try {
        const tabId = await tabIdOf(worker, page.url());
        await worker.evaluate((id) => chrome.action.setBadgeText({ tabId: id, text: '' }), tabId);
        const after = new Date(Date.now() - 1000).toISOString();
        const go = async () => {
          const t0 = Date.now();
          await page.keyboard.press('Alt+Shift+KeyS');
          const r = await waitSaved(worker, tabId, page.url(), after);
          return { checkMs: r.check - t0, screenshotMs: r.shot - t0, screenshot: r.screenshot, timings: r.timings };
        };
        if (!profile) return await go();
        const { result, hotspots } = await profileCall(browser.context, page, go, 10);
        return { ...result, hotspots };
      } finally {
        await page.close();
      }
    };
    const peerSave = async (url: string, lazy: boolean) => {
      const page = await browser.newPage();
      try {
        const call = await openWith(page, url, singleFile);
        if (lazy) await page.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);
        return (await call<{ ms: number; bytes: number }>('save')).ms;
      } finally {
        await page.close();
      }
    };

    try {
      for (const p of pages) {
        const runs: Run[] = [];
        const peer: number[] = [];
        for (let i = 0; i < reps; i++) {
          // Alternating, so a burst of load on the shared machine hits both.
          runs.push(await saqtaSave(p.url, p.lazy));
          peer.push(await peerSave(p.url, p.lazy));
        }
        const profiled = await saqtaSave(p.url, p.lazy, true);
        const check = median(runs.map((r) => r.checkMs));
        const shot = median(runs.map((r) => r.screenshotMs));
        const sf = median(peer);
        const steps = Object.keys(runs[0].timings)
          .map((k) => `${k} ${round(median(runs.map((r) => r.timings[k] ?? 0)))}`)
          .join(', ');
        ctx.log(`  ${p.name}: ✓ after ${round(check)} ms, screenshot stored after ${round(shot)} ms (${runs.map((r) => r.screenshot).join(', ')}); SingleFile ${round(sf)} ms; steps (ms) ${steps}`);
        ctx.log(`    page main thread during the save: ${profiled.hotspots!.slice(0, 5).map((h) => `${h.fn} ${h.at} ${h.selfMs} ms`).join(' · ')}`);
        details[p.name] = { runs, singleFile: peer, profiled };
        figures.push(
          figure({ suite: 'save', measure: 'Alt+Shift+S until ✓', on: p.name, unit: 'ms', saqta: round(check, 1), peer: 'SingleFile core (start → saved HTML)', peerValue: round(sf, 1), goal: p.name === 'seed article' ? '≤ 1.5 s' : undefined, met: p.name === 'seed article' ? check <= 1500 : undefined, note: `median of ${reps}; steps (ms): ${steps}` }),
          figure({ suite: 'save', measure: 'Alt+Shift+S until the screenshot is stored', on: p.name, unit: 'ms', saqta: round(shot, 1), peer: 'SingleFile core (start → saved HTML)', peerValue: round(sf, 1), note: `median of ${reps}; screenshot: ${runs.map((r) => r.screenshot).join(', ')}` }),
        );
      }
    } finally {
      await browser.close();
    }
    return { figures, notMeasured: [], details };
  },
};

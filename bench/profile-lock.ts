/**
 * Where the lock's extra time goes in `page.get`'s reads (issue 28): the same generated library seeded
 * without the lock and sealed, the reads split step by step on each side, then a V8 CPU profile of
 * `--times` locked reads summed by function. A development tool for BENCHMARKS.md's lock notes, not a suite.
 *
 *   vite-node bench/profile-lock.ts -- [--pages 500] [--times 100] [--index] (the in-memory search index built first, as the suite does) [--search] (profile search instead) [--queries] (each query's median on both sides) [--save] (the store step of a real save, replayed and profiled)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './lib/browser';
import { bundleForPage } from './lib/bundle';
import { FIXTURE_MOUNTS, SEED } from './lib/paths';
import { startServer } from '../scripts/server.mjs';
import { median, round } from './lib/stats';
import { profileCall } from './lib/profile';
import { tabIdOf, waitCheck } from './lib/tabs';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};


type Side = 'plain' | 'locked';
type Call = <T>(fn: string, ...args: unknown[]) => Promise<T>;

async function main() {
  const pages = Number(arg('pages', '500'));
  const times = Number(arg('times', '100'));
  const bundle = await bundleForPage('bench/page/lock.ts', 'saqtaLock');
  const kazakh = readFileSync(join(SEED, 'source.txt'), 'utf8');
  const opened: { side: Side; browser: Browser; page: Page; call: Call }[] = [];
  try {
    // One browser a side, as the suite: the plain library and the locked one, each in Saqta's own database.
    for (const side of ['plain', 'locked'] as const) {
      const browser = await launchBrowser({ extension: true });
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
      await page.evaluate(bundle.code);
      const call: Call = (fn, ...args) =>
        page.evaluate(([f, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>).saqtaLock[f as string](...(a as unknown[])), [fn, args] as const) as Promise<never>;
      opened.push({ side, browser, page, call });
      const dataKey = side === 'locked' ? await call<string>('setUpLock') : null;
      await call('seedSide', kazakh, pages, 10, Math.round(pages / 10), dataKey);
      if (process.argv.includes('--index') || process.argv.includes('--search') || process.argv.includes('--queries')) await call('buildIndexOnce');
    }
    const [plain, locked] = opened as [(typeof opened)[0], (typeof opened)[0]];
    if (process.argv.includes('--save')) {
      // A real save of the seed article in each browser (Alt+Shift+S until the ✓), then its store step replayed and profiled.
      const server = await startServer(FIXTURE_MOUNTS);
      try {
        const url = `${server.origin}/seed/index.html`;
        for (const o of opened) {
          const tab = await o.browser.newPage();
          await tab.goto(url, { waitUntil: 'load' });
          await tab.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);
          await tab.locator('h1').first().click();
          const tabId = await tabIdOf(o.browser.worker!, url);
          await tab.keyboard.press('Alt+Shift+KeyS');
          await waitCheck(o.browser.worker!, tabId);
          await tab.close();
        }
        for (let r = 0; r < 3; r++) {
          for (const o of r % 2 ? [locked, plain] : [plain, locked]) {
            const got = await o.call<{ ms: number[]; bytes: number; artifacts: number }>('storeLike', url, times);
            console.log(`${o.side}: storeCapture of the seed's save (${got.artifacts} artifacts, ${round(got.bytes / 1024)} KB): median ${round(median(got.ms), 1)} ms of ${times}`);
          }
        }
        const { hotspots } = await profileCall(locked.browser.context, locked.page, () => locked.call('storeLike', url, times), 30);
        const total = hotspots.reduce((t, h) => t + h.selfMs, 0) / (hotspots.reduce((t, h) => t + h.share, 0) / 100 || 1);
        console.log(`profile of ${times} locked stores: ${round(total, 1)} ms on the CPU (${round(total / times, 2)} ms each)`);
        for (const h of hotspots) console.log(`  ${round(h.selfMs / times, 3)} ms  ${h.share}%  ${h.fn} @${h.at}`);
      } finally {
        await server.close();
      }
      return;
    }
    if (process.argv.includes('--queries')) {
      // Each query's median, turn about, on both sides: which queries make the locked tail.
      for (const q of await plain.call<string[]>('queries')) {
        const t: Record<Side, number[]> = { plain: [], locked: [] };
        const hits: Record<Side, number> = { plain: 0, locked: 0 };
        for (let k = 0; k < times; k++) {
          for (const o of k % 2 ? [locked, plain] : [plain, locked]) {
            const got = await o.call<{ ms: number; hits: number }>('searchOnce', q);
            t[o.side].push(got.ms);
            hits[o.side] = got.hits;
          }
        }
        const [p, l] = [median(t.plain), median(t.locked)];
        console.log(`${q.padEnd(28)} hits ${String(hits.plain).padStart(3)} / ${String(hits.locked).padStart(3)}  plain ${round(p, 1)} ms  locked ${round(l, 1)} ms  ${round(l / p, 2)}×`);
      }
      return;
    }
    for (const { side, call, browser, page } of opened) {
      if (process.argv.includes('--search')) {
        const ms = await call<number>('searchMany', times);
        console.log(`${side}: the 20 queries ${times} times over: ${round(ms / (20 * times), 2)} ms a search`);
      }
      const splits: Record<string, number>[] = [];
      for (let n = 0; n < 60; n++) splits.push(await call('pageGetSplit', n));
      const keys = ['findPage', 'claims', 'captures', 'tags'];
      console.log(`${side}: ${keys.map((k) => `${k} ${round(median(splits.slice(10).map((s) => s[k]!)), 2)} ms`).join(', ')} (claims a page: ${splits[0]!.n})`);
      const many = await call<number>('pageGetMany', times);
      console.log(`${side}: ${times} page.get reads back to back ${round(many, 1)} ms (${round(many / times, 2)} ms each)`);
      const claims = await call<number>('claimMany', times, 1000);
      console.log(`${side}: ${times} claims made back to back ${round(claims, 1)} ms (${round(claims / times, 2)} ms each)`);
      if (side !== 'locked') continue;
      for (const what of process.argv.includes('--search') ? ['searchMany'] : ['pageGetMany', 'claimMany']) {
        const { hotspots } = await profileCall(browser.context, page, () => call(what, times, 9000), 25);
        // The CPU total, from the top functions and their shares of it (profileCall keeps only the top).
        const total = hotspots.reduce((t, h) => t + h.selfMs, 0) / (hotspots.reduce((t, h) => t + h.share, 0) / 100 || 1);
        console.log(`profile of ${times} locked ${what}: ${round(total, 1)} ms on the CPU (${round(total / times, 2)} ms each)`);
        for (const h of hotspots) console.log(`  ${round(h.selfMs / times, 3)} ms  ${h.share}%  ${h.fn} @${h.at}`);
      }
    }
  } finally {
    for (const o of opened) await o.browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * Where the lock's extra time goes in `page.get`'s reads (issue 28): the same generated library seeded
 * without the lock and sealed, the reads split step by step on each side, then a V8 CPU profile of
 * `--times` locked reads summed by function. A development tool for BENCHMARKS.md's lock notes, not a suite.
 *
 *   vite-node bench/profile-lock.ts -- [--pages 500] [--times 100] [--index] (the in-memory search index built first, as the suite does) [--search] (profile search instead)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './lib/browser';
import { bundleForPage } from './lib/bundle';
import { SEED } from './lib/paths';
import { median, round } from './lib/stats';
import { profileCall } from './lib/profile';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};


async function main() {
  const pages = Number(arg('pages', '500'));
  const times = Number(arg('times', '100'));
  const bundle = await bundleForPage('bench/page/lock.ts', 'saqtaLock');
  const browser = await launchBrowser({ extension: true });
  try {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await page.evaluate(bundle.code);
    const call = <T>(fn: string, ...args: unknown[]) =>
      page.evaluate(([f, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>).saqtaLock[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;
    const worker = browser.context.serviceWorkers()[0] ?? (await browser.context.waitForEvent('serviceworker'));
    await worker.evaluate(bundle.code);
    const dataKey = await worker.evaluate(() => (globalThis as unknown as { saqtaLock: { setUpInWorker(): Promise<string> } }).saqtaLock.setUpInWorker());
    const kazakh = readFileSync(join(SEED, 'source.txt'), 'utf8');
    for (const side of ['plain', 'locked'] as const) {
      await call('seedSide', kazakh, pages, 10, Math.round(pages / 10), side === 'locked' ? dataKey : null);
      if (process.argv.includes('--index') || process.argv.includes('--search')) await call('buildIndexOnce', side);
      if (process.argv.includes('--search')) {
        const ms = await call<number>('searchMany', side, times);
        console.log(`${side}: the 20 queries ${times} times over: ${round(ms / (20 * times), 2)} ms a search`);
      }
      const splits: Record<string, number>[] = [];
      for (let n = 0; n < 60; n++) splits.push(await call('pageGetSplit', side, n));
      const keys = ['findPage', 'claims', 'captures', 'tags'];
      console.log(`${side}: ${keys.map((k) => `${k} ${round(median(splits.slice(10).map((s) => s[k]!)), 2)} ms`).join(', ')} (claims a page: ${splits[0]!.n})`);
      const many = await call<number>('pageGetMany', side, times);
      console.log(`${side}: ${times} page.get reads back to back ${round(many, 1)} ms (${round(many / times, 2)} ms each)`);
      const claims = await call<number>('claimMany', side, times, side === 'locked' ? 5000 : 1000);
      console.log(`${side}: ${times} claims made back to back ${round(claims, 1)} ms (${round(claims / times, 2)} ms each)`);
      if (side !== 'locked') continue;
      for (const what of process.argv.includes('--search') ? ['searchMany'] : ['pageGetMany', 'claimMany']) {
      const { hotspots } = await profileCall(browser.context, page, () => call(what, side, times, 9000), 25);
      // The CPU total, from the top functions and their shares of it (profileCall keeps only the top).
      const total = hotspots.reduce((t, h) => t + h.selfMs, 0) / (hotspots.reduce((t, h) => t + h.share, 0) / 100 || 1);
      console.log(`profile of ${times} locked ${what}: ${round(total, 1)} ms on the CPU (${round(total / times, 2)} ms each)`);
      for (const h of hotspots) console.log(`  ${round(h.selfMs / times, 3)} ms  ${h.share}%  ${h.fn} @${h.at}`);
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * A/B of the empty library page's start-up: two builds of the extension
 * (`A` and `B` folders of a built chrome-mv3), each in its own fresh browser,
 * library.html opened alternately A, B, A, B… until the list says it is empty;
 * ms since navigation start (performance.now() at that moment), medians.
 * Usage: vite-node bench/ab-library-open.ts -- <A dir> <B dir> [rounds]
 * (bench/notes/perf-library.md: main before the change vs this branch).
 */
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromeArgs } from '../scripts/chrome.mjs';
import { chromePath } from './lib/browser';
import { median, round } from './lib/stats';

async function open(dir: string) {
  const profile = mkdtempSync(join(tmpdir(), 'saqta-ab-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromePath(), headless: true, args: chromeArgs(dir, { lang: 'en' }), locale: 'en', viewport: { width: 1280, height: 900 } });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const id = new URL(worker.url()).host;
  return {
    async once() {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${id}/library.html`);
      await page.locator('[data-testid="articles"] .row .title, [data-testid="empty"]').first().waitFor({ timeout: 60_000 });
      const ms = await page.evaluate(() => performance.now());
      await page.close();
      return ms;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const [a, b, n = '15'] = process.argv.slice(2).filter((x) => x !== '--');
const A = await open(a!);
const B = await open(b!);
const out = { a: [] as number[], b: [] as number[] };
await A.once();
await B.once();
for (let i = 0; i < Number(n); i++) {
  out.a.push(await A.once());
  out.b.push(await B.once());
}
await A.close();
await B.close();
console.log(JSON.stringify({ a, b, medianA: round(median(out.a), 1), medianB: round(median(out.b), 1), ratio: round(median(out.b) / median(out.a), 3), runsA: out.a.map((x) => round(x)), runsB: out.b.map((x) => round(x)) }));

/**
 * 5. Library at scale, in the extension's own origin and database: 10,000
 * generated articles with 100,000 claims, then 50,000 with 500,000; open the
 * library page, search, rename and merge a tag (export and import:
 * bench/suites/bundle.ts). Peers, measured in the same run at each scale: the
 * same page with an empty library; an unindexed scan; a plain
 * read-modify-bulkPut.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { SEED } from '../lib/paths';
import { median, quantile, round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';
import { profileCall } from '../lib/profile';

const CLAIMS_PER_PAGE = 10;
/**
 * Library sizes measured, each seeded afresh: articles and saved copies (the
 * saved copies' text index is not what is measured, so both scales keep
 * 1,000). `--quick` checks the bench on a tenth of it.
 */
const SCALES = {
  full: [
    { pages: 10_000, saved: 1_000 },
    { pages: 50_000, saved: 1_000 },
  ],
  quick: [
    { pages: 1_000, saved: 100 },
    { pages: 5_000, saved: 100 },
  ],
};

interface Timed {
  ms: number;
  [k: string]: unknown;
}

export const library: Suite = {
  id: 'library',
  title: 'Library at scale',
  async run(ctx) {
    const bundle = await bundleForPage('bench/page/library.ts', 'saqtaLibrary');
    const browser = await launchBrowser({ extension: true });
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    const reps = ctx.quick ? 2 : 3;
    try {
      for (const { pages: PAGES, saved: SAVED } of ctx.quick ? SCALES.quick : SCALES.full) {
        const at: Record<string, unknown> = {};
        details[`${PAGES}`] = at;
        // The peer of the open: the same page on an empty library, measured beside it in this run.
        const emptyOpen = await openLibrary(browser, reps);
        at.emptyOpenHotspots = await profileOpen(browser);
        const page = await browser.context.newPage();
        await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
        await page.evaluate(bundle.code);
        const call = <T>(fn: string, ...args: unknown[]) =>
          page.evaluate(([f, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>).saqtaLibrary[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;
        const seeded = await call<Record<string, number>>('seed', readFileSync(join(SEED, 'source.txt'), 'utf8'), PAGES, CLAIMS_PER_PAGE, SAVED);
        ctx.log(`  generated ${seeded.pages} articles, ${seeded.claims} claims, ${seeded.texts} saved texts in ${round(seeded.seedMs / 1000, 1)} s (+ ${round(seeded.indexTextsMs / 1000, 1)} s text index)`);
        at.seeded = seeded;
        const on = `${seeded.pages} articles, ${seeded.claims} claims`;

        const fullOpen = await openLibrary(browser, reps);
        at.fullOpenHotspots = await profileOpen(browser);
        ctx.log(`  library page: ${round(median(fullOpen))} ms to its list with ${seeded.pages} articles, ${round(median(emptyOpen))} ms empty`);
        figures.push(figure({ suite: 'library', measure: 'open the library page (list shown)', on, unit: 'ms', saqta: round(median(fullOpen), 1), peer: 'same page, empty library', peerValue: round(median(emptyOpen), 1), goal: '≤ 1.1× empty', met: median(fullOpen) <= 1.1 * median(emptyOpen), note: `median of ${reps}` }));

        const queries = await call<string[]>('queries');
        const samples: number[] = [];
        const scans: number[] = [];
        const perQuery: Record<string, { ms: number[]; hits: number; scanMs: number; scanHits: number }> = {};
        // The unindexed scan reads every claim: one query in four (every language) at 10,000 articles, one in ten above.
        const scanEvery = PAGES > 10_000 ? 10 : 4;
        for (const [i, q] of queries.entries()) {
          await call<Timed>('searchOnce', q);
          const runs: Timed[] = [];
          for (let i = 0; i < reps; i++) runs.push(await call<Timed>('searchOnce', q));
          const scan = i % scanEvery === 0 ? await call<Timed>('scanOnce', q) : null;
          samples.push(...runs.map((r) => r.ms));
          if (scan) scans.push(scan.ms);
          perQuery[q] = { ms: runs.map((r) => r.ms), hits: runs[0].hits as number, scanMs: scan?.ms ?? NaN, scanHits: (scan?.hits as number) ?? NaN };
          ctx.log(`    "${q}": ${round(median(perQuery[q].ms))} ms, ${perQuery[q].hits} hits${scan ? `; scan ${round(scan.ms)} ms, ${perQuery[q].scanHits} matches` : ''}`);
        }
        at.search = perQuery;
        ctx.log(`  search: p50 ${round(quantile(samples, 0.5))} ms, p95 ${round(quantile(samples, 0.95))} ms; unindexed scan p50 ${round(quantile(scans, 0.5))} ms`);
        for (const [q, label] of [[0.5, 'p50'], [0.95, 'p95']] as const)
          figures.push(figure({ suite: 'library', measure: `search ${label}, 20 queries kk/ru/en/Latin-kk`, on, unit: 'ms', saqta: round(quantile(samples, q), 1), peer: 'unindexed scan with the same folding', peerValue: round(quantile(scans, q), 1), ...(label === 'p95' ? { goal: '≤ 100 ms', met: quantile(samples, q) <= 100 } : {}), note: `${reps} runs per query after one warm-up; scan: one run of ${scans.length} of the queries` }));

        const renameProfile = await profileCall(browser.context, page, () => call<Timed>('rename', 'қамау'));
        const renamed = renameProfile.result;
        const put = await call<Timed>('renameByPut', 'қамау', 'арест');
        const mergeProfile = await profileCall(browser.context, page, () => call<Timed>('merge', 'арест', 'сот'));
        const merged = mergeProfile.result;
        ctx.log(`  tag rename: ${round(renamed.ms)} ms over ${renamed.claims} claims; merge ${round(merged.ms)} ms over ${merged.claims} claims; read-modify-bulkPut ${round(put.ms)} ms`);
        at.rename = { saqta: renamed, peer: put, saqtaHotspots: renameProfile.hotspots };
        at.merge = { saqta: merged, saqtaHotspots: mergeProfile.hotspots };
        figures.push(figure({ suite: 'library', measure: 'rename a tag', on: `${renamed.claims} claims of ${seeded.claims}`, unit: 'ms', saqta: round(renamed.ms, 1), peer: 'read, modify, bulkPut', peerValue: round(put.ms, 1), goal: '≤ 2 s', met: renamed.ms <= 2000 }));
        figures.push(figure({ suite: 'library', measure: 'merge a tag into another', on: `${merged.claims} claims of ${seeded.claims}`, unit: 'ms', saqta: round(merged.ms, 1), peer: 'read, modify, bulkPut (the rename)', peerValue: round(put.ms, 1), goal: '≤ 2 s', met: merged.ms <= 2000 }));

        const searchProfile = await profileCall(browser.context, page, async () => {
          for (const q of queries) await call<Timed>('searchOnce', q);
        });
        at.searchHotspots = searchProfile.hotspots;
        await call('clear');
        await page.close();
      }
    } finally {
      await browser.close();
    }
    return { figures, notMeasured: [], details };
  },
};

/** Open library.html until it shows its list (or says it is empty); ms since navigation start. */
async function openLibrary(browser: Browser, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const page: Page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/library.html`);
    await page.locator('[data-testid="articles"] .row .title, [data-testid="empty"]').first().waitFor({ timeout: 120_000 });
    out.push(await page.evaluate(() => performance.now()));
    await page.close();
  }
  return out;
}

/** Where the library page's start-up time goes: a CPU profile of a reload of library.html until its list shows. */
async function profileOpen(browser: Browser) {
  const page: Page = await browser.context.newPage();
  const list = () => page.locator('[data-testid="articles"] .row .title, [data-testid="empty"]').first().waitFor({ timeout: 120_000 });
  await page.goto(`chrome-extension://${browser.extensionId}/library.html`);
  await list();
  const { hotspots } = await profileCall(browser.context, page, async () => {
    await page.reload();
    await list();
  }, 10);
  await page.close();
  return hotspots;
}

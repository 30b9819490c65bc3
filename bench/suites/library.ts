/**
 * 5–6. Library at scale and export/import, in the extension's own origin and
 * database: 10,000 generated articles with 100,000 claims; open the library
 * page, search, rename a tag; export 1,000 articles as a bundle and import it.
 * Peers: the same page with an empty library; an unindexed scan; a plain
 * read-modify-bulkPut; a plain JSON dump of the same rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { SEED } from '../lib/paths';
import { median, quantile, round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';
import { profileCall } from '../lib/profile';

const CLAIMS_PER_PAGE = 10;
/** Articles generated, saved copies and exported articles; `--quick` checks the bench on a tenth of it. */
const SCALE = {
  full: { pages: 10_000, saved: 1_000, exported: 1_000 },
  quick: { pages: 1_000, saved: 100, exported: 100 },
  /** `SAQTA_BENCH_LIBRARY=bundle npm run bench -- library --quick`: the full export/import (1,000 saved articles) on a 1,000-article library. */
  bundle: { pages: 1_000, saved: 1_000, exported: 1_000 },
};

interface Timed {
  ms: number;
  [k: string]: unknown;
}

export const library: Suite = {
  id: 'library',
  title: 'Library at scale, export/import',
  async run(ctx) {
    const bundle = await bundleForPage('bench/page/library.ts', 'saqtaLibrary');
    const browser = await launchBrowser({ extension: true });
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    const reps = ctx.quick ? 2 : 3;
    const { pages: PAGES, saved: SAVED, exported: EXPORTED } = process.env.SAQTA_BENCH_LIBRARY === 'bundle' ? SCALE.bundle : ctx.quick ? SCALE.quick : SCALE.full;
    try {
      const emptyOpen = await openLibrary(browser, reps);
      const page = await browser.context.newPage();
      await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
      await page.evaluate(bundle.code);
      const call = <T>(fn: string, ...args: unknown[]) =>
        page.evaluate(([f, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>).saqtaLibrary[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;
      const seeded = await call<Record<string, number>>('seed', readFileSync(join(SEED, 'source.txt'), 'utf8'), PAGES, CLAIMS_PER_PAGE, SAVED);
      ctx.log(`  generated ${seeded.pages} articles, ${seeded.claims} claims, ${seeded.texts} saved texts in ${round(seeded.seedMs / 1000, 1)} s (+ ${round(seeded.indexTextsMs / 1000, 1)} s text index)`);
      details.seeded = seeded;
      const on = `${seeded.pages} articles, ${seeded.claims} claims`;

      const fullOpen = await openLibrary(browser, reps);
      ctx.log(`  library page: ${round(median(fullOpen))} ms to its list with ${seeded.pages} articles, ${round(median(emptyOpen))} ms empty`);
      figures.push(figure({ suite: 'library', measure: 'open the library page (list shown)', on, unit: 'ms', saqta: round(median(fullOpen), 1), peer: 'same page, empty library', peerValue: round(median(emptyOpen), 1), note: `median of ${reps}` }));

      const queries = await call<string[]>('queries');
      const samples: number[] = [];
      const scans: number[] = [];
      const perQuery: Record<string, { ms: number[]; hits: number; scanMs: number; scanHits: number }> = {};
      // The unindexed scan reads all 100,000 claims: one query in four (every language) keeps the run short.
      for (const [i, q] of queries.entries()) {
        await call<Timed>('searchOnce', q);
        const runs: Timed[] = [];
        for (let i = 0; i < reps; i++) runs.push(await call<Timed>('searchOnce', q));
        const scan = i % 4 === 0 ? await call<Timed>('scanOnce', q) : null;
        samples.push(...runs.map((r) => r.ms));
        if (scan) scans.push(scan.ms);
        perQuery[q] = { ms: runs.map((r) => r.ms), hits: runs[0].hits as number, scanMs: scan?.ms ?? NaN, scanHits: (scan?.hits as number) ?? NaN };
        ctx.log(`    "${q}": ${round(median(perQuery[q].ms))} ms, ${perQuery[q].hits} hits${scan ? `; scan ${round(scan.ms)} ms, ${perQuery[q].scanHits} matches` : ''}`);
      }
      details.search = perQuery;
      ctx.log(`  search: p50 ${round(quantile(samples, 0.5))} ms, p95 ${round(quantile(samples, 0.95))} ms; unindexed scan p50 ${round(quantile(scans, 0.5))} ms`);
      for (const [q, label] of [[0.5, 'p50'], [0.95, 'p95']] as const)
        figures.push(figure({ suite: 'library', measure: `search ${label}, 20 queries kk/ru/en/Latin-kk`, on, unit: 'ms', saqta: round(quantile(samples, q), 1), peer: 'unindexed scan with the same folding', peerValue: round(quantile(scans, q), 1), note: `${reps} runs per query after one warm-up; scan: one run of 5 of the queries` }));

      const renameProfile = await profileCall(browser.context, page, () => call<Timed>('rename', 'қамау'));
      const renamed = renameProfile.result;
      const put = await call<Timed>('renameByPut', 'қамау', 'арест');
      ctx.log(`  tag rename: ${round(renamed.ms)} ms over ${renamed.claims} claims; read-modify-bulkPut ${round(put.ms)} ms`);
      details.rename = { saqta: renamed, peer: put, saqtaHotspots: renameProfile.hotspots };
      figures.push(figure({ suite: 'library', measure: 'rename a tag', on: `${renamed.claims} claims of ${seeded.claims}`, unit: 'ms', saqta: round(renamed.ms, 1), peer: 'read, modify, bulkPut', peerValue: round(put.ms, 1) }));

      const searchProfile = await profileCall(browser.context, page, async () => {
        for (const q of queries) await call<Timed>('searchOnce', q);
      });
      details.searchHotspots = searchProfile.hotspots;
      const cdp = await browser.context.newCDPSession(page);
      const exp = await peakHeap(cdp, () => call<Timed>('exportBundle', EXPORTED));
      const dump = await peakHeap(cdp, () => call<Timed>('exportJson', EXPORTED));
      const imp = await peakHeap(cdp, () => call<Timed>('importBundle'));
      const impJson = await peakHeap(cdp, () => call<Timed>('importJson'));
      await cdp.detach();
      details.exportHotspots = (await profileCall(browser.context, page, () => call<Timed>('exportBundle', EXPORTED))).hotspots;
      details.importHotspots = (await profileCall(browser.context, page, () => call<Timed>('importBundle'))).hotspots;
      ctx.log(`  export ${EXPORTED}: ${round(exp.result.ms)} ms, ${round((exp.result.bytes as number) / 1048576, 2)} MB, heap peak ${round(exp.peakMB, 1)} MB; JSON dump ${round(dump.result.ms)} ms, ${round((dump.result.bytes as number) / 1048576, 2)} MB`);
      ctx.log(`  import: ${round(imp.result.ms)} ms, heap peak ${round(imp.peakMB, 1)} MB; JSON bulkAdd ${round(impJson.result.ms)} ms`);
      details.exportImport = { exp, dump, imp, impJson };
      const exOn = `${EXPORTED} articles, ${EXPORTED * CLAIMS_PER_PAGE} claims`;
      figures.push(
        figure({ suite: 'export/import', measure: 'export time', on: exOn, unit: 'ms', saqta: round(exp.result.ms, 1), peer: 'plain JSON dump of the same rows', peerValue: round(dump.result.ms, 1) }),
        figure({ suite: 'export/import', measure: 'export size', on: exOn, unit: 'MB', saqta: round((exp.result.bytes as number) / 1048576, 2), peer: 'plain JSON dump of the same rows', peerValue: round((dump.result.bytes as number) / 1048576, 2) }),
        figure({ suite: 'export/import', measure: 'export peak JS heap (extension page)', on: exOn, unit: 'MB', saqta: round(exp.peakMB, 1), peer: 'plain JSON dump of the same rows', peerValue: round(dump.peakMB, 1) }),
        figure({ suite: 'export/import', measure: 'import into an empty library', on: exOn, unit: 'ms', saqta: round(imp.result.ms, 1), peer: 'JSON.parse + bulkAdd', peerValue: round(impJson.result.ms, 1), note: `imported ${JSON.stringify((imp.result as { counts?: unknown }).counts)}` }),
        figure({ suite: 'export/import', measure: 'import peak JS heap (extension page)', on: exOn, unit: 'MB', saqta: round(imp.peakMB, 1), peer: 'JSON.parse + bulkAdd', peerValue: round(impJson.peakMB, 1) }),
      );
      await call('clear');
      await page.close();
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

/** Run `fn` while polling the page's JS heap; the peak in MB. */
async function peakHeap<T>(cdp: CDPSession, fn: () => Promise<T>): Promise<{ result: T; peakMB: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  let peak = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      peak = Math.max(peak, (await cdp.send('Runtime.getHeapUsage')).usedSize);
      await new Promise((ok) => setTimeout(ok, 20));
    }
  })();
  try {
    const result = await fn();
    return { result, peakMB: peak / 1048576 };
  } finally {
    polling = false;
    await poll;
  }
}

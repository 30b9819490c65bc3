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
import { packageVersion, SEED } from '../lib/paths';
import { median, quantile, round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';
import { profileCall } from '../lib/profile';

const MINISEARCH_VERSION = packageVersion('minisearch');

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
        // The search peer (MiniSearch) is built in the same page before the timed searches; its heap is what its index holds.
        const cdp = await browser.context.newCDPSession(page);
        const heapMB = async () => {
          await cdp.send('HeapProfiler.collectGarbage');
          return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1048576;
        };
        // Saqta first: its first search cold (answered from IndexedDB while its in-memory index builds), then a timed build afresh.
        const heapBefore = await heapMB();
        const cold = await call<{ ms: number; hits: number; readyMs: number }>('saqtaColdOnce', queries[0]);
        const saqtaBuilt = await call<{ ms: number; claims: number; pages: number; texts: number; terms: number; steps: Record<string, number> }>('saqtaBuild');
        const saqtaHeapMB = (await heapMB()) - heapBefore;
        ctx.log(`  Saqta in-memory index: ${saqtaBuilt.claims} claims, ${saqtaBuilt.pages} pages, ${saqtaBuilt.texts} texts, ${saqtaBuilt.terms} terms built in ${round(saqtaBuilt.ms)} ms (${Object.entries(saqtaBuilt.steps).map(([k, v]) => `${k} ${round(v)}`).join(', ')}), heap +${round(saqtaHeapMB, 1)} MB; cold first search ${round(cold.ms)} ms (index ready after ${round(cold.readyMs)} ms)`);
        const heapPeer = await heapMB();
        const built = await call<{ readMs: number; indexMs: number; docs: number; terms: number }>('peerBuild');
        const peerHeapMB = (await heapMB()) - heapPeer;
        const peerFirst = await call<Timed>('peerSearchOnce', queries[0]);
        const saqtaTerms = await call<{ ms: number; terms: number }>('saqtaTermsAll');
        ctx.log(`  MiniSearch ${MINISEARCH_VERSION}: ${built.docs} documents, ${built.terms} terms indexed in ${round(built.indexMs)} ms (+ ${round(built.readMs)} ms reading them), heap +${round(peerHeapMB, 1)} MB; Saqta's terms of every claim ${round(saqtaTerms.ms)} ms`);
        const samples: number[] = [];
        const peerSamples: number[] = [];
        const scans: number[] = [];
        const perQuery: Record<string, { ms: number[]; hits: number; peerMs: number[]; peerHits: number; scanMs: number; scanHits: number; fromDisk: number }> = {};
        // ≥ 60 samples each side: 3 runs of each of the 20 queries, even with --quick.
        const searchReps = Math.max(reps, 3);
        // The unindexed scan reads every claim: one query in four (every language) at 10,000 articles, one in ten above.
        const scanEvery = PAGES > 10_000 ? 10 : 4;
        for (const [i, q] of queries.entries()) {
          await call<Timed>('searchOnce', q);
          await call<Timed>('peerSearchOnce', q);
          const runs: Timed[] = [];
          const peerRuns: Timed[] = [];
          for (let k = 0; k < searchReps; k++) {
            // Alternate who goes first.
            if ((i + k) % 2) peerRuns.push(await call<Timed>('peerSearchOnce', q));
            runs.push(await call<Timed>('searchOnce', q));
            if (!((i + k) % 2)) peerRuns.push(await call<Timed>('peerSearchOnce', q));
          }
          const scan = i % scanEvery === 0 ? await call<Timed>('scanOnce', q) : null;
          samples.push(...runs.map((r) => r.ms));
          peerSamples.push(...peerRuns.map((r) => r.ms));
          if (scan) scans.push(scan.ms);
          perQuery[q] = { fromDisk: runs.filter((r) => !r.fromMemory).length, ms: runs.map((r) => r.ms), hits: runs[0].hits as number, peerMs: peerRuns.map((r) => r.ms), peerHits: peerRuns[0].hits as number, scanMs: scan?.ms ?? NaN, scanHits: (scan?.hits as number) ?? NaN };
          ctx.log(`    "${q}": ${round(median(perQuery[q].ms))} ms, ${perQuery[q].hits} hits; MiniSearch ${round(median(perQuery[q].peerMs))} ms, ${perQuery[q].peerHits} hits${scan ? `; scan ${round(scan.ms)} ms, ${perQuery[q].scanHits} matches` : ''}`);
        }
        at.search = perQuery;
        const fromDisk = Object.values(perQuery).reduce((n, r) => n + r.fromDisk, 0);
        const indexCounts = await call<unknown>('saqtaIndexCounts');
        ctx.log(`  Saqta searches answered from IndexedDB (index not ready): ${fromDisk} of ${samples.length}; index since build: ${JSON.stringify(indexCounts)}`);
        at.searchIndex = { fromDisk, indexCounts };
        // Recall of the first 100 results against a brute-force ground truth (every record's terms recomputed).
        const truthBuilt = await call<{ ms: number; records: number; vocabulary: number }>('truthBuild');
        type Score = { returned: number; right: number; wrong: number; recall: number };
        const recall: Record<string, { truth: number; saqta: Score; peer: Score }> = {};
        for (const q of queries) recall[q] = await call('recallOnce', q);
        await call('truthDrop');
        await call('peerDrop');
        await cdp.detach();
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        const recallOf = (side: 'saqta' | 'peer') => 100 * mean(Object.values(recall).map((r) => r[side].recall));
        const wrongOf = (side: 'saqta' | 'peer') => Object.values(recall).reduce((n, r) => n + r[side].wrong, 0);
        at.recall = { truthBuilt, perQuery: recall };
        at.peer = { name: `MiniSearch ${MINISEARCH_VERSION}`, built, heapMB: peerHeapMB, saqtaTerms, saqtaHeapMB, saqtaBuilt, cold, peerFirstMs: peerFirst.ms };
        ctx.log(`  search: p50 ${round(quantile(samples, 0.5))} ms, p95 ${round(quantile(samples, 0.95))} ms (${samples.length} samples); MiniSearch p50 ${round(quantile(peerSamples, 0.5))} ms, p95 ${round(quantile(peerSamples, 0.95))} ms (${peerSamples.length}); unindexed scan p50 ${round(quantile(scans, 0.5))} ms`);
        ctx.log(`  recall of the first 100 (mean of ${queries.length} queries): Saqta ${round(recallOf('saqta'), 1)} %, ${wrongOf('saqta')} wrong; MiniSearch ${round(recallOf('peer'), 1)} %, ${wrongOf('peer')} wrong`);
        const peerName = `MiniSearch ${MINISEARCH_VERSION} (in memory, same folding)`;
        const recallMet = recallOf('saqta') >= recallOf('peer');
        for (const [qt, label] of [[0.5, 'p50'], [0.95, 'p95']] as const) {
          const mine = quantile(samples, qt);
          const theirs = quantile(peerSamples, qt);
          figures.push(figure({ suite: 'library', measure: `search ${label}, 20 queries kk/ru/en/Latin-kk`, on, unit: 'ms', saqta: round(mine, 1), peer: peerName, peerValue: round(theirs, 1), ...(label === 'p95' ? { goal: '≤ 100 ms and ≤ peer, recall ≥ peer', met: mine <= 100 && mine <= theirs && recallMet } : {}), note: `${samples.length} samples each side (${searchReps} runs per query after one warm-up, alternating); ratio of the two quantiles` }));
        }
        figures.push(figure({ suite: 'library', measure: 'search p50 against an unindexed scan', on, unit: 'ms', saqta: round(quantile(samples, 0.5), 1), peer: 'unindexed scan with the same folding', peerValue: round(quantile(scans, 0.5), 1), note: `scan: one run of ${scans.length} of the queries` }));
        figures.push(figure({ suite: 'library', measure: 'search recall of the first 100 results vs brute force (mean of 20 queries)', on, unit: '%', saqta: round(recallOf('saqta'), 1), peer: peerName, peerValue: round(recallOf('peer'), 1), goal: '≥ peer', met: recallMet, note: `results that are not true matches: Saqta ${wrongOf('saqta')}, MiniSearch ${wrongOf('peer')}; truth: every record's terms recomputed (${truthBuilt.records} records)` }));
        figures.push(figure({ suite: 'library', measure: 'build the search index of every claim, page and text', on, unit: 'ms', saqta: round(saqtaBuilt.ms, 1), peer: peerName, peerValue: round(built.indexMs + built.readMs, 1), note: `both in memory, from IndexedDB: Saqta reads the stored terms (claimTerms, tags and dates by index keys, pages, texts); MiniSearch reads the records ${round(built.readMs)} ms + addAll ${round(built.indexMs)} ms. Saqta's terms step of every claim at save time: ${round(saqtaTerms.ms)} ms (CPU)` }));
        figures.push(figure({ suite: 'library', measure: 'first search after open (cold: no index in memory)', on, unit: 'ms', saqta: round(cold.ms, 1), peer: peerName, peerValue: round(built.readMs + built.indexMs + peerFirst.ms, 1), note: `Saqta answers from IndexedDB while its in-memory index builds (ready after ${round(cold.readyMs)} ms); MiniSearch must build first (build + first query ${round(peerFirst.ms, 1)} ms)` }));
        figures.push(figure({ suite: 'library', measure: 'JS heap held for search (after GC)', on, unit: 'MB', saqta: round(saqtaHeapMB, 1), peer: peerName, peerValue: round(peerHeapMB, 1), note: 'heap growth from building each in-memory index' }));

        const renameProfile = await profileCall(browser.context, page, () => call<Timed>('rename', 'қамау'));
        const renamed = renameProfile.result;
        const put = await call<Timed>('renameByPut', 'қамау', 'арест');
        const mergeProfile = await profileCall(browser.context, page, () => call<Timed>('merge', 'арест', 'сот'));
        const merged = mergeProfile.result;
        ctx.log(`  tag rename: ${round(renamed.ms)} ms over ${renamed.claims} claims; merge ${round(merged.ms)} ms over ${merged.claims} claims; read-modify-bulkPut ${round(put.ms)} ms`);
        at.rename = { saqta: renamed, peer: put, saqtaHotspots: renameProfile.hotspots };
        at.merge = { saqta: merged, saqtaHotspots: mergeProfile.hotspots };
        // Issue 29: ≤ 500 ms at 10,000 claims holding the tag, ≤ 2 s at 50,000.
        const tagGoal = (renamed.claims as number) <= 10_000 ? 500 : 2000;
        const tagGoalText = tagGoal === 500 ? '≤ 500 ms' : '≤ 2 s';
        figures.push(figure({ suite: 'library', measure: 'rename a tag', on: `${renamed.claims} claims of ${seeded.claims}`, unit: 'ms', saqta: round(renamed.ms, 1), peer: 'read, modify, bulkPut', peerValue: round(put.ms, 1), goal: tagGoalText, met: renamed.ms <= tagGoal }));
        figures.push(figure({ suite: 'library', measure: 'merge a tag into another', on: `${merged.claims} claims of ${seeded.claims}`, unit: 'ms', saqta: round(merged.ms, 1), peer: 'read, modify, bulkPut (the rename)', peerValue: round(put.ms, 1), goal: tagGoalText, met: merged.ms <= tagGoal }));

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

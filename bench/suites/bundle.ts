/**
 * 6. Export and import, in the extension's own origin and database: a
 * generated library of 1,000 articles (10,000 claims), every one with a saved
 * copy; export them all as a bundle, then import that bundle into an empty
 * database. Peers: a plain JSON dump of the same rows; `JSON.parse` +
 * `bulkAdd`. Peak JS heap of the extension page for both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';
import { launchBrowser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { SEED } from '../lib/paths';
import { round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';
import { profileCall } from '../lib/profile';

const CLAIMS_PER_PAGE = 10;
/** Articles generated (all saved, all exported); `--quick` checks the bench on a tenth of it. */
const SCALE = { full: 1_000, quick: 100 };

interface Timed {
  ms: number;
  [k: string]: unknown;
}

export const bundle: Suite = {
  id: 'bundle',
  title: 'Export and import',
  async run(ctx) {
    const code = await bundleForPage('bench/page/bundle.ts', 'saqtaBundle');
    const browser = await launchBrowser({ extension: true });
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    const EXPORTED = ctx.quick ? SCALE.quick : SCALE.full;
    try {
      const page = await browser.context.newPage();
      await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
      await page.evaluate(code.code);
      const call = <T>(fn: string, ...args: unknown[]) =>
        page.evaluate(([f, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>).saqtaBundle[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;
      const seeded = await call<Record<string, number>>('seed', readFileSync(join(SEED, 'source.txt'), 'utf8'), EXPORTED, CLAIMS_PER_PAGE, EXPORTED);
      ctx.log(`  generated ${seeded.pages} articles, ${seeded.claims} claims, ${seeded.texts} saved texts in ${round(seeded.seedMs / 1000, 1)} s`);
      details.seeded = seeded;
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

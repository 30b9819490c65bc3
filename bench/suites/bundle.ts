/**
 * 6. Export and import, in the extension's own origin and database: a
 * generated library of 1,000 articles (10,000 claims), every one with a saved
 * copy; export them all as the library's Export button does (a signed WACZ,
 * entrypoints/library/export.ts `buildExport`), then import that file into an
 * empty database as its Import button does (utils/import/import.ts
 * `importFile`: checked, sanitized, merged). Peers: `@harvard-lil/js-wacz`
 * packaging the WARC files of Saqta's own export in Node (bench/peers/js-wacz.ts:
 * the same records, indexed, hashed and zipped); a plain JSON dump of the same
 * rows; `JSON.parse` + `bulkAdd`. Saqta and its peers alternate, REPS times
 * each (the machine is noisy): the figures are medians and the ratio the
 * ratio of the medians; the note gives every run's ratio. Peak JS heap of
 * the extension page for Saqta and the JSON peer.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';
import { launchBrowser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { packageVersion, ROOT, SEED } from '../lib/paths';
import { extractWarcs, packWithJsWacz } from '../peers/js-wacz';
import { median, round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';
import { profileCall } from '../lib/profile';

const CLAIMS_PER_PAGE = 10;
/** Articles generated (all saved, all exported); `--quick` checks the bench on a tenth of it. */
const SCALE = { full: 1_000, quick: 100 };
/** Alternating repetitions of Saqta and its peer (each). */
const REPS = 3;
/** The issue's goals (ratio to the peer, in every run). */
const GOAL = { export: 2, import: 1.5 };
const JS_WACZ = packageVersion('@harvard-lil/js-wacz');

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
      // The WACZ peer's input: the WARC files of one (untimed) Saqta export, the same records it writes every time.
      await call<Timed>('exportBundle', EXPORTED);
      const peerDir = join(ROOT, 'bench', 'tmp', 'js-wacz');
      const warcs = extractWarcs(new Uint8Array(Buffer.from(await call<string>('lastExportBase64'), 'base64')), peerDir);
      ctx.log(`  js-wacz ${JS_WACZ}: input ${warcs.files} WARC files, ${round(warcs.bytes / 1048576, 2)} MB from Saqta's export`);
      const jsWacz: Awaited<ReturnType<typeof packWithJsWacz>>[] = [];
      const cdp = await browser.context.newCDPSession(page);
      type Peaked = { result: Timed; peakMB: number; cpuMs: number };
      const runs: { exp: Peaked; dump: Peaked; imp: Peaked; impJson: Peaked }[] = [];
      for (let r = 0; r < REPS; r++) {
        // Alternate which side goes first, so a slow spell does not always land on the same one.
        const first = r % 2 === 0;
        let exp: Peaked, dump: Peaked, imp: Peaked, impJson: Peaked;
        if (!first) jsWacz.push(await packWithJsWacz(peerDir));
        if (first) {
          exp = await peakHeap(cdp, () => call<Timed>('exportBundle', EXPORTED));
          jsWacz.push(await packWithJsWacz(peerDir));
          dump = await peakHeap(cdp, () => call<Timed>('exportJson', EXPORTED));
          imp = await peakHeap(cdp, () => call<Timed>('importBundle'));
          impJson = await peakHeap(cdp, () => call<Timed>('importJson'));
        } else {
          dump = await peakHeap(cdp, () => call<Timed>('exportJson', EXPORTED));
          exp = await peakHeap(cdp, () => call<Timed>('exportBundle', EXPORTED));
          impJson = await peakHeap(cdp, () => call<Timed>('importJson'));
          imp = await peakHeap(cdp, () => call<Timed>('importBundle'));
        }
        const c = imp.result.counts as { pages: number; claims: number };
        if (c.pages !== EXPORTED || c.claims !== EXPORTED * CLAIMS_PER_PAGE) throw new Error(`import wrote ${JSON.stringify(c)}`);
        runs.push({ exp, dump, imp, impJson });
        ctx.log(`  run ${r + 1}: export ${round(exp.result.ms)} ms vs JSON dump ${round(dump.result.ms)} ms (${round(exp.result.ms / dump.result.ms, 2)}×); import ${round(imp.result.ms)} ms vs JSON bulkAdd ${round(impJson.result.ms)} ms (${round(imp.result.ms / impJson.result.ms, 2)}×)`);
        ctx.log(`         js-wacz packaging the same WARC records: ${round(jsWacz[r]!.ms)} ms, ${round(jsWacz[r]!.bytes / 1048576, 2)} MB (${jsWacz[r]!.index.join(', ')}) (${round(exp.result.ms / jsWacz[r]!.ms, 2)}×)`);
        ctx.log(`         renderer CPU: export ${round(exp.cpuMs)} ms vs ${round(dump.cpuMs)} ms (${round(exp.cpuMs / dump.cpuMs, 2)}×); import ${round(imp.cpuMs)} ms vs ${round(impJson.cpuMs)} ms (${round(imp.cpuMs / impJson.cpuMs, 2)}×)`);
      }
      await cdp.detach();
      details.exportHotspots = (await profileCall(browser.context, page, () => call<Timed>('exportBundle', EXPORTED), 25)).hotspots;
      details.importHotspots = (await profileCall(browser.context, page, () => call<Timed>('importBundle'), 25)).hotspots;
      const med = (f: (x: (typeof runs)[number]) => number) => median(runs.map(f));
      const ratios = (a: 'exp' | 'imp', b: 'dump' | 'impJson') => runs.map((x) => x[a].result.ms / x[b].result.ms);
      const cpu = (a: 'exp' | 'imp', b: 'dump' | 'impJson') => {
        const xs = runs.map((x) => x[a].cpuMs / x[b].cpuMs);
        return `; renderer CPU ${round(med((x) => x[a].cpuMs))} ms vs ${round(med((x) => x[b].cpuMs))} ms, per run ${xs.map((x) => `${round(x, 2)}×`).join(', ')}`;
      };
      const spread = (xs: number[]) => `ratios per run ${xs.map((x) => `${round(x, 2)}×`).join(', ')} (${REPS} alternating runs); the ratio shown is the ratio of the medians`;
      const expR = ratios('exp', 'dump');
      const waczR = runs.map((x, i) => x.exp.result.ms / jsWacz[i]!.ms);
      const peerWacz = { ms: median(jsWacz.map((x) => x.ms)), bytes: jsWacz[0]!.bytes };
      details.jsWacz = { version: JS_WACZ, input: warcs, runs: jsWacz };
      const impR = ratios('imp', 'impJson');
      const exp = { ms: med((x) => x.exp.result.ms), bytes: runs[0]!.exp.result.bytes as number, peakMB: med((x) => x.exp.peakMB) };
      const dump = { ms: med((x) => x.dump.result.ms), bytes: runs[0]!.dump.result.bytes as number, peakMB: med((x) => x.dump.peakMB) };
      const imp = { ms: med((x) => x.imp.result.ms), peakMB: med((x) => x.imp.peakMB), counts: runs[0]!.imp.result.counts };
      const impJson = { ms: med((x) => x.impJson.result.ms), peakMB: med((x) => x.impJson.peakMB) };
      ctx.log(`  export ${EXPORTED}: ${round(exp.ms)} ms, ${round(exp.bytes / 1048576, 2)} MB, heap peak ${round(exp.peakMB, 1)} MB; JSON dump ${round(dump.ms)} ms, ${round(dump.bytes / 1048576, 2)} MB (medians)`);
      ctx.log(`  import: ${round(imp.ms)} ms, heap peak ${round(imp.peakMB, 1)} MB; JSON bulkAdd ${round(impJson.ms)} ms (medians)`);
      details.exportImport = runs;
      const exOn = `${EXPORTED} articles, ${EXPORTED * CLAIMS_PER_PAGE} claims`;
      figures.push(
        figure({ suite: 'export/import', measure: 'export time (signed WACZ, as the Export button)', on: exOn, unit: 'ms', saqta: round(exp.ms, 1), peer: 'plain JSON dump of the same rows', peerValue: round(dump.ms, 1), goal: `≤ ${GOAL.export}× in every run`, met: expR.every((x) => x <= GOAL.export), note: spread(expR) + cpu('exp', 'dump') }),
        figure({ suite: 'export/import', measure: 'export time (signed WACZ) against js-wacz packaging the same WARC records', on: exOn, unit: 'ms', saqta: round(exp.ms, 1), peer: `@harvard-lil/js-wacz ${JS_WACZ} (Node, its worker pool, same WARC files)`, peerValue: round(peerWacz.ms, 1), goal: '≤ 1.5×', met: exp.ms <= 1.5 * peerWacz.ms, note: `${spread(waczR)}; js-wacz: index (warcio), SHA-256 of every file, ZIP, written to disk; Saqta also reads the rows from IndexedDB, writes and gzips the records, adds reader copies and signs; js-wacz file ${round(peerWacz.bytes / 1048576, 2)} MB` }),
        figure({ suite: 'export/import', measure: 'export size', on: exOn, unit: 'MB', saqta: round(exp.bytes / 1048576, 2), peer: 'plain JSON dump of the same rows', peerValue: round(dump.bytes / 1048576, 2) }),
        figure({ suite: 'export/import', measure: 'export peak JS heap (extension page)', on: exOn, unit: 'MB', saqta: round(exp.peakMB, 1), peer: 'plain JSON dump of the same rows', peerValue: round(dump.peakMB, 1) }),
        figure({ suite: 'export/import', measure: 'import into an empty library (WACZ, as the Import button)', on: exOn, unit: 'ms', saqta: round(imp.ms, 1), peer: 'JSON.parse + bulkAdd', peerValue: round(impJson.ms, 1), goal: `≤ ${GOAL.import}× in every run`, met: impR.every((x) => x <= GOAL.import), note: `${spread(impR)}${cpu('imp', 'impJson')}; imported ${JSON.stringify(imp.counts)}` }),
        figure({ suite: 'export/import', measure: 'import peak JS heap (extension page)', on: exOn, unit: 'MB', saqta: round(imp.peakMB, 1), peer: 'JSON.parse + bulkAdd', peerValue: round(impJson.peakMB, 1) }),
      );
      await call('clear');
      await page.close();
      rmSync(peerDir, { recursive: true, force: true });
    } finally {
      await browser.close();
    }
    return { figures, notMeasured: [], details };
  },
};

/** CPU time of the page's renderer process and main thread so far, in ms (CDP Performance metrics, seconds). */
async function cpuNow(cdp: CDPSession): Promise<{ process: number; thread: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
  return { process: get('ProcessTime'), thread: get('ThreadTime') };
}

/**
 * Run `fn` while polling the page's JS heap; the peak in MB, and the CPU time the page's renderer
 * spent meanwhile (less swayed by other processes on a loaded machine than the wall-clock time;
 * IndexedDB's own work happens in the browser process and is not in it).
 */
async function peakHeap<T>(cdp: CDPSession, fn: () => Promise<T>): Promise<{ result: T; peakMB: number; cpuMs: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const cpu0 = await cpuNow(cdp);
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
    const cpu1 = await cpuNow(cdp);
    return { result, peakMB: peak / 1048576, cpuMs: cpu1.process - cpu0.process };
  } finally {
    polling = false;
    await poll;
  }
}

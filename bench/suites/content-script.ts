/**
 * 1. Content-script cost: what Saqta injects into every page (gzipped), and
 * the main-thread time it adds to a page with no claims, against the same
 * page in the same Chromium build without the extension.
 *
 * Method: one warm-up load per browser, then 20 rounds of one load each in
 * three browsers — with Saqta, without any extension, and with Saqta's
 * content script emptied (the platform's floor) — the order rotating every
 * round so a machine getting busier or quieter favours none. Each load is traced; the page's
 * renderer main thread's CPU time (thread time of its top-level tasks, not
 * wall time: a shared machine's waits are left out) is summed from the
 * navigation to a second after `load` (the content script runs at
 * document_idle and does its idle work then). The figure is the ratio of the
 * mean CPU with Saqta to the mean without, with a 95% bootstrap interval
 * over the rounds (bench/lib/stats.ts pairedRatio): the goal is met when the
 * whole interval is at or under 1.05×. The empty script's ratio says how
 * much of that no content script can avoid.
 */
import { gzipSync } from 'node:zlib';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { launchBrowser, type Browser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { openWith } from '../lib/page';
import { EXTENSION_DIR, ROOT, largestFixtures } from '../lib/paths';
import { median, pairedRatio, round } from '../lib/stats';
import { extensionScriptMs, mainThreadBusyMs, mainThreadCpuMs, pageMainThread, traceNavigation } from '../lib/trace';
import { figure, type Figure, type Suite } from '../lib/types';

/** SingleFile's own scripts that its extension injects into every page (core only: no extension glue, no polyfill). */
const SINGLEFILE_EVERY_PAGE = ['single-file-bootstrap.js', 'single-file-frames.js', 'single-file-hooks-frames.js'];

export const contentScript: Suite = {
  id: 'content-script',
  title: 'Content-script cost',
  async run(ctx) {
    const figures: Figure[] = [];
    const size = await sizes();
    figures.push(
      figure({
        suite: this.id,
        measure: 'injected into every page, gzipped',
        on: size.files.join(' + '),
        unit: 'KB',
        saqta: round(size.saqta / 1024, 2),
        peer: 'SingleFile core every-page scripts (esbuild, minified)',
        peerValue: round(size.singleFile / 1024, 2),
        goal: '≤ 25 KB',
        met: size.saqta / 1024 <= 25,
      }),
    );

    const big = largestFixtures(1)[0];
    const pages = [
      { label: 'seed article', url: `${ctx.server.origin}/seed/index.html` },
      ...(big ? [{ label: `${big.name} (${round(big.bytes / 1048576, 2)} MB)`, url: `${ctx.server.origin}/fixtures/readability/${big.name}/source.html` }] : []),
    ];
    const runs = ctx.quick ? 3 : 20;
    // The platform's share: the same extension with its content script emptied (`void 0;`). Chromium still
    // creates the isolated world and installs the extension bindings in every page the script matches.
    const emptyDir = emptyContentScriptCopy();
    const withExt = await launchBrowser({ extension: true });
    const without = await launchBrowser({ extension: false });
    const empty = await launchBrowser({ extension: true, extensionDir: emptyDir });
    const samples: Record<string, unknown> = {};
    try {
      for (const p of pages) {
        const on: number[] = [];
        const off: number[] = [];
        const floor: number[] = [];
        const onWall: number[] = [];
        const offWall: number[] = [];
        const ownWall: number[] = [];
        const ownCpu: number[] = [];
        const kinds: Record<string, number>[] = [];
        // One warm-up load in each browser (disk cache, code cache), then rounds of one load each, the order rotating.
        await load(withExt, p.url);
        await load(without, p.url);
        await load(empty, p.url);
        const ORDERS = [
          [withExt, without, empty],
          [without, empty, withExt],
          [empty, withExt, without],
        ];
        for (let i = 0; i < runs; i++) {
          const got = new Map<Browser, Awaited<ReturnType<typeof load>>>();
          for (const b of ORDERS[i % 3]) got.set(b, await load(b, p.url));
          const a = got.get(withExt)!;
          const b = got.get(without)!;
          on.push(a.cpu);
          off.push(b.cpu);
          floor.push(got.get(empty)!.cpu);
          onWall.push(a.busy);
          offWall.push(b.busy);
          ownWall.push(a.ext.wall);
          ownCpu.push(a.ext.cpu);
          kinds.push(a.ext.byKind);
        }
        const r = pairedRatio(on, off);
        const platform = pairedRatio(floor, off);
        const own = pairedRatio(on, floor);
        ctx.log(
          `  ${p.label}: page main thread CPU ${round(median(on))} ms with Saqta, ${round(median(off))} ms without (medians of ${runs}); ` +
            `mean ratio ${round(r.ratio, 3)}× (95% CI ${round(r.low, 3)}–${round(r.high, 3)}), median paired difference ${round(r.diffMedian, 2)} ms; ` +
            `wall busy ${round(median(onWall))} / ${round(median(offWall))} ms; Saqta's scripts ${round(median(ownCpu), 2)} ms CPU, ${round(median(ownWall), 2)} ms wall; ` +
            `an empty content script ÷ none ${round(platform.ratio, 3)}× (${round(platform.low, 3)}–${round(platform.high, 3)}), Saqta ÷ empty content script ${round(own.ratio, 3)}× (${round(own.low, 3)}–${round(own.high, 3)})`,
        );
        const breakdown = Object.fromEntries([...new Set(kinds.flatMap((k) => Object.keys(k)))].map((k) => [k, round(median(kinds.map((x) => x[k] ?? 0)), 2)]));
        const work = await onLoadWork(without, p.url);
        ctx.log(`    CPU by kind: ${JSON.stringify(breakdown)}; the same load-time work called in the page: ${JSON.stringify(work)}`);
        samples[p.label] = { withExtensionCpu: on, withoutExtensionCpu: off, emptyContentScriptCpu: floor, platformRatio: platform, overEmptyScript: own, withExtensionWall: onWall, withoutExtensionWall: offWall, ratio: r, saqtaScriptsWall: ownWall, saqtaScriptsCpu: ownCpu, saqtaCpuByKind: breakdown, loadTimeWorkInPage: work };
        const offMedian = median(off);
        // Saqta's extra over the floor: per round, CPU with Saqta minus CPU with the emptied content script.
        const extra = on.map((x, i) => x - floor[i]!);
        const floorExtra = floor.map((x, i) => x - off[i]!);
        ctx.log(`    Saqta's extra page CPU over the empty content script: median ${round(median(extra), 2)} ms, mean ${round(mean(extra), 2)} ms (per round: ${extra.map((x) => round(x, 1)).join(', ')}); the empty script's own over none: median ${round(median(floorExtra), 2)} ms`);
        figures.push(
          figure({
            suite: this.id,
            measure: 'page main-thread CPU over an empty content script (Saqta\'s extra above the floor)',
            on: p.label,
            unit: 'ms',
            saqta: round(median(extra), 2),
            peer: 'empty content script over no extension (the floor\'s own extra)',
            peerValue: round(median(floorExtra), 2),
            goal: '≤ 2 ms (median)',
            met: median(extra) <= 2,
            note: `median of ${runs} paired rounds (with Saqta − emptied script, same round); mean ${round(mean(extra), 2)} ms; over the floor ${round(own.ratio, 3)}× (95% CI ${round(own.low, 3)}–${round(own.high, 3)})`,
          }),
          figure({
            suite: this.id,
            measure: "main-thread CPU time in Saqta's content script (trace)",
            on: p.label,
            unit: 'ms',
            saqta: round(median(ownCpu), 2),
            peer: 'whole page without extension',
            peerValue: round(offMedian, 1),
            goal: '≤ 5 ms',
            met: median(ownCpu) <= 5,
            note: `median of ${runs}; wall clock ${round(median(ownWall), 2)} ms (includes waiting for a busy CPU); counts only trace events naming a chrome-extension:// URL (its promise continuations and idle callbacks are not): the row "over an empty content script" has the whole extra`,
          }),
          figure({
            suite: this.id,
            measure: 'page main-thread CPU time, with extension (mean; ratio with its 95% CI in the note)',
            on: p.label,
            unit: 'ms',
            saqta: round(mean(on), 1),
            peer: 'same page without extension',
            peerValue: round(mean(off), 1),
            ratio: round(r.ratio, 3),
            goal: '≤ 1.05×',
            met: r.high <= 1.05,
            note: `mean of ${runs} rounds in rotating order: ${round(r.ratio, 3)}×, 95% bootstrap CI ${round(r.low, 3)}–${round(r.high, 3)}; medians ${round(median(on), 1)} vs ${round(offMedian, 1)} ms CPU, median paired difference ${round(r.diffMedian, 2)} ms; over an empty content script ${round(own.ratio, 3)}× (${round(own.low, 3)}–${round(own.high, 3)})`,
          }),
          figure({
            suite: this.id,
            measure: 'page main-thread CPU time, any content script (an empty one: the platform floor)',
            on: p.label,
            unit: 'ms',
            saqta: round(mean(floor), 1),
            peer: 'same page without extension',
            peerValue: round(mean(off), 1),
            ratio: round(platform.ratio, 3),
            note: `the same rounds: ${round(platform.ratio, 3)}×, 95% bootstrap CI ${round(platform.low, 3)}–${round(platform.high, 3)}; not Saqta's code: what Chromium does for any matching content script`,
          }),
        );
      }
    } finally {
      await withExt.close();
      await without.close();
      await empty.close();
      rmSync(emptyDir, { recursive: true, force: true });
    }
    return { figures, notMeasured: [], details: { sizes: size, samples } };
  },
};

/**
 * What the content script computes on every load, called in the page with
 * readable names (the built content script is minified): the page identity
 * with its text fingerprint. Median of 5 calls.
 */
async function onLoadWork(browser: Browser, url: string) {
  const page = await browser.newPage();
  try {
    const call = await openWith(page, url, await bundleForPage('bench/page/content-load.ts', 'saqtaContentLoad'));
    const runs: Record<string, number>[] = [];
    for (let i = 0; i < 5; i++) runs.push(await call('measure'));
    return Object.fromEntries(Object.keys(runs[0]).map((k) => [k, round(median(runs.map((r) => r[k])), 2)]));
  } finally {
    await page.close();
  }
}

async function load(browser: Browser, url: string) {
  const page = await browser.newPage();
  try {
    const events = await traceNavigation(browser.context, page, url);
    const thread = pageMainThread(events, url);
    if (!thread) throw new Error(`no renderer main thread found for ${url}`);
    return { busy: mainThreadBusyMs(events, thread), cpu: mainThreadCpuMs(events, thread), ext: extensionScriptMs(events, thread) };
  } finally {
    await page.close();
  }
}

/** A copy of the built extension whose content scripts are empty (`void 0;`), in a temporary folder. */
function emptyContentScriptCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'saqta-empty-cs-')), 'ext');
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  for (const c of manifest.content_scripts ?? []) for (const js of c.js ?? []) writeFileSync(join(dir, js), 'void 0;\n');
  return dir;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Gzipped bytes of the manifest's content scripts, and of SingleFile's every-page scripts built the same way. */
async function sizes() {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  const files: string[] = [...new Set<string>(manifest.content_scripts?.flatMap((c: { js?: string[]; css?: string[] }) => [...(c.js ?? []), ...(c.css ?? [])]) ?? [])];
  const gz = (buf: Buffer | string) => gzipSync(buf, { level: 9 }).length;
  const saqta = files.reduce((s, f) => s + gz(readFileSync(join(EXTENSION_DIR, f))), 0);
  const folder = join(EXTENSION_DIR, 'content-scripts');
  const allContentScripts = readdirSync(folder).reduce((s, f) => s + gz(readFileSync(join(folder, f))), 0);
  const sf = join(ROOT, 'node_modules', 'single-file-core');
  let singleFile = 0;
  for (const file of SINGLEFILE_EVERY_PAGE) {
    const out = await build({ entryPoints: [join(sf, file)], bundle: true, minify: true, format: 'iife', write: false, logLevel: 'silent' });
    singleFile += gz(out.outputFiles[0].text);
  }
  return { files, saqta, allContentScripts, singleFile };
}

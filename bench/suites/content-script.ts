/**
 * 1. Content-script cost: what Saqta injects into every page (gzipped), and
 * the main-thread time it adds to a page with no claims, against the same
 * page in the same Chromium build without the extension.
 */
import { gzipSync } from 'node:zlib';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { launchBrowser, type Browser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { openWith } from '../lib/page';
import { EXTENSION_DIR, ROOT, largestFixtures } from '../lib/paths';
import { median, round } from '../lib/stats';
import { extensionScriptMs, mainThreadBusyMs, pageMainThread, traceNavigation } from '../lib/trace';
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
    const runs = ctx.quick ? 3 : 9;
    const withExt = await launchBrowser({ extension: true });
    const without = await launchBrowser({ extension: false });
    const samples: Record<string, unknown> = {};
    try {
      for (const p of pages) {
        const on: number[] = [];
        const off: number[] = [];
        const ownWall: number[] = [];
        const ownCpu: number[] = [];
        const kinds: Record<string, number>[] = [];
        // One warm-up load in each browser (disk cache, code cache), then alternate.
        await load(withExt, p.url);
        await load(without, p.url);
        for (let i = 0; i < runs; i++) {
          const a = await load(withExt, p.url);
          const b = await load(without, p.url);
          on.push(a.busy);
          off.push(b.busy);
          ownWall.push(a.ext.wall);
          ownCpu.push(a.ext.cpu);
          kinds.push(a.ext.byKind);
        }
        ctx.log(`  ${p.label}: page main thread ${round(median(on))} ms with Saqta, ${round(median(off))} ms without; Saqta's scripts ${round(median(ownCpu), 2)} ms CPU, ${round(median(ownWall), 2)} ms wall`);
        const breakdown = Object.fromEntries([...new Set(kinds.flatMap((k) => Object.keys(k)))].map((k) => [k, round(median(kinds.map((x) => x[k] ?? 0)), 2)]));
        const work = await onLoadWork(without, p.url);
        ctx.log(`    CPU by kind: ${JSON.stringify(breakdown)}; the same load-time work called in the page: ${JSON.stringify(work)}`);
        samples[p.label] = { withExtension: on, withoutExtension: off, saqtaScriptsWall: ownWall, saqtaScriptsCpu: ownCpu, saqtaCpuByKind: breakdown, loadTimeWorkInPage: work };
        const offMedian = median(off);
        figures.push(
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
            note: `median of ${runs}; wall clock ${round(median(ownWall), 2)} ms (includes waiting for a busy CPU)`,
          }),
          figure({
            suite: this.id,
            measure: 'page main-thread busy time, with extension',
            on: p.label,
            unit: 'ms',
            saqta: round(median(on), 1),
            peer: 'same page without extension',
            peerValue: round(offMedian, 1),
            note: `median of ${runs}; difference ${round(median(on) - offMedian, 1)} ms (machine noise included)`,
          }),
        );
      }
    } finally {
      await withExt.close();
      await without.close();
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
    return { busy: mainThreadBusyMs(events, thread), ext: extensionScriptMs(events, thread) };
  } finally {
    await page.close();
  }
}

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

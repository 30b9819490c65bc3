/**
 * 4. Snapshot: Saqta's archival snapshot (serialize in the page, inline every
 * resource) against SingleFile's core in the same page, and the bytes the page
 * itself loaded; then ever larger pages until one fails.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, type Browser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { openWith } from '../lib/page';
import { READABILITY, ROOT, largestFixtures } from '../lib/paths';
import { median, round } from '../lib/stats';
import { figure, type BenchContext, type Figure, type Suite } from '../lib/types';

interface Saved {
  ms: number;
  bytes: number;
}

export const snapshot: Suite = {
  id: 'snapshot',
  title: 'Snapshot vs SingleFile',
  async run(ctx) {
    const saqta = await bundleForPage('bench/page/snapshot.ts', 'saqtaSnapshot');
    const singleFile = await bundleForPage('bench/peers/singlefile.ts', 'singleFilePeer');
    const pages = [
      { name: 'seed article', url: `${ctx.server.origin}/seed/index.html` },
      ...largestFixtures(3).map((f) => ({ name: f.name, url: `${ctx.server.origin}/fixtures/readability/${f.name}/source.html` })),
    ];
    const reps = ctx.quick ? 1 : 3;
    const browser = await launchBrowser({ extension: false });
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    try {
      for (const p of pages) {
        const s: (Saved & Record<string, number>)[] = [];
        const sf: Saved[] = [];
        let own = { bytes: 0, requests: 0 };
        let sfError: string | undefined;
        // A fresh load for every save: neither tool sees the other's work.
        for (let i = 0; i < reps; i++) {
          const page = await browser.newPage();
          const call = await openWith(page, p.url, saqta);
          own = await call('pageResources');
          s.push(await call('saqta'));
          await page.close();
          const page2 = await browser.newPage();
          try {
            const call2 = await openWith(page2, p.url, singleFile);
            sf.push(await call2<Saved>('save'));
          } catch (err) {
            sfError = err instanceof Error ? err.message.split('\n')[0] : String(err);
          } finally {
            await page2.close();
          }
        }
        const ms = median(s.map((x) => x.ms));
        const bytes = median(s.map((x) => x.bytes));
        ctx.log(`  ${p.name}: Saqta ${round(ms)} ms, ${round(bytes / 1024)} KB; SingleFile ${sf.length ? `${round(median(sf.map((x) => x.ms)))} ms, ${round(median(sf.map((x) => x.bytes)) / 1024)} KB` : `failed: ${sfError}`}; page loaded ${round(own.bytes / 1024)} KB in ${own.requests} requests`);
        details[p.name] = { saqta: s, singleFile: sf, singleFileError: sfError, pageResources: own };
        if (sf.length) {
          figures.push(
            figure({ suite: 'snapshot', measure: 'time to save', on: p.name, unit: 'ms', saqta: round(ms, 1), peer: 'SingleFile core', peerValue: round(median(sf.map((x) => x.ms)), 1), note: `median of ${reps}; Saqta serialize ${round(median(s.map((x) => x.serializeMs)))} ms + inline ${round(median(s.map((x) => x.inlineMs)))} ms` }),
            figure({ suite: 'snapshot', measure: 'saved file size', on: p.name, unit: 'KB', saqta: round(bytes / 1024, 1), peer: 'SingleFile core', peerValue: round(median(sf.map((x) => x.bytes)) / 1024, 1) }),
          );
        }
        figures.push(figure({ suite: 'snapshot', measure: 'saved file size', on: p.name, unit: 'KB', saqta: round(bytes / 1024, 1), peer: "page's own resources (decoded)", peerValue: round(own.bytes / 1024, 1), note: `${own.requests} requests` }));
      }
      const limit = await largestSaved(ctx, browser, saqta, singleFile);
      details.largest = limit;
      figures.push(figure({ suite: 'snapshot', measure: 'largest page saved without failing', on: 'guardian-1 body repeated', unit: 'MB', saqta: limit.saqta, peer: 'SingleFile core', peerValue: limit.singleFile, note: `tried ${limit.tried.join(', ')} MB; each save limited to ${LIMIT_S} s` }));
    } finally {
      await browser.close();
    }
    return { figures, notMeasured: [], details };
  },
};

const LIMIT_S = 90;

/** Pages of growing size (the largest fixture's body repeated), saved by each tool until one fails or times out. */
async function largestSaved(ctx: BenchContext, browser: Browser, saqta: { code: string; global: string }, singleFile: { code: string; global: string }) {
  const base = largestFixtures(1)[0].name;
  const html = readFileSync(join(READABILITY, base, 'source.html'), 'utf8');
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  const head = html.slice(0, html.search(/<body/i));
  const dir = join(ROOT, 'bench', 'tmp', 'pages');
  mkdirSync(dir, { recursive: true });
  const sizes = ctx.quick ? [4] : [4, 16, 32];
  const best = { saqta: 0, singleFile: 0, tried: sizes, errors: {} as Record<string, string> };
  for (const mb of sizes) {
    const copies = Math.max(1, Math.round((mb * 1048576) / body.length));
    writeFileSync(join(dir, `big-${mb}.html`), `${head}<body>${body.repeat(copies)}</body></html>`);
    ctx.server.override(`/bench-pages/big-${mb}.html`, { file: join(dir, `big-${mb}.html`) });
    const url = `${ctx.server.origin}/bench-pages/big-${mb}.html`;
    for (const [tool, bundle, fn] of [['saqta', saqta, 'saqta'], ['singleFile', singleFile, 'save']] as const) {
      if (best[tool] < (sizes[sizes.indexOf(mb) - 1] ?? 0)) continue; // already failed a smaller one
      const page = await browser.newPage();
      try {
        const call = await openWith(page, url, bundle);
        const res = await Promise.race([call<Saved>(fn), new Promise<never>((_, no) => setTimeout(() => no(new Error(`over ${LIMIT_S} s`)), LIMIT_S * 1000))]);
        ctx.log(`  ${mb} MB page: ${tool} saved in ${round(res.ms)} ms, ${round(res.bytes / 1048576, 1)} MB`);
        best[tool] = mb;
      } catch (err) {
        best.errors[`${tool} ${mb} MB`] = err instanceof Error ? err.message.split('\n')[0] : String(err);
        ctx.log(`  ${mb} MB page: ${tool} failed — ${best.errors[`${tool} ${mb} MB`]}`);
      } finally {
        await page.close().catch(() => undefined);
      }
    }
    ctx.server.override(`/bench-pages/big-${mb}.html`, null);
  }
  return best;
}

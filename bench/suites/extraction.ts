/**
 * 3. Extraction: Saqta's save-path extraction (utils/extract) against bare
 * Readability on a clone of the same document, same page, same browser, for
 * the seed article and every Readability fixture.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../lib/browser';
import { bundleForPage } from '../lib/bundle';
import { openWith } from '../lib/page';
import { profileCall, type Hotspot } from '../lib/profile';
import { READABILITY, largestFixtures } from '../lib/paths';
import { median, round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';

interface Timed {
  ms: number;
  ok: boolean;
  chars: number;
}

export const extraction: Suite = {
  id: 'extraction',
  title: 'Extraction vs bare Readability',
  async run(ctx) {
    const bundle = await bundleForPage('bench/page/extraction.ts', 'saqtaExtraction');
    const fixtures = existsSync(READABILITY) ? readdirSync(READABILITY).filter((n) => existsSync(join(READABILITY, n, 'source.html'))).sort() : [];
    const pages = [{ name: 'seed article', url: `${ctx.server.origin}/seed/index.html` }, ...fixtures.map((n) => ({ name: n, url: `${ctx.server.origin}/fixtures/readability/${n}/source.html` }))];
    const reps = ctx.quick ? 2 : 5;
    const browser = await launchBrowser({ extension: false });
    const perPage: Record<string, { saqta: number; readability: number; saqtaOk: boolean; readabilityOk: boolean }> = {};
    const hotspots: Record<string, Hotspot[]> = {};
    const phases: Record<string, unknown> = {};
    try {
      for (const p of pages) {
        const page = await browser.newPage();
        const call = await openWith(page, p.url, bundle);
        await call<Timed>('saqta');
        await call<Timed>('readability');
        const s: Timed[] = [];
        const r: Timed[] = [];
        for (let i = 0; i < reps; i++) {
          if (i % 2) r.push(await call<Timed>('readability'));
          s.push(await call<Timed>('saqta'));
          if (!(i % 2)) r.push(await call<Timed>('readability'));
        }
        if (p.name === 'seed article' || largestFixtures(3).some((f) => f.name === p.name)) {
          hotspots[p.name] = (await profileCall(browser.context, page, () => call('saqtaRepeat', 10))).hotspots;
          const steps = await call<{ saqta: Record<string, number>; readability: Record<string, number> }>('phases', 10);
          phases[p.name] = steps;
          ctx.log(`  ${p.name}: ms per step, Saqta ${JSON.stringify(steps.saqta)}; bare Readability ${JSON.stringify(steps.readability)}`);
        }
        await page.close();
        perPage[p.name] = { saqta: median(s.map((x) => x.ms)), readability: median(r.map((x) => x.ms)), saqtaOk: s[0].ok, readabilityOk: r[0].ok };
      }
    } finally {
      await browser.close();
    }
    const names = Object.keys(perPage);
    const sum = (k: 'saqta' | 'readability', list = names) => list.reduce((t, n) => t + perPage[n][k], 0);
    const ratios = names.map((n) => perPage[n].saqta / perPage[n].readability);
    const largest = largestFixtures(3).map((f) => f.name);
    ctx.log(`  ${names.length} documents: Saqta ${round(sum('saqta'))} ms, Readability ${round(sum('readability'))} ms; median per-page ratio ${round(median(ratios), 2)}`);
    const figures: Figure[] = [
      figure({ suite: 'extraction', measure: 'extract, all documents (sum of medians)', on: `seed + ${fixtures.length} Readability fixtures`, unit: 'ms', saqta: round(sum('saqta'), 1), peer: 'bare Readability (same clone)', peerValue: round(sum('readability'), 1), goal: '≤ 1.1×', met: sum('saqta') / sum('readability') <= 1.1, note: `median of ${reps} per page; median per-page ratio ${round(median(ratios), 2)}×, worst ${round(Math.max(...ratios), 2)}×` }),
      ...['seed article', ...largest].filter((n) => perPage[n]).map((n) =>
        figure({ suite: 'extraction', measure: 'extract one page', on: n, unit: 'ms', saqta: round(perPage[n].saqta, 1), peer: 'bare Readability (same clone)', peerValue: round(perPage[n].readability, 1), goal: '≤ 1.1×', met: perPage[n].saqta / perPage[n].readability <= 1.1 }),
      ),
    ];
    const failed = names.filter((n) => !perPage[n].saqtaOk);
    return { figures, notMeasured: [], details: { reps, perPage, saqtaFoundNoArticle: failed, saqtaHotspots: hotspots, phases } };
  },
};

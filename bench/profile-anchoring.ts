/**
 * Where Saqta's time goes when anchoring on an unchanged page, against the
 * Hypothesis client peer: alternating single passes (a GC before each), then
 * a V8 CPU profile of `--passes` Saqta passes summed by function and line.
 * A development tool for BENCHMARKS.md's anchoring notes, not a suite.
 *
 *   vite-node bench/profile-anchoring.ts -- [--page guardian-1] [--passes 20] [--tool saqta]
 */
import { launchBrowser } from './lib/browser';
import { bundleForPage } from './lib/bundle';
import { openWith } from './lib/page';
import { FIXTURE_MOUNTS } from './lib/paths';
import { median, round } from './lib/stats';
import { startServer } from '../scripts/server.mjs';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  positionTicks?: { line: number; ticks: number }[];
}

async function main() {
  const name = arg('page', 'guardian-1');
  const n = Number(arg('passes', '20'));
  const tool = arg('tool', 'saqta');
  const server = await startServer(FIXTURE_MOUNTS);
  const browser = await launchBrowser({ extension: false });
  try {
    const bundle = await bundleForPage('bench/page/anchoring.ts', 'saqtaAnchoring');
    const page = await browser.newPage();
    const call = await openWith(page, `${server.origin}/fixtures/readability/${name}/source.html`, bundle);
    const cdp = await browser.context.newCDPSession(page);
    await call('prepare', 1000, 42);
    const times: Record<string, number[]> = { saqta: [], 'hypothesis-position': [] };
    for (let i = 0; i < n; i++) {
      for (const t of Object.keys(times)) {
        await cdp.send('HeapProfiler.collectGarbage');
        times[t].push(...(await call<number[]>('passes', t, 1)));
      }
    }
    for (const [t, ms] of Object.entries(times)) console.log(`${t}: median ${round(median(ms), 2)} ms, min ${round(Math.min(...ms), 2)} (${ms.map((x) => round(x, 1)).join(' ')})`);
    const split = [];
    const coldSplit = [];
    for (let i = 0; i < n; i++) {
      await cdp.send('HeapProfiler.collectGarbage');
      coldSplit.push(await call<{ textMapMs: number; matchMs: number }>('profileSaqta'));
    }
    console.log(`saqta split after a GC: text map ${round(median(coldSplit.map((s) => s.textMapMs)), 2)} ms, anchorAll ${round(median(coldSplit.map((s) => s.matchMs)), 2)} ms`);
    for (let i = 0; i < n; i++) split.push(await call<{ textMapMs: number; matchMs: number }>('profileSaqta'));
    console.log(`saqta split back to back: text map ${round(median(split.map((s) => s.textMapMs)), 2)} ms, anchorAll ${round(median(split.map((s) => s.matchMs)), 2)} ms`);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await cdp.send('Profiler.start');
    await call('passes', tool, n);
    const { profile } = await cdp.send('Profiler.stop');
    const nodes = profile.nodes as ProfileNode[];
    const byId = new Map(nodes.map((x) => [x.id, x]));
    const self = new Map<number, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
    const byFn = new Map<string, number>();
    const byLine = new Map<string, number>();
    let total = 0;
    for (const [id, ms] of self) {
      const x = byId.get(id)!;
      const f = x.callFrame;
      if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
      total += ms;
      const key = `${f.functionName || '(anon)'} @${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      byFn.set(key, (byFn.get(key) ?? 0) + ms);
      const ticks = x.positionTicks ?? [];
      const all = ticks.reduce((s, t) => s + t.ticks, 0);
      for (const t of ticks) byLine.set(`${f.functionName} line ${t.line}`, (byLine.get(`${f.functionName} line ${t.line}`) ?? 0) + (ms * t.ticks) / all);
    }
    console.log(`profile of ${n} ${tool} passes: ${round(total, 1)} ms (${round(total / n, 2)} ms a pass)`);
    for (const [k, ms] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${round(ms / n, 3)} ms/pass  ${round((100 * ms) / total, 1)}%  ${k}`);
    console.log('lines:');
    for (const [k, ms] of [...byLine].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${round(ms / n, 3)} ms/pass  ${k}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

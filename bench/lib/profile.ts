/**
 * Where time goes: a V8 CPU profile (CDP Profiler) of one call in a page,
 * summed by function into self time, the top few kept for BENCHMARKS.md.
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface Hotspot {
  fn: string;
  /** Script file name and line, shortened. */
  at: string;
  selfMs: number;
  share: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export async function profileCall<T>(context: BrowserContext, page: Page, call: () => Promise<T>, top = 8): Promise<{ result: T; hotspots: Hotspot[] }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const result = await call();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  const nodes = profile.nodes as ProfileNode[];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  const byFn = new Map<string, Hotspot>();
  let total = 0;
  for (const [id, ms] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
    total += ms;
    const key = `${f.functionName || '(anonymous)'}@${f.url}:${f.lineNumber}`;
    const h = byFn.get(key) ?? { fn: f.functionName || '(anonymous)', at: `${f.url.split('/').pop() || '(native)'}:${f.lineNumber + 1}`, selfMs: 0, share: 0 };
    h.selfMs += ms;
    byFn.set(key, h);
  }
  const hotspots = [...byFn.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
    .map((h) => ({ ...h, selfMs: Math.round(h.selfMs * 10) / 10, share: Math.round((1000 * h.selfMs) / total) / 10 }));
  return { result, hotspots };
}

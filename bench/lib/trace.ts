/**
 * Chromium performance traces over CDP, and the two numbers the benchmarks
 * read from them: the page renderer's main-thread busy time, and the part of
 * it spent in extension scripts (content scripts run in the page's renderer,
 * on its main thread, in an isolated world).
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { data?: { url?: string; frame?: string }; beginData?: { url?: string }; name?: string; fileName?: string };
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'v8'];

/** Navigate `page` to `url` while tracing; keep tracing `settleMs` after load (content scripts run at document_idle). */
export async function traceNavigation(context: BrowserContext, page: Page, url: string, settleMs = 1000): Promise<TraceEvent[]> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' });
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  await page.waitForTimeout(settleMs);
  const complete = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  return events;
}

/** The main thread of the renderer that parsed `url`. */
export function pageMainThread(events: TraceEvent[], url: string): { pid: number; tid: number } | null {
  const parse = events.find((e) => e.name === 'ParseHTML' && e.args?.beginData?.url === url);
  if (!parse) return null;
  return { pid: parse.pid, tid: parse.tid };
}

/** Sum of top-level task durations on a thread, in ms (wall clock). */
export function mainThreadBusyMs(events: TraceEvent[], thread: { pid: number; tid: number }): number {
  return outermost(events.filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X' && e.cat.includes('toplevel')))
    .reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000;
}

/**
 * Sum of top-level task CPU time (thread time) on a thread, in ms: what the
 * thread computed, without the time it waited for a core on a busy machine.
 */
export function mainThreadCpuMs(events: TraceEvent[], thread: { pid: number; tid: number }): number {
  return outermost(events.filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X' && e.cat.includes('toplevel')))
    .reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0), 0) / 1000;
}

/**
 * Time in scripts loaded from chrome-extension:// URLs on that thread: wall and
 * thread (CPU) ms, and CPU ms by kind (EvaluateScript = loading the script and
 * running its top level and main(); FunctionCall = its callbacks afterwards).
 */
export function extensionScriptMs(events: TraceEvent[], thread: { pid: number; tid: number }): { wall: number; cpu: number; byKind: Record<string, number> } {
  const isExtension = (e: TraceEvent) =>
    (e.name === 'EvaluateScript' || e.name === 'FunctionCall' || e.name === 'v8.compile' || e.name === 'v8.run') &&
    (e.args?.data?.url ?? e.args?.fileName ?? '').startsWith('chrome-extension://');
  const spans = outermost(events.filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X' && isExtension(e)));
  const byKind: Record<string, number> = {};
  for (const e of spans) byKind[e.name] = (byKind[e.name] ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000;
  return {
    wall: spans.reduce((s, e) => s + (e.dur ?? 0), 0) / 1000,
    cpu: spans.reduce((s, e) => s + (e.tdur ?? e.dur ?? 0), 0) / 1000,
    byKind,
  };
}

/** Complete events not nested inside another one of the list. */
function outermost(events: TraceEvent[]): TraceEvent[] {
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const out: TraceEvent[] = [];
  let end = -Infinity;
  for (const e of sorted) {
    if (e.ts >= end) {
      out.push(e);
      end = e.ts + (e.dur ?? 0);
    }
  }
  return out;
}

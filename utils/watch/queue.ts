/**
 * Running many checks without flooding a site or the browser: at most
 * `concurrency` at once, and at most one request to a host every
 * `perHostGapMs` (the next article of a host that was just asked waits, and
 * an article of another host goes first). Pure (timers only).
 */
interface QueueOptions {
  concurrency: number;
  perHostGapMs: number;
  /** Stop starting new work (already started work finishes). */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface QueueStats {
  done: number;
  maxActive: number;
  /** Shortest time between two starts on the same host (Infinity with one per host). */
  minHostGapMs: number;
}

export async function runQueue<T>(items: T[], hostOf: (item: T) => string, work: (item: T) => Promise<void>, opts: QueueOptions): Promise<QueueStats> {
  const now = opts.now ?? (() => Date.now());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const concurrency = Math.max(1, opts.concurrency | 0);
  // One FIFO per host; hosts taken round-robin by when they are next allowed.
  const queues = new Map<string, T[]>();
  for (const item of items) {
    const h = hostOf(item);
    const q = queues.get(h);
    if (q) q.push(item);
    else queues.set(h, [item]);
  }
  const nextAt = new Map<string, number>();
  const lastStart = new Map<string, number>();
  const busyHost = new Set<string>();
  const stats: QueueStats = { done: 0, maxActive: 0, minHostGapMs: Infinity };
  let active = 0;

  const take = (): { host: string; item: T } | { wait: number } | null => {
    let best: string | null = null;
    let bestAt = Infinity;
    for (const [h, q] of queues) {
      if (!q.length || busyHost.has(h)) continue;
      const at = nextAt.get(h) ?? 0;
      if (at < bestAt) {
        best = h;
        bestAt = at;
      }
    }
    if (best === null) return null;
    const wait = bestAt - now();
    if (wait > 0) return { wait };
    const item = queues.get(best)!.shift()!;
    if (!queues.get(best)!.length) queues.delete(best);
    return { host: best, item };
  };

  const lane = async (): Promise<void> => {
    for (;;) {
      if (opts.signal?.aborted) return;
      const next = take();
      if (next === null) {
        // Nothing startable: either all done, or the rest waits for a busy host.
        if (![...queues.values()].some((q) => q.length)) return;
        await sleep(Math.max(10, Math.min(opts.perHostGapMs, 250)));
        continue;
      }
      if ('wait' in next) {
        await sleep(next.wait);
        continue;
      }
      const { host, item } = next;
      const t = now();
      const prev = lastStart.get(host);
      if (prev !== undefined) stats.minHostGapMs = Math.min(stats.minHostGapMs, t - prev);
      lastStart.set(host, t);
      nextAt.set(host, t + opts.perHostGapMs);
      busyHost.add(host);
      active++;
      stats.maxActive = Math.max(stats.maxActive, active);
      try {
        await work(item);
      } catch {
        // A failed check is recorded by the worker itself; the queue goes on.
      } finally {
        active--;
        busyHost.delete(host);
        stats.done++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return stats;
}

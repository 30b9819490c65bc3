/**
 * Give the page a turn: long imports run in slices that yield, so the
 * library never freezes (no task longer than a slice). `yieldToPage()` yields
 * always; `sliceYield()` makes a function that yields only once `ms` have
 * passed since the last yield (cheap to call per entry).
 *
 * A macrotask, not a microtask (awaiting a resolved promise lets nothing
 * else run): `scheduler.yield()` where the platform has it, else a
 * MessageChannel message (not throttled in background tabs like setTimeout),
 * else setTimeout (Node).
 */
/** In a worker nothing waits for a turn: no yields at all. */
const inWorker = typeof window === 'undefined' && typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';

function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  if (typeof MessageChannel === 'function' && typeof window !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** A function to call often: it yields when `ms` have passed since the last yield. */
export function sliceYield(ms = 15): () => Promise<void> | void {
  let last = now();
  return () => {
    if (inWorker) return;
    if (now() - last < ms) return;
    return yieldToPage().then(() => {
      last = now();
    });
  };
}

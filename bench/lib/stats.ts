/** Small statistics over timing samples. */

export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** Nearest-rank quantile (q in 0..1) of a non-empty sample. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A seeded PRNG (mulberry32) so every run picks the same claims and mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Paired samples (with, without) of the same measure taken alternately: the
 * ratio of their means and a 95% bootstrap confidence interval of it
 * (resampling the pairs, seeded: the same samples give the same interval).
 */
export function pairedRatio(on: number[], off: number[], resamples = 4000): { ratio: number; low: number; high: number; diffMedian: number } {
  const n = Math.min(on.length, off.length);
  const mean = (xs: number[], idx: number[]) => idx.reduce((s, i) => s + xs[i], 0) / idx.length;
  const all = [...Array(n).keys()];
  const ratio = mean(on, all) / mean(off, all);
  const random = rng(0x5a9a);
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const idx = all.map(() => Math.floor(random() * n));
    ratios.push(mean(on, idx) / mean(off, idx));
  }
  return { ratio, low: quantile(ratios, 0.025), high: quantile(ratios, 0.975), diffMedian: median(all.map((i) => on[i] - off[i])) };
}

/**
 * Runs in the benchmark page: Saqta's extraction (utils/extract: clone, pin
 * shown images, drop furniture, Readability, DOMPurify, text and metadata)
 * against bare Readability on a clone of the same document.
 */
import { Readability } from '@mozilla/readability';
import { extractArticle } from '../../utils/extract';

export function saqta() {
  const t0 = performance.now();
  const article = extractArticle(document, window);
  return { ms: performance.now() - t0, ok: !!article, chars: article?.text.length ?? 0 };
}

export function readability() {
  const t0 = performance.now();
  const parsed = new Readability(document.cloneNode(true) as Document).parse();
  return { ms: performance.now() - t0, ok: !!parsed, chars: parsed?.textContent?.length ?? 0 };
}

/** Saqta's extraction n times (for a CPU profile with enough samples). */
export function saqtaRepeat(n: number) {
  for (let i = 0; i < n; i++) extractArticle(document, window);
}

/** Saqta's extraction n times, the milliseconds of each step summed (utils/extract `phases`), and bare Readability's clone and parse. */
export function phases(n: number) {
  const saqta: Record<string, number> = {};
  for (let i = 0; i < n; i++) extractArticle(document, window, saqta);
  const readability = { clone: 0, parse: 0 };
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const clone = document.cloneNode(true) as Document;
    const t1 = performance.now();
    new Readability(clone).parse();
    readability.clone += t1 - t0;
    readability.parse += performance.now() - t1;
  }
  const per = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round((100 * v) / n) / 100]));
  return { saqta: per(saqta), readability: per(readability) };
}

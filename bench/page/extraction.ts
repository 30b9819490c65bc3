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

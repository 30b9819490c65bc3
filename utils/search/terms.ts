/** What each record contributes to the search index (pure). */
import type { Annotation } from '../annotation';
import type { PageRecord } from '../db';
import { fold, terms } from './fold';

export function annotationTerms(a: Pick<Annotation, 'target' | 'body'>): string[] {
  const quote = a.target?.selector?.find((s) => s.type === 'TextQuoteSelector');
  return terms([quote && 'exact' in quote ? quote.exact : '', a.body?.note ?? '', ...(a.body?.tags ?? [])].join('\n'));
}

export function pageTerms(p: Pick<PageRecord, 'title' | 'siteName' | 'byline' | 'url'>): string[] {
  let host = '';
  try {
    host = new URL(p.url).hostname;
  } catch {
    /* a page without a URL still has a title */
  }
  return terms([p.title ?? '', p.siteName ?? '', p.byline ?? '', host].join('\n'));
}

/**
 * A claim's terms after its tags change, without re-folding its quote and
 * note: the old tags' terms are swapped for the new ones. A removed tag term
 * that may also be a word of the quote or note (its folded text contains it)
 * sends the claim through the full `annotationTerms` instead, so the result
 * is always exactly what `annotationTerms` would give. `tagTerms` may be a
 * memo (the same few tag lists repeat over thousands of claims).
 */
export function retaggedTerms(
  a: Pick<Annotation, 'target' | 'body'> & { terms?: string[] },
  tags: string[],
  tagTerms: (tags: readonly string[]) => string[] = (t) => terms(t.join('\n')),
): string[] {
  const next = { ...a, body: { ...a.body, tags } };
  if (!a.terms) return annotationTerms(next);
  const before = tagTerms(a.body.tags);
  const after = tagTerms(tags);
  const removed = before.filter((t) => !after.includes(t));
  if (removed.length) {
    const quote = a.target?.selector?.find((s) => s.type === 'TextQuoteSelector');
    const text = fold(`${quote && 'exact' in quote ? quote.exact : ''}\n${a.body.note ?? ''}`);
    if (removed.some((t) => text.includes(t))) return annotationTerms(next);
  }
  const out = new Set(a.terms);
  for (const t of removed) out.delete(t);
  for (const t of after) out.add(t);
  return [...out];
}

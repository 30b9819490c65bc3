/** What each record contributes to the search index (pure). */
import type { Annotation } from '../annotation';
import type { PageRecord } from '../records';
import { terms } from './fold';

export function annotationTerms(a: Pick<Annotation, 'target' | 'body'>): string[] {
  const quote = a.target?.selector?.find((s) => s.type === 'TextQuoteSelector');
  return terms([quote && 'exact' in quote ? quote.exact : '', a.body?.note ?? '', ...(a.body?.tags ?? [])].join('\n'));
}

/** A claim's text terms (v50 `claimTerms`): its quote and note; tags are searched by name. */
export function claimTextTerms(a: Pick<Annotation, 'target' | 'body'>): string[] {
  const quote = a.target?.selector?.find((s) => s.type === 'TextQuoteSelector');
  return terms(`${quote && 'exact' in quote ? quote.exact : ''}\n${a.body?.note ?? ''}`);
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

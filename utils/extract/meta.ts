/**
 * Article metadata Readability does not give, or gives only sometimes.
 * Pure DOM: no `browser.*`.
 */
import { canonicalOf } from '../page-meta';

function jsonLd(doc: Document): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  doc.querySelectorAll('script[type="application/ld+json"]').forEach((s) => {
    try {
      const data = JSON.parse(s.textContent ?? '');
      const items = Array.isArray(data) ? data : Array.isArray(data?.['@graph']) ? data['@graph'] : [data];
      for (const item of items) if (item && typeof item === 'object') out.push(item);
    } catch {
      /* a broken block says nothing */
    }
  });
  return out;
}

const metaContent = (doc: Document, selector: string) =>
  doc.querySelector<HTMLMetaElement>(selector)?.getAttribute('content')?.trim() || undefined;

/** Publication time as ISO 8601 (kept with its offset when the page gives one). */
export function publishedTimeOf(doc: Document): string | undefined {
  // In order of trust, each read only when the ones before gave no date (JSON-LD is parsed only then).
  const candidates: (() => (string | undefined)[])[] = [
    () => [metaContent(doc, 'meta[property="article:published_time" i]')],
    () => [metaContent(doc, 'meta[name="article:published_time" i]')],
    () => [metaContent(doc, 'meta[itemprop="datePublished" i]')],
    () => jsonLd(doc).map((i) => (typeof i.datePublished === 'string' ? i.datePublished : undefined)),
    () => [metaContent(doc, 'meta[name="date" i]')],
    () => [metaContent(doc, 'meta[name="dc.date" i]')],
    () => [doc.querySelector('article time[datetime], time[datetime]')?.getAttribute('datetime') ?? undefined],
  ];
  for (const read of candidates) for (const c of read()) if (c && !Number.isNaN(Date.parse(c))) return c.trim();
  return undefined;
}

/** BCP 47 language: <html lang>, then Content-Language, then og:locale, then JSON-LD. */
export function langOf(doc: Document): string | undefined {
  const raw =
    doc.documentElement.getAttribute('lang') ||
    doc.documentElement.getAttribute('xml:lang') ||
    metaContent(doc, 'meta[http-equiv="content-language" i]') ||
    metaContent(doc, 'meta[property="og:locale" i]')?.replace('_', '-') ||
    (jsonLd(doc).map((i) => i.inLanguage).find((l) => typeof l === 'string') as string | undefined);
  const lang = raw?.split(',')[0].trim();
  return lang && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(lang) ? lang.replace(/_/g, '-') : undefined;
}

const RTL_LANGS = /^(ar|arc|dv|fa|ha|he|iw|khw|ks|ku|ps|sd|ur|yi)(-|$)/i;

/** Text direction: explicit dir on <html>/<body>, else from the language. */
export function dirOf(doc: Document, lang?: string): 'ltr' | 'rtl' | undefined {
  const explicit = (doc.documentElement.getAttribute('dir') || doc.body?.getAttribute('dir'))?.toLowerCase();
  if (explicit === 'rtl' || explicit === 'ltr') return explicit;
  if (lang) return RTL_LANGS.test(lang) ? 'rtl' : 'ltr';
  return undefined;
}

export { canonicalOf };

/** Words in a text, for any script (Kazakh, Chinese, Arabic…): Intl.Segmenter when present. */
/** Scripts written without spaces between words: only a dictionary segmenter can count their words. */
const UNSPACED = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
/** A word as Intl.Segmenter counts one in spaced scripts: letters and digits, joined by an apostrophe or a point. */
const WORD = /[\p{L}\p{N}\p{M}]+(?:['’.][\p{L}\p{N}\p{M}]+)*/gu;

export function countWords(text: string, lang?: string): number {
  const Seg = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Seg && UNSPACED.test(text)) {
    let n = 0;
    for (const s of new Seg(lang || undefined, { granularity: 'word' }).segment(text)) if (s.isWordLike) n++;
    return n;
  }
  // One native global match (the engine loops, not JavaScript): the same words the exec loop counted.
  return text.match(WORD)?.length ?? 0;
}

/** Direction to show text in: what the page stated, else what its language writes in. */
export function dirForLang(lang?: string, stated?: 'ltr' | 'rtl'): 'ltr' | 'rtl' {
  if (stated) return stated;
  return lang && RTL_LANGS.test(lang) ? 'rtl' : 'ltr';
}

/** The author a page names: meta author, article:author (a name, not a URL), JSON-LD author, rel=author. */
export function authorOf(doc: Document): string | undefined {
  const notUrl = (s: string | undefined) => (s && !/^https?:\/\//i.test(s) ? s : undefined);
  const fromLd = () => {
    for (const item of jsonLd(doc)) {
      const a = item.author as unknown;
      const list = Array.isArray(a) ? a : [a];
      const names = list.map((x) => (typeof x === 'string' ? x : x && typeof x === 'object' ? (x as { name?: unknown }).name : undefined)).filter((x): x is string => typeof x === 'string' && !!x.trim());
      if (names.length) return names.join(', ');
    }
    return undefined;
  };
  return (
    notUrl(metaContent(doc, 'meta[name="author" i]')) ||
    notUrl(metaContent(doc, 'meta[property="article:author" i]')) ||
    fromLd() ||
    doc.querySelector('[rel~="author" i]')?.textContent?.replace(/\s+/g, ' ').trim() ||
    undefined
  );
}

/** What an open page states about itself, for a citation before it is saved. */
export function liveMetaOf(doc: Document): { title?: string; siteName?: string; byline?: string; publishedTime?: string; canonicalUrl?: string } {
  return {
    title: doc.title.trim() || undefined,
    siteName: metaContent(doc, 'meta[property="og:site_name" i]'),
    byline: authorOf(doc),
    publishedTime: publishedTimeOf(doc),
    canonicalUrl: canonicalOf(doc) ?? undefined,
  };
}

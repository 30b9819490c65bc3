/**
 * Article extraction: Mozilla Readability on a clone of the document, plus
 * the metadata Readability leaves out, the sanitized HTML and the images the
 * reader saw. Pure DOM (no `browser.*`): runs in the injected capture script
 * on the live page and in Node tests under jsdom.
 */
import { Readability } from '@mozilla/readability';
import { pinShownImages, imageUrls } from './images';
import { canonicalOf, countWords, dirOf, langOf, publishedTimeOf } from './meta';
import { sanitizeArticle } from './sanitize';

export interface ExtractedArticle {
  title: string;
  byline?: string;
  siteName?: string;
  lang?: string;
  dir?: 'ltr' | 'rtl';
  /** ISO 8601 as the page states it. */
  publishedTime?: string;
  canonicalUrl?: string;
  excerpt?: string;
  wordCount: number;
  /** Sanitized article HTML; image src are absolute URLs of what was shown. */
  html: string;
  /** Plain text of the article (paragraphs separated by blank lines). */
  text: string;
  /** Distinct image URLs of the article, in order. */
  images: string[];
}

/**
 * Page furniture that Readability keeps because it looks like content:
 * download widgets are buttons; cookie banners are not the article.
 */
const FURNITURE = ['[class~="media-download" i]', '[class*="cookie-banner" i]', '[id*="cookie-banner" i]'];

const PULL_QUOTES = '[class*="pullquote" i], [class*="pull-quote" i], [class*="pull_quote" i]';

const bare = (s: string) =>
  s
    .toLocaleLowerCase()
    .replace(/[\s"'“”„«»‘’‹›]+/g, ' ')
    .trim();

/** Drop pull quotes whose words the body says anyway (they would read twice). */
function dropRepeatedPullQuotes(doc: Document): void {
  const quotes = [...doc.querySelectorAll(PULL_QUOTES)];
  if (!quotes.length) return;
  const body = doc.body.cloneNode(true) as HTMLElement;
  body.querySelectorAll(`${PULL_QUOTES}, script, style, template, noscript`).forEach((q) => q.remove());
  const all = bare(body.textContent ?? '');
  for (const q of quotes) {
    const text = bare(q.textContent ?? '');
    if (text && all.includes(text)) q.remove();
  }
}

const BLOCK = /^(P|H[1-6]|LI|BLOCKQUOTE|PRE|FIGCAPTION|FIGURE|TD|TH|TR|DT|DD|DIV|SECTION|ARTICLE|UL|OL|DL|TABLE|HR|BR|HEADER|FOOTER|ASIDE)$/;

/**
 * The text of article HTML, one paragraph (block) per entry, white space
 * folded: what the reader reads, in order. Every character of text is kept.
 */
export function paragraphsOf(root: Node): string[] {
  const out: string[] = [];
  let cur = '';
  const flush = () => {
    const t = cur.replace(/\s+/g, ' ').trim();
    if (t) out.push(t);
    cur = '';
  };
  const walk = (n: Node) => {
    if (n.nodeType === 3) {
      cur += n.nodeValue ?? '';
      return;
    }
    if (n.nodeType !== 1 && n.nodeType !== 11 && n.nodeType !== 9) return;
    const block = n.nodeType === 1 && BLOCK.test((n as Element).tagName);
    if (block) flush();
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
    if (block) flush();
  };
  walk(root);
  flush();
  return out;
}

export function extractArticle(doc: Document, win: Window & typeof globalThis): ExtractedArticle | null {
  const base = doc.baseURI;
  const clone = doc.cloneNode(true) as Document;
  pinShownImages(doc, clone, base);
  for (const sel of FURNITURE) {
    try {
      clone.querySelectorAll(sel).forEach((el) => {
        // Never drop the article itself.
        if (!el.closest('html') || el === clone.body || el === clone.documentElement) return;
        if ((el.textContent ?? '').length > 2000) return;
        el.remove();
      });
    } catch {
      /* a selector this DOM does not support */
    }
  }
  dropRepeatedPullQuotes(clone);
  const parsed = new Readability(clone, { keepClasses: false }).parse();
  if (!parsed || !parsed.content) return null;

  const html = sanitizeArticle(parsed.content, win);
  const holder = doc.implementation.createHTMLDocument('');
  holder.body.innerHTML = html;
  const paragraphs = paragraphsOf(holder.body);
  const text = paragraphs.join('\n\n');
  const lang = parsed.lang || langOf(doc);
  const rdir = parsed.dir?.toLowerCase();
  // Only the direction the page states; views infer one from the language (see dirOf).
  const dir = rdir === 'rtl' || rdir === 'ltr' ? rdir : dirOf(doc);
  const clean = (s: string | null | undefined) => s?.replace(/[ \t\r\n\f]+/g, " ").trim() || undefined;

  return {
    title: clean(parsed.title) ?? clean(doc.title) ?? '',
    byline: clean(parsed.byline),
    siteName: clean(parsed.siteName),
    lang,
    dir,
    publishedTime: clean(parsed.publishedTime) ?? publishedTimeOf(doc),
    canonicalUrl: canonicalOf(doc) ?? undefined,
    excerpt: clean(parsed.excerpt),
    wordCount: countWords(text, lang),
    html,
    text,
    images: imageUrls(holder.body),
  };
}

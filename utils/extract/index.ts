/**
 * Article extraction: Mozilla Readability on a clone of the document, plus
 * the metadata Readability leaves out, the sanitized HTML and the images the
 * reader saw. Pure DOM (no `browser.*`): runs in the injected capture script
 * on the live page and in Node tests under jsdom.
 */
import { Readability } from '@mozilla/readability';
import { pinShownImages, imageUrls } from './images';
import { canonicalOf, countWords, dirOf, langOf, publishedTimeOf } from './meta';
import { sanitizeArticleToBody } from './sanitize';

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
const FURNITURE = '[class~="media-download" i], [class*="cookie-banner" i], [id*="cookie-banner" i]';

const PULL_QUOTES = '[class*="pullquote" i], [class*="pull-quote" i], [class*="pull_quote" i]';

const bare = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s"'“”„«»‘’‹›]+/g, ' ')
    .trim();

/**
 * Drop pull quotes whose words the body says anyway (they would read twice).
 * The body's text is read once, natively (`textContent`), with the pull
 * quotes and script/style/template/noscript elements set aside for that read
 * (each swapped for an empty placeholder and put back): the same text a walk
 * of the body's text nodes skipping them would give, without walking in
 * JavaScript and without a second clone of the page.
 */
function dropRepeatedPullQuotes(doc: Document, quotes: Element[]): void {
  if (!quotes.length || !doc.body) return;
  const aside = new Set<Element>(quotes);
  for (const el of doc.body.querySelectorAll('script, style, template, noscript')) aside.add(el);
  // Outermost only: an element inside another set-aside one goes with it.
  const outer = [...aside].filter((el) => {
    for (let up = el.parentElement; up; up = up.parentElement) if (aside.has(up)) return false;
    return el !== doc.body && el.parentNode;
  });
  const holes = outer.map((el) => {
    const hole = doc.createComment('');
    el.replaceWith(hole);
    return hole;
  });
  const all = bare(doc.body.textContent ?? '');
  outer.forEach((el, i) => holes[i].replaceWith(el));
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

/**
 * `phases`: when given, the milliseconds each step took are added to it (the
 * extraction bench reads where the time beyond Readability goes).
 */
export function extractArticle(doc: Document, win: Window & typeof globalThis, phases?: Record<string, number>): ExtractedArticle | null {
  let t = phases ? performance.now() : 0;
  const lap = phases
    ? (name: string) => {
        const now = performance.now();
        phases[name] = (phases[name] ?? 0) + now - t;
        t = now;
      }
    : () => undefined;
  const base = doc.baseURI;
  const clone = doc.cloneNode(true) as Document;
  lap('clone');
  pinShownImages(doc, clone, base);
  lap('images');
  // Furniture and pull quotes in one pass over the clone.
  const quotes: Element[] = [];
  let found: Element[] = [];
  try {
    found = [...clone.querySelectorAll(`${FURNITURE}, ${PULL_QUOTES}`)];
  } catch {
    /* a selector this DOM does not support */
  }
  for (const el of found) {
    if (el.matches(PULL_QUOTES)) {
      quotes.push(el);
      continue;
    }
    // Never drop the article itself.
    if (!el.closest('html') || el === clone.body || el === clone.documentElement) continue;
    if ((el.textContent ?? '').length > 2000) continue;
    el.remove();
  }
  lap('furniture');
  dropRepeatedPullQuotes(clone, quotes.filter((q) => q.closest('html')));
  lap('pullQuotes');
  // Classes are dropped by the sanitizer anyway (FORBID_ATTR): Readability need not strip them.
  const parsed = new Readability(clone, { keepClasses: true }).parse();
  lap('readability');
  if (!parsed || !parsed.content) return null;

  // Sanitized once, read as a DOM (its text and images) and serialized once.
  const holder = sanitizeArticleToBody(parsed.content, win);
  lap('sanitize');
  const html = holder.innerHTML;
  lap('serialize');
  const paragraphs = paragraphsOf(holder);
  const text = paragraphs.join('\n\n');
  lap('text');
  const lang = parsed.lang || langOf(doc);
  const rdir = parsed.dir?.toLowerCase();
  // Only the direction the page states; views infer one from the language (see dirOf).
  const dir = rdir === 'rtl' || rdir === 'ltr' ? rdir : dirOf(doc);
  const clean = (s: string | null | undefined) => s?.replace(/[ \t\r\n\f]+/g, " ").trim() || undefined;

  const publishedTime = clean(parsed.publishedTime) ?? publishedTimeOf(doc);
  const canonicalUrl = canonicalOf(doc) ?? undefined;
  lap('meta');
  const wordCount = countWords(text, lang);
  lap('words');
  const images = imageUrls(holder);
  lap('imageUrls');
  return {
    title: clean(parsed.title) ?? clean(doc.title) ?? '',
    byline: clean(parsed.byline),
    siteName: clean(parsed.siteName),
    lang,
    dir,
    publishedTime,
    canonicalUrl,
    excerpt: clean(parsed.excerpt),
    wordCount,
    html,
    text,
    images,
  };
}

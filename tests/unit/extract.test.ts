// @vitest-environment node
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { Readability } from '@mozilla/readability';
import { describe, expect, it } from 'vitest';
import { extractArticle, paragraphsOf } from '../../utils/extract';


import { SEED, READABILITY } from '../paths';
const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
const foldAscii = (s: string) => s.replace(/[ \t\r\n\f]+/g, ' ').trim();

function load(file: string, url: string) {
  const dom = new JSDOM(readFileSync(file, 'utf8'), { url });
  return { doc: dom.window.document, win: dom.window as unknown as Window & typeof globalThis };
}

describe('extraction of the seed article', () => {
  const url = 'http://127.0.0.1:8080/seed/index.html';
  const { doc, win } = load(join(SEED, 'index.html'), url);
  const a = extractArticle(doc, win)!;
  const holder = new JSDOM(`<body>${a.html}</body>`).window.document.body;

  it('gives the metadata named in the fixture README', () => {
    expect(a.title).toBe('"Мақсат – кінәлау емес". Тоқаев сапары және Еуроодаққа хат: құқық қорғаушы Роза Ақылбековамен сұхбат');
    expect(a.byline).toBe('Мәншүк Асаутай');
    expect(a.siteName).toBe('Азаттық радиосы');
    expect(a.lang).toBe('kk');
    expect(a.dir).toBe('ltr');
    expect(a.publishedTime?.slice(0, 10)).toBe('2026-06-24');
    expect(a.canonicalUrl).toBe('https://news.example.kz/a/maqsat-kinalau-emes/33456789.html');
    expect(a.excerpt).toContain('Құқық қорғау ұйымдары');
    expect(a.wordCount).toBeGreaterThan(1200);
    expect(a.wordCount).toBeLessThan(2000);
  });

  it('keeps every body paragraph, in order, as the site printed it (source.txt)', () => {
    const source = fold(readFileSync(join(SEED, 'source.txt'), 'utf8'));
    const expected = [...doc.querySelectorAll('.article-body > p')].map((p) => fold(p.textContent!));
    expect(expected.length).toBeGreaterThan(20);
    const got = [...holder.querySelectorAll('p')].map((p) => fold(p.textContent!));
    expect(got).toEqual(expected);
    let at = 0;
    for (const p of got) {
      const i = source.indexOf(p, at);
      expect(i, `paragraph not in source.txt in order: ${p.slice(0, 60)}`).toBeGreaterThanOrEqual(at);
      at = i + p.length;
    }
    // The lead opens the text; the last paragraph closes it.
    expect(a.text.startsWith(expected[0])).toBe(true);
    expect(a.text.trimEnd().endsWith(expected.at(-1)!)).toBe(true);
  });

  it('keeps the three article images (the srcset one and the two loaded late), not the related thumbnails', () => {
    expect(a.images).toEqual([
      'http://127.0.0.1:8080/seed/img/brussels-meeting.png',
      'http://127.0.0.1:8080/seed/img/akylbekova-2021.png',
      'http://127.0.0.1:8080/seed/img/lazy-roundtable.png',
    ]);
    expect(holder.querySelectorAll('img[srcset], img[data-src]').length).toBe(0);
    expect(holder.querySelectorAll('figcaption').length).toBe(3);
  });

  it('leaves out the page furniture', () => {
    for (const furniture of [
      'Жаңалықтар', // navigation
      'СОҢҒЫ ЖАҢАЛЫҚ', // ticker
      'Facebook', // share buttons
      'ОҚИ ОТЫРЫҢЫЗ', // read also
      'Оқ атады деп ешкім ойламады',
      'Жүктеп алу', // download widget
      'Пікірлер', // comments
      'Өте маңызды сұхбат',
      'ЕҢ КӨП ОҚЫЛҒАН', // sidebar
      'Біз туралы', // footer
      'cookie', // banner
      'Тегтер',
    ]) {
      expect(a.html, furniture).not.toContain(furniture);
    }
    // Pull quotes repeat body sentences; the sentence stays once, in its paragraph.
    expect(a.text.split('Егер бұл мәселелерді біз көтермесек').length - 1).toBe(1);
  });

  it('prefers what the live page shows: currentSrc and the src a lazy loader set', () => {
    const live = load(join(SEED, 'index.html'), url);
    const imgs = live.doc.querySelectorAll('img');
    // The site's lazy loader ran: src replaced on the two late images.
    live.doc.querySelectorAll('img[data-src]').forEach((img) => img.setAttribute('src', img.getAttribute('data-src')!));
    // The browser picked a srcset candidate other than src.
    Object.defineProperty(imgs[1], 'currentSrc', { value: 'http://127.0.0.1:8080/seed/img/brussels-meeting@2x.png' });
    const b = extractArticle(live.doc, live.win)!;
    expect(b.images[0]).toBe('http://127.0.0.1:8080/seed/img/brussels-meeting@2x.png');
    expect(b.images).toHaveLength(3);
    // The live document is not touched.
    expect(imgs[1].getAttribute('srcset')).toBe('img/brussels-meeting.png 640w');
  });

  it('keeps a pull quote the body does not say (its words only in a script or in another pull quote), drops one it says', () => {
    const body = 'The council met on Tuesday and agreed that the new bridge would open in the spring after the inspection. ';
    const page = new JSDOM(
      `<html lang="en"><head><title>T</title><script type="application/ld+json">{"articleBody": "Only the script says this sentence about the harbour."}</script></head>` +
        `<body><article><h1>T</h1><p>${body.repeat(6)}</p>` +
        `<blockquote class="pull-quote">“the new bridge would open in the spring”</blockquote>` +
        `<p>${body.repeat(5)}<script>var s = "Nobody in the text says the ferry stops in March";</script></p>` +
        `<blockquote class="pullquote">Only the script says this sentence about the harbour.</blockquote>` +
        `<blockquote class="pull_quote">Nobody in the text says the ferry stops in March</blockquote>` +
        `</article></body></html>`,
      { url: 'http://example.org/a' },
    );
    const e = extractArticle(page.window.document, page.window as unknown as Window & typeof globalThis)!;
    expect(e.text).not.toContain('“the new bridge');
    expect(e.text).toContain('Only the script says this sentence about the harbour.');
    expect(e.text).toContain('Nobody in the text says the ferry stops in March');
    // The page itself is left as it was.
    expect(page.window.document.querySelectorAll('blockquote, script').length).toBe(5);
  });

  it('sanitizes: no script, handler, style or javascript: URL survives', () => {
    const hostile = new JSDOM(
      `<html lang="en"><head><title>T</title></head><body><article><h1>T</h1>` +
        `<p>First paragraph with enough words to count as an article body, repeated. `.repeat(8) +
        `<img src="x.png" onerror="alert(1)"><a href="javascript:alert(2)">link</a><span style="background:url(http://evil/)">s</span></p>` +
        `<script>alert(3)</script><p>Second paragraph, also long enough to be kept by Readability as content. `.repeat(6) +
        `<iframe src="http://evil/"></iframe></p></article></body></html>`,
      { url: 'http://example.org/a' },
    );
    const h = extractArticle(hostile.window.document, hostile.window as unknown as Window & typeof globalThis)!;
    expect(h.html).not.toMatch(/onerror|javascript:|<script|<iframe|style=|evil/i);
    expect(h.html).toContain('http://example.org/x.png');
  });
});

describe('extraction of the Readability test pages', () => {
  const dir = READABILITY;
  const names = readdirSync(dir).filter((n) => existsSync(join(dir, n, 'source.html')));
  it('has all 40 Readability pages in the repository', () => expect(names.length).toBeGreaterThanOrEqual(40));
  const FIELDS = ['title', 'byline', 'dir', 'lang', 'siteName'] as const;

  it.each(names)('%s: metadata where bare Readability gets it right, and the same text', (name) => {
    const url = 'http://fakehost/test/page.html';
    const expected = JSON.parse(readFileSync(join(dir, name, 'expected-metadata.json'), 'utf8'));
    const bare = new Readability(load(join(dir, name, 'source.html'), url).doc).parse();
    const { doc, win } = load(join(dir, name, 'source.html'), url);
    const a = extractArticle(doc, win);
    expect(a).not.toBeNull();
    let compared = 0;
    for (const f of FIELDS) {
      if (!(f in expected)) continue;
      const want = expected[f] ?? undefined;
      const bareGot = (bare as Record<string, unknown> | null)?.[f] ?? undefined;
      if (bareGot !== want) continue;
      compared++;
      expect(typeof a![f] === 'string' ? foldAscii(a![f] as string) : a![f], f).toBe(want == null ? undefined : foldAscii(want));
    }
    expect(compared).toBeGreaterThan(0);
    const want = paragraphsOf(new JSDOM(readFileSync(join(dir, name, 'expected.html'), 'utf8')).window.document.body).join(' ');
    expect(fold(a!.text)).toBe(fold(want));
  }, 120_000); // big jsdom pages on a shared machine: generous time, no timing assert
});

// @vitest-environment jsdom
// The position-first step of utils/anchoring (atStoredPosition) and the
// one-call fast path of keyOf: both must only save time, never change where
// a claim lands or what a key is.
import { JSDOM } from 'jsdom';
import { describe as group, expect, it } from 'vitest';
import fc from 'fast-check';
import { anchor, anchorAll, atStoredPosition, buildTextMap, describe } from '../../utils/anchoring';
import { keyOf } from '../../utils/anchoring/normalize';
import type { Selector, TextQuoteSelector } from '../../utils/annotation';

const doc = (body: string) => new JSDOM(`<body>${body}</body>`).window.document;
const ARTICLE = `<h1>Сот шешімі</h1><p>Правозащитник Роза Акылбекова рассказала о письме. The court in Almaty extended the arrest.</p>
<p>Құқық қорғаушы Роза Ақылбекова хат туралы айтты. The court in Almaty extended the arrest.</p><p>Тоқаев Брюссельге барды.</p>`;

/** Selectors for the n-th occurrence of `text` in the page's display text. */
function claimOn(d: Document, text: string, n = 1): Selector[] {
  const map = buildTextMap(d.body);
  let at = -1;
  for (let i = 0; i < n; i++) at = map.text.indexOf(text, at + 1);
  expect(at).toBeGreaterThanOrEqual(0);
  return describe(map, map.range(at, at + text.length));
}

/** The same claim by the search path: its position moved one character on (so the stored position does not hold), hint nearly the same. */
const bySearch = (d: Document, selectors: Selector[]) =>
  anchor(d.body, selectors.map((s) => (s.type === 'TextPositionSelector' ? { ...s, start: s.start + 1, end: s.end + 1 } : s)));

group('position first', () => {
  it('finds an unchanged claim at its stored position, exact and strong, where the search finds it (the second of two equal sentences too)', () => {
    const d = doc(ARTICLE);
    for (const [text, n] of [['The court in Almaty extended the arrest.', 1], ['The court in Almaty extended the arrest.', 2], ['Сот шешімі', 1], ['Тоқаев Брюссельге барды.', 1]] as const) {
      const selectors = claimOn(d, text, n);
      const map = buildTextMap(d.body);
      const here = atStoredPosition(map, selectors);
      expect(here, text).not.toBeNull();
      expect(here).toMatchObject({ quality: 'exact', weak: false, score: 1 });
      const searched = bySearch(d, selectors)!;
      expect(atStoredPosition(map, selectors.map((s) => (s.type === 'TextPositionSelector' ? { ...s, start: s.start + 1, end: s.end + 1 } : s)))).toBeNull();
      expect([here!.start, here!.end]).toEqual([searched.start, searched.end]);
      expect(anchor(map, selectors)!.range.toString()).toBe(text);
    }
  });

  it('does not trust the position when the quote, its prefix or its suffix there differ, or a short context no longer reaches the edge', () => {
    const d = doc(ARTICLE);
    const selectors = claimOn(d, 'The court in Almaty extended the arrest.', 2);
    const quote = selectors.find((s): s is TextQuoteSelector => s.type === 'TextQuoteSelector')!;
    const map = buildTextMap(d.body);
    const swap = (q: Partial<TextQuoteSelector>) => selectors.map((s) => (s.type === 'TextQuoteSelector' ? { ...s, ...q } : s));
    expect(atStoredPosition(map, swap({ exact: quote.exact.replace('court', 'judge') }))).toBeNull();
    expect(atStoredPosition(map, swap({ prefix: `x${quote.prefix!.slice(1)}` }))).toBeNull();
    expect(atStoredPosition(map, swap({ suffix: `${quote.suffix!.slice(0, -1)}x` }))).toBeNull();
    expect(atStoredPosition(map, swap({ prefix: quote.prefix!.slice(-5) }))).toBeNull(); // 5 characters of context: only at the start of the text
    expect(atStoredPosition(map, selectors.filter((s) => s.type === 'TextQuoteSelector'))).toBeNull(); // no position
    // Text inserted above: the stored position now holds other text; the search still finds the claim.
    const edited = doc(`<p>A new first paragraph.</p>${ARTICLE}`);
    const m2 = buildTextMap(edited.body);
    expect(atStoredPosition(m2, selectors)).toBeNull();
    expect(anchor(m2, selectors)!.range.toString()).toBe('The court in Almaty extended the arrest.');
  });

  it('anchorAll: unchanged claims are found in place, and an edit above shifts the rest as before', () => {
    const d = doc(ARTICLE);
    const texts = ['Сот шешімі', 'The court in Almaty extended the arrest.', 'хат туралы айтты', 'Тоқаев Брюссельге барды.'];
    const claims = texts.map((t, i) => ({ id: String(i), selectors: claimOn(d, t, t.startsWith('The court') ? 2 : 1) }));
    const same = anchorAll(d.body, claims);
    texts.forEach((t, i) => expect(same.get(String(i))!.range.toString()).toBe(t));
    const edited = doc(ARTICLE.replace('<p>Құқық', '<p>Жаңа сөйлем. Құқық'));
    const moved = anchorAll(edited.body, claims);
    texts.forEach((t, i) => expect(moved.get(String(i))?.range.toString()).toBe(t));
    expect(atStoredPosition(buildTextMap(edited.body), claims[3]!.selectors)).toBeNull();
  });
});

/** keyOf as it was: one code unit at a time. */
function keyByUnit(display: string): string {
  const fold: Record<string, string> = { '\u201c': '"', '\u00ab': '"', '\u2019': "'", '`': "'", '\u2014': '-', '\u2212': '-' };
  let out = '';
  for (const c of display) {
    if (c.length > 1) {
      out += c; // a surrogate pair: each unit is its own lower case
      continue;
    }
    const f = fold[c] ?? KEY_FOLDED(c);
    if (f) {
      out += f;
      continue;
    }
    const l = c.toLowerCase();
    out += l.length === 1 ? l : c;
  }
  return out;
}
const KEY_FOLDED = (c: string) => (/[\u201d\u201e\u201f\u00bb\u2033\u301d\u301e\uff02]/.test(c) ? '"' : /[\u2018\u201a\u201b\u2039\u203a\u2032\u02bc\uff07\u00b4]/.test(c) ? "'" : /[\u2010-\u2015\ufe58\ufe63\uff0d]/.test(c) ? '-' : '');

group('keyOf', () => {
  it('one call for the whole string gives what one code unit at a time gives (Kazakh, Russian, Greek sigma, İ, astral letters, quotes, dashes)', () => {
    const alphabet = [...'AaӘәҒғҚқҢңӨөҰұҮүҺһІіЁёЯяΣσςİıŞş«»“”‘’—–-`´ ', '\u{10400}', '\u{1D400}', 'ǅ'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), (chars) => {
        const s = chars.join('');
        expect(keyOf(s)).toBe(keyByUnit(s));
        expect(keyOf(s).length).toBe(s.length);
      }),
      { numRuns: 500 },
    );
    expect(keyOf('«Сот» — ҚАЗАҚСТАН')).toBe('"сот" - қазақстан');
  });
});

group('text map', () => {
  it('white-space-only text nodes (indentation, NBSP, Unicode spaces) fold to one gap as before, and ranges round-trip across them', () => {
    const d = doc(`<div>\n  <p>Сот\u00a0<b>шешімі</b>\n\t<i> </i><span>\u2003</span>шықты.</p>\n  <p>\u3000</p><span></span><em>  </em><p>Тоқаев <svg><path></path></svg>барды.</p>\n</div>`);
    const map = buildTextMap(d.body);
    expect(map.text).toBe('Сот шешімі шықты. Тоқаев барды.');
    for (const text of ['шешімі шықты.', 'Сот шешімі', 'шықты. Тоқаев барды.']) {
      const at = map.text.indexOf(text);
      const selectors = describe(map, map.range(at, at + text.length));
      expect(anchor(d.body, selectors)!.range.toString().replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
      expect(atStoredPosition(buildTextMap(d.body), selectors), text).not.toBeNull();
    }
  });
});

group('text map, node kept whole', () => {
  it('every character of the display text maps back to the same character in the DOM, for clean and folded nodes alike', () => {
    const d = doc(`<p>Clean words here</p><p>Two  spaces and\u00a0NBSP</p><p> leading and trailing </p><p>soft\u00adhyphen, zero\u200bwidth</p><div>Сот<b>шешімі</b> жарияланды<i>.</i></div>`);
    const map = buildTextMap(d.body);
    expect(map.text).toBe('Clean words here Two spaces and NBSP leading and trailing softhyphen, zerowidth Сотшешімі жарияланды.');
    for (let i = 0; i < map.text.length; i++) {
      const got = map.range(i, i + 1).toString();
      if (map.text[i] === ' ') expect(got, `at ${i}`).toMatch(/^[\s\u00a0]*$/);
      else expect(got, `at ${i}`).toBe(map.text[i]);
    }
  });
});

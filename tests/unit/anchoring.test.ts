// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { describe as group, expect, it } from 'vitest';
import fc from 'fast-check';
import { anchor, anchorAll, buildTextMap, describe, normalizeText, textFingerprint, type TextMap } from '../../utils/anchoring';
import type { TextQuoteSelector } from '../../utils/annotation';

import { SEED } from '../paths';
const read = (name: string) => readFileSync(join(SEED, name), 'utf8');
const cases = JSON.parse(read('anchors.json')).cases as {
  id: string;
  exact: string;
  occurrence: number;
  onEdited: { text?: string; occurrence?: number; orphan?: boolean };
}[];

const parse = (html: string) => new JSDOM(html).window.document;
const fold = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Display offset of the n-th (1-based) match of `text` in the map, by the fixture's rule (white space folded). */
function nth(map: TextMap, text: string, n: number): number {
  const needle = fold(text);
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = map.text.indexOf(needle, at + 1);
    if (at < 0) return -1;
  }
  return at;
}

/** Which occurrence of `text` starts at display offset `start` (1-based), or 0 if none. */
function occurrenceAt(map: TextMap, text: string, start: number): number {
  const needle = fold(text);
  let n = 0;
  for (let at = map.text.indexOf(needle); at >= 0; at = map.text.indexOf(needle, at + 1)) {
    n++;
    if (at === start) return n;
  }
  return 0;
}

function selectorsFor(c: (typeof cases)[number]) {
  const doc = parse(read('index.html'));
  const map = buildTextMap(doc.body);
  const at = nth(map, c.exact, c.occurrence);
  expect(at, `${c.id}: fixture text present`).toBeGreaterThanOrEqual(0);
  // A range as a selection would give: DOM boundary points, described through the DOM path.
  const range = map.range(at, at + fold(c.exact).length);
  return describe(doc.body, range);
}

group('anchoring the shared seed cases', () => {
  it('describes each case with quote (±32 characters of context) and position', () => {
    for (const c of cases) {
      const sel = selectorsFor(c);
      const quote = sel.find((s): s is TextQuoteSelector => s.type === 'TextQuoteSelector')!;
      expect(fold(quote.exact)).toBe(fold(c.exact));
      expect(quote.prefix.length).toBe(32);
      expect(quote.suffix.length).toBe(32);
      expect(sel.some((s) => s.type === 'TextPositionSelector')).toBe(true);
    }
  });

  for (const page of ['index.html', 'edited.html'] as const) {
    it(`every case lands on its own text or is an orphan on ${page} — zero misplaced`, () => {
      const doc = parse(read(page));
      const map = buildTextMap(doc.body);
      const tally = { landed: 0, orphaned: 0, misplaced: [] as string[] };
      for (const c of cases) {
        const want = page === 'index.html' ? { text: c.exact, occurrence: c.occurrence } : c.onEdited;
        const got = anchor(map, selectorsFor(c));
        if (!got) {
          if (want.orphan) tally.orphaned++;
          else tally.misplaced.push(`${c.id}: orphaned but should land`);
          continue;
        }
        if (want.orphan) {
          tally.misplaced.push(`${c.id}: should be an orphan, landed on “${got.range.toString()}”`);
          continue;
        }
        const text = fold(got.range.toString());
        const occ = occurrenceAt(map, want.text!, got.start);
        if (text === fold(want.text!) && occ === want.occurrence) tally.landed++;
        else tally.misplaced.push(`${c.id}: landed on “${text}” (#${occ}), wanted “${want.text}” #${want.occurrence}`);
      }
      expect(tally.misplaced).toEqual([]);
      const orphansWanted = page === 'index.html' ? 0 : cases.filter((c) => c.onEdited.orphan).length;
      expect(tally).toEqual({ landed: cases.length - orphansWanted, orphaned: orphansWanted, misplaced: [] });
    });
  }

  it('exact matches are strong; fuzzy ones say so', () => {
    const edited = buildTextMap(parse(read('edited.html')).body);
    const typo = anchor(edited, selectorsFor(cases.find((c) => c.id === 'typo-fixed-by-site')!))!;
    expect(typo.quality).toBe('fuzzy');
    const same = anchor(edited, selectorsFor(cases.find((c) => c.id === 'unchanged-sentence')!))!;
    expect(same).toMatchObject({ quality: 'exact', weak: false });
    expect(same.score).toBeGreaterThan(typo.score);
  });

  it('does not lock onto a pull quote while the body sentence is missing: the pull-quote match is weak, and the body wins once it arrives', () => {
    const c = cases.find((x) => x.id === 'repeated-body-not-pullquote')!;
    const sel = selectorsFor(c);
    const doc = parse(read('index.html'));
    // Late content: the body paragraph that holds the sentence has not arrived yet.
    const map0 = buildTextMap(doc.body);
    const bodyAt = nth(map0, c.exact, 2);
    const bodyRange = map0.range(bodyAt, bodyAt + 5);
    const para = (bodyRange.startContainer.parentElement as HTMLElement).closest('p')!;
    const placeholder = doc.createComment('lazy');
    para.replaceWith(placeholder);
    const early = anchor(doc.body, sel)!;
    expect(early.weak).toBe(true);
    placeholder.replaceWith(para);
    const later = anchor(doc.body, sel)!;
    expect(later.weak).toBe(false);
    expect(occurrenceAt(buildTextMap(doc.body), c.exact, later.start)).toBe(2);
  });
});

group('text map', () => {
  it('reads rendered text: skips script/style/hidden, folds white space, treats NBSP, soft hyphens, zero-width characters and quotes as a reader sees them', () => {
    const doc = parse(
      '<body><p>Hello,\u00a0 \n world</p><script>var x = "secret"</script><style>p{}</style><p hidden>gone</p>' +
        '<div style="display:none">none</div><p>jour\u00adnal\u200bist “quoted” — dash</p><ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table></body>',
    );
    const map = buildTextMap(doc.body);
    expect(map.text).toBe('Hello, world journalist “quoted” — dash one two a b');
    expect(normalizeText('JOURNALIST "Quoted" - dash')).toBe(map.key.slice(13, 39));
    // Every character maps back to the DOM character it came from.
    const r = map.range(map.text.indexOf('journalist'), map.text.indexOf('journalist') + 10);
    expect(r.toString()).toBe('jour\u00adnal\u200bist');
  });

  it('finds a quote typed with other quote marks, spaces and soft hyphens', () => {
    const doc = parse('<body><p>He said «саналы бойкот» in Astana.</p></body>');
    const got = anchor(doc.body, [{ type: 'TextQuoteSelector', exact: '"саналы\u00a0бой\u00adкот"', prefix: 'He said ', suffix: ' in' }]);
    expect(got?.range.toString()).toBe('«саналы бойкот»');
    expect(got?.quality).toBe('exact');
  });

  it('ranges across elements (paragraphs, list items, table cells) round-trip', () => {
    const doc = parse('<body><p>First <b>bold</b> para.</p><ul><li>item one</li><li>item two</li></ul><table><tr><td>cell A</td><td>cell B</td></tr></table></body>');
    const map = buildTextMap(doc.body);
    const r = doc.createRange();
    r.setStart(doc.querySelector('b')!.firstChild!, 2);
    r.setEnd(doc.querySelectorAll('td')[1].firstChild!, 4);
    const sel = describe(map, r);
    expect((sel[0] as TextQuoteSelector).exact).toBe('ld para. item one item two cell A cell');
    const back = anchor(parse(doc.documentElement.outerHTML).body, sel)!;
    expect(back.range.toString().replace(/\s+/g, ' ')).toBe('ld para.item oneitem twocell Acell');
    expect(back.quality).toBe('exact');
  });

  it('describes element boundaries (a selection of whole nodes) and ignores white space at the edges', () => {
    const doc = parse('<body><p>One.</p>\n<p>Two words.</p>\n<p>Three.</p></body>');
    const r = doc.createRange();
    r.setStart(doc.body, 1);
    r.setEnd(doc.body, 4);
    expect((describe(doc.body, r)[0] as TextQuoteSelector).exact).toBe('Two words.');
  });

  it('an empty or invisible selection describes nothing', () => {
    const doc = parse('<body><p>text</p><script>code</script></body>');
    const r = doc.createRange();
    r.selectNodeContents(doc.querySelector('script')!);
    expect(describe(doc.body, r)).toEqual([]);
  });
});

group('orphans and weak matches', () => {
  it('a short common word whose context is gone is an orphan, not a random other occurrence', () => {
    const doc = parse('<body><p>маңызды бір. маңызды екі. маңызды үш.</p></body>');
    const got = anchor(doc.body, [
      { type: 'TextQuoteSelector', exact: 'маңызды', prefix: 'Қоғам алдында ашық түрде айту ', suffix: ' екенін ұмытпау керек деп санаймын' },
    ]);
    expect(got).toBeNull();
  });

  it('rewritten text beyond the minimum score is an orphan', () => {
    const doc = parse('<body><p>The minister said the budget would grow next year by a large margin.</p></body>');
    const got = anchor(doc.body, [
      { type: 'TextQuoteSelector', exact: 'The president denied every report about the prison', prefix: '', suffix: '' },
    ]);
    expect(got).toBeNull();
  });

  it('property: random ranges of a real article round-trip exactly on the same page', () => {
    const doc = parse(read('index.html'));
    const map = buildTextMap(doc.body);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: map.text.length - 2 }), fc.integer({ min: 1, max: 300 }), (s, len) => {
        const e = Math.min(map.text.length, s + len);
        const sel = describe(map, map.range(s, e));
        if (sel.length === 0) return true;
        const got = anchor(map, sel)!;
        const quote = sel[0] as TextQuoteSelector;
        return got !== null && map.text.slice(got.start, got.end) === quote.exact && got.quality === 'exact';
      }),
      { numRuns: 300 },
    );
  });
  it('property: on messy markup every display character maps back to itself in the DOM, and back again', () => {
    // Text nodes with runs of spaces, tabs, newlines, NBSP, soft hyphens and zero-width spaces, inline and block
    // elements, empty blocks, hidden ones: the map (runs of one node's code units, virtual spaces at block
    // edges) must give each visible character's own DOM position, and offsetAt must give its index back.
    const piece = fc.oneof(
      fc.constantFrom('word', 'Ünï', 'a b', '  ', ' x ', '\n\t', '\u00a0', 'so\u00adft', 'z\u200bw', 'end.'),
      fc.constantFrom('<b>', '</b>', '<p>', '</p>', '<div>', '</div>', '<br>', '<span hidden>gone</span>', '<li>', '<script>x</script>', '<em style="display:none">no</em>'),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 40 }), (pieces) => {
        const doc = parse(`<body>${pieces.join('')}</body>`);
        const map = buildTextMap(doc.body);
        for (let i = 0; i < map.text.length; i++) {
          const r = map.range(i, i + 1);
          const ch = map.text[i];
          if (r.startContainer.nodeType !== 3) return false;
          const data = (r.startContainer as Text).data;
          if (ch === ' ') {
            // A folded space: white space of the page, or a block edge (the start of the next text node).
            if (!(/\s/.test(data[r.startOffset] ?? '') || r.startOffset === 0)) return false;
            continue;
          }
          if (data[r.startOffset] !== ch || r.endOffset !== r.startOffset + 1) return false;
          if (map.offsetAt(r.startContainer, r.startOffset) !== i) return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });
});

group('batch', () => {
  it('anchors 1,000 claims on a 1 MB page over one text map', () => {
    const doc = parse('<body></body>');
    const words = read('source.txt').split(/\s+/).filter(Boolean);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts: string[] = [];
    let size = 0;
    while (size < 1_000_000) {
      const n = 20 + Math.floor(rnd() * 80);
      const p = Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' ');
      parts.push(`<p>${p}</p>`);
      size += p.length;
    }
    doc.body.innerHTML = parts.join('\n');
    let t0 = performance.now();
    const map = buildTextMap(doc.body);
    const tMap = performance.now() - t0;
    expect(map.text.length).toBeGreaterThan(1_000_000);
    const claims = Array.from({ length: 1000 }, (_, i) => {
      const s = Math.floor(rnd() * (map.text.length - 200));
      return { id: String(i), selectors: describe(map, map.range(s, s + 10 + Math.floor(rnd() * 150))) };
    });
    t0 = performance.now();
    const got = anchorAll(map, claims);
    console.log(`1 MB text map ${tMap.toFixed(0)} ms; anchorAll(1000) ${(performance.now() - t0).toFixed(0)} ms`);
    let exact = 0;
    for (const c of claims) {
      const a = got.get(c.id);
      if (a && map.text.slice(a.start, a.end) === (c.selectors[0] as TextQuoteSelector).exact) exact++;
    }
    expect(exact).toBe(1000);
  }, 240_000); // a 1 MB jsdom document on a shared machine: generous time, no timing assert

  it('puts every fixture case where anchor() puts it, on the article and on its edited copy', () => {
    const claims = cases.map((c) => ({ id: c.id, selectors: selectorsFor(c) }));
    for (const page of ['index.html', 'edited.html']) {
      const map = buildTextMap(parse(read(page)).body);
      const all = anchorAll(map, claims);
      for (const c of claims) {
        const one = anchor(map, c.selectors);
        const got = all.get(c.id);
        expect(got ? [got.start, got.end, got.quality, got.weak] : null, `${page}: ${c.id}`).toEqual(one ? [one.start, one.end, one.quality, one.weak] : null);
      }
    }
  });

  it('on an edited page: claims below a removed paragraph land where their text moved, claims in it are orphans, a moved paragraph is found, an edited sentence is found', () => {
    const words = read('source.txt').split(/\s+/).filter(Boolean);
    const paras = Array.from({ length: 40 }, (_, i) => words.slice(i * 30, i * 30 + 30).join(' '));
    const doc = parse(`<body>${paras.map((p, i) => `<p id="p${i}">${p}</p>`).join('')}</body>`);
    const map0 = buildTextMap(doc.body);
    // Three claims in every paragraph, described on the original page.
    const claims = paras.flatMap((p, i) => {
      const at = map0.text.indexOf(p);
      return [0, 1, 2].map((k) => ({ id: `${i}.${k}`, para: i, selectors: describe(map0, map0.range(at + k * 40, at + k * 40 + 35)) }));
    });
    const quoteOf = (c: (typeof claims)[number]) => normalizeText((c.selectors[0] as TextQuoteSelector).exact);
    // Edits: paragraph 5 removed, paragraph 30 moved to the top, one word changed in paragraph 20.
    doc.getElementById('p5')!.remove();
    doc.body.prepend(doc.getElementById('p30')!);
    const p20 = doc.getElementById('p20')!;
    const firstWord = p20.textContent!.split(' ')[1];
    p20.textContent = p20.textContent!.replace(` ${firstWord} `, ` ${firstWord}x `);
    const map = buildTextMap(doc.body);
    const got = anchorAll(map, claims);
    for (const c of claims) {
      const a = got.get(c.id);
      if (c.para === 5) {
        expect(a, c.id).toBeNull();
        continue;
      }
      expect(a, c.id).not.toBeNull();
      const landed = normalizeText(map.text.slice(a!.start, a!.end));
      if (landed !== quoteOf(c)) {
        // Only the claim over the changed word may differ, and only by that word.
        expect(c.id).toBe('20.0');
        expect(a!.quality).toBe('fuzzy');
        expect(landed.replace(`${firstWord.toLowerCase()}x`, firstWord.toLowerCase())).toBe(quoteOf(c));
      }
      // Each claim is inside its own paragraph.
      expect(map.range(a!.start, a!.end).startContainer.parentElement!.id, c.id).toBe(`p${c.para}`);
    }
  });
});

group('fingerprint', () => {
  it('is the same for the same article under other chrome and differs for another article', () => {
    const a = parse(read('index.html'));
    const mirror = parse(read('index.html'));
    mirror.querySelector('header')?.remove();
    mirror.querySelector('footer')?.remove();
    expect(textFingerprint(a.body)).toMatch(/^fp1:[0-9a-f]{32}$/);
    expect(textFingerprint(mirror.body)).toBe(textFingerprint(a.body));
    expect(textFingerprint(parse('<body><p>' + 'x'.repeat(100) + '</p></body>').body)).not.toBe(textFingerprint(a.body));
    expect(textFingerprint(parse('<body><p>short</p></body>').body)).toBeNull();
  });
});

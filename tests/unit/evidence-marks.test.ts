// @vitest-environment jsdom
/** The evidence sheet's marked copy of the article: each claim wrapped and numbered, overlaps and element boundaries included. */
import { describe, expect, it } from 'vitest';
import { markClaims } from '../../components/evidence-marks';
import { selectorsAt, buildTextMap } from '../../utils/anchoring';
import type { Annotation } from '../../utils/annotation';

function claim(id: string, root: Element, text: string, occurrence = 0): Annotation {
  const map = buildTextMap(root, { isHidden: () => false });
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = map.text.indexOf(text, at + 1);
  if (at < 0) throw new Error(`no ${text}`);
  return { id, target: { source: 'https://x.example/', selector: selectorsAt(map, at, at + text.length) }, body: { tags: [], note: '', color: 'yellow' } } as unknown as Annotation;
}

function orphan(id: string, exact: string): Annotation {
  return { id, target: { source: 'https://x.example/', selector: [{ type: 'TextQuoteSelector', exact, prefix: '', suffix: '' }] }, body: { tags: [], note: '', color: 'yellow' } } as unknown as Annotation;
}

describe('markClaims', () => {
  it('wraps each claim in marks and puts its number after its last piece, across elements and overlaps', () => {
    document.body.innerHTML = '<div id="a"><p>The minister said <em>nothing</em> about the letter.</p><p>Activists wrote the letter in June.</p></div>';
    const root = document.getElementById('a')!;
    const copy = root.cloneNode(true) as Element;
    const claims = [claim('c1', root, 'said nothing about'), claim('c2', root, 'about the letter. Activists'), orphan('c3', 'a sentence the article never had, long enough to stand alone')];
    const n = markClaims(copy, claims);
    expect([...n.entries()]).toEqual([['c1', { n: 1, found: true }], ['c2', { n: 2, found: true }], ['c3', { n: 3, found: false }]]);
    // The text reads the same apart from the numbers.
    expect(copy.textContent!.replace(/\[\d\]/g, '')).toBe(root.textContent);
    const marks = [...copy.querySelectorAll('mark.ev-mark')].map((m) => [m.textContent, (m as HTMLElement).dataset.claims]);
    expect(marks).toEqual([
      ['said ', '1'],
      ['nothing', '1'],
      [' ', '1'],
      ['about', '1 2'],
      [' the letter.', '2'],
      ['Activists', '2'],
    ]);
    expect(copy.querySelector('p')!.innerHTML).toContain('<mark class="ev-mark" data-claims="1 2">about</mark><sup class="ev-ref">[1]</sup>');
    expect(copy.querySelectorAll('p')[1]!.innerHTML).toMatch(/^<mark class="ev-mark" data-claims="2">Activists<\/mark><sup class="ev-ref">\[2\]<\/sup> wrote/);
    // The original is untouched.
    expect(root.querySelector('mark')).toBeNull();
  });
});

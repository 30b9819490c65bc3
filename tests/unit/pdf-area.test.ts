// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { areaFromDrag, areaOf, nudgeArea, startArea, areaSelector, areaSelectors, isAreaSelector, parseArea, PDF_FRAGMENT } from '../../utils/pdf/area';
import { validateSelectors } from '../../utils/store/annotations';
import { claimFrom, toWebAnnotation } from '../../utils/export/jsonld';
import type { Annotation } from '../../utils/annotation';

describe('area claims: RFC 3778 fragment selectors (utils/pdf/area.ts)', () => {
  it('writes page and viewrect in points and reads them back', () => {
    const s = areaSelector({ page: 3, left: 60.123, top: 100, width: 200.5, height: 80 });
    expect(s).toEqual({ type: 'FragmentSelector', conformsTo: PDF_FRAGMENT, value: 'page=3&viewrect=60.12,100,200.5,80' });
    expect(parseArea(s.value)).toEqual({ page: 3, left: 60.12, top: 100, width: 200.5, height: 80 });
    expect(areaSelectors({ page: 3, left: 1, top: 2, width: 10, height: 10 })[1]).toEqual({ type: 'PageSelector', index: 2, label: '3' });
  });

  it('refuses what is not an area of a page: no page, a bad rectangle, a tiny one, a huge string', () => {
    for (const v of ['viewrect=1,2,30,40', 'page=0&viewrect=1,2,30,40', 'page=2&viewrect=1,2,30', 'page=2&viewrect=a,2,30,40', 'page=2&viewrect=-5,2,30,40', 'page=2&viewrect=1,2,1,1', 'page=2&viewrect=1,2,1e9,40', `page=2&viewrect=1,2,30,40&${'x'.repeat(300)}`, 'page=1.5&viewrect=1,2,30,40']) {
      expect(parseArea(v), v).toBeNull();
    }
    expect(isAreaSelector({ type: 'FragmentSelector', conformsTo: 'http://www.w3.org/TR/media-frags/', value: 'page=2&viewrect=1,2,30,40' })).toBe(false);
  });

  it('a drag becomes an area in points, clipped to the page; a click is no area', () => {
    // A page 595×842 pt shown at 1.5 (892.5×1263 px): a drag from (150, 300) to (-40, 600).
    expect(areaFromDrag(3, 1.5, { width: 892.5, height: 1263 }, 150, 300, -40, 600)).toEqual({ page: 3, left: 0, top: 200, width: 100, height: 200 });
    expect(areaFromDrag(3, 1.5, { width: 892.5, height: 1263 }, 150, 300, 152, 303)).toBeNull();
  });

  it('the store takes a claim that is a quote or an area, and nothing else', () => {
    const area = areaSelectors({ page: 3, left: 10, top: 10, width: 100, height: 50 });
    expect(() => validateSelectors(area)).not.toThrow();
    expect(() => validateSelectors([{ type: 'PageSelector', index: 2 }])).toThrow(/quote/);
    expect(() => validateSelectors([{ type: 'FragmentSelector', conformsTo: PDF_FRAGMENT, value: 'page=3&viewrect=0,0,1,1' }])).toThrow(/area/);
    expect(() => validateSelectors([{ type: 'FragmentSelector', conformsTo: 'x', value: 'page=3&viewrect=0,0,100,100' }])).toThrow();
  });

  it('an area claim goes out as W3C JSON-LD and comes back the same', () => {
    const a: Annotation = {
      id: 'urn:uuid:00000000-0000-4000-8000-000000000001',
      pageId: 'p1',
      target: { source: 'https://court.kz/ruling.pdf', selector: areaSelectors({ page: 3, left: 10, top: 10, width: 100, height: 50 }) },
      body: { tags: ['scan'], note: 'stamp', color: 'blue' },
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      anchor: 'anchored',
    };
    const back = claimFrom(JSON.parse(JSON.stringify(toWebAnnotation(a))), 0, a.created);
    expect(back.selector).toEqual(a.target.selector);
    expect(areaOf({ target: { source: '', selector: back.selector } })).toEqual({ page: 3, left: 10, top: 10, width: 100, height: 50 });
  });
});

describe('area claims by keyboard: the rectangle the arrow keys move and resize', () => {
  const size = { width: 600, height: 800 };
  it('starts in the middle of the page and moves 10 points a press, never off the page', () => {
    const a = startArea(3, size);
    expect(a).toEqual({ page: 3, left: 150, top: 300, width: 300, height: 200 });
    expect(nudgeArea(a, 'ArrowRight', false, size)).toMatchObject({ left: 160, top: 300, width: 300, height: 200 });
    expect(nudgeArea(a, 'ArrowUp', false, size)).toMatchObject({ left: 150, top: 290 });
    let b = a;
    for (let i = 0; i < 100; i++) b = nudgeArea(b, 'ArrowLeft', false, size);
    expect(b.left).toBe(0);
    for (let i = 0; i < 100; i++) b = nudgeArea(b, 'ArrowDown', false, size);
    expect(b.top).toBe(600);
    expect(parseArea(areaSelector(b).value)).toEqual(b);
  });
  it('Shift resizes: never past the page’s edge, never under 4 points', () => {
    const a = startArea(1, size);
    expect(nudgeArea(a, 'ArrowRight', true, size)).toMatchObject({ left: 150, width: 310 });
    expect(nudgeArea(a, 'ArrowUp', true, size)).toMatchObject({ top: 300, height: 190 });
    let b = a;
    for (let i = 0; i < 100; i++) b = nudgeArea(b, 'ArrowLeft', true, size);
    expect(b.width).toBe(4);
    for (let i = 0; i < 100; i++) b = nudgeArea(b, 'ArrowDown', true, size);
    expect(b.top + b.height).toBe(800);
  });
});

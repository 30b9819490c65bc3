import { describe, expect, it } from 'vitest';
import { lineBoxes, type Box } from '../../utils/line-boxes';

const r = (x: number, y: number, width: number, height = 20): Box => ({ x, y, width, height });

describe('lineBoxes: what the overlay paints for a claim', () => {
  it('text written one <span> per word: the spaces between words are painted, one band per line', () => {
    // "announced on Thursday" on one line, the spaces in text nodes of their own.
    const words = [r(100, 10, 60), r(166, 10, 20), r(192, 10, 70)];
    const spaces = [r(160, 10, 6), r(186, 10, 6)];
    expect(lineBoxes(words, spaces)).toEqual([r(100, 10, 162)]);
  });

  it('without the spaces the words stay apart (the gaps come from the page, not from merging)', () => {
    expect(lineBoxes([r(100, 10, 60), r(166, 10, 20)])).toEqual([r(100, 10, 60), r(166, 10, 20)]);
  });

  it('a space where the line wraps is not painted: the band stops at the last letter', () => {
    const words = [r(100, 10, 60), r(166, 10, 50), /* next line */ r(0, 40, 80), r(86, 40, 30)];
    const spaces = [r(160, 10, 6), r(216, 10, 6) /* trailing */, r(80, 40, 6), r(0, 40, 0) /* collapsed leading */];
    expect(lineBoxes(words, spaces)).toEqual([r(100, 10, 116), r(0, 40, 116)]);
  });

  it('a line of nothing but spaces paints nothing', () => {
    expect(lineBoxes([r(0, 10, 50)], [r(0, 40, 6), r(10, 40, 6)])).toEqual([r(0, 10, 50)]);
  });

  it('overlapping and repeated rects become one box (no darker stripe where they overlap)', () => {
    expect(lineBoxes([r(10, 10, 50), r(40, 10, 50), r(10, 10, 50)])).toEqual([r(10, 10, 80)]);
    // Sub-pixel seams between neighbours close up.
    expect(lineBoxes([r(10, 10, 50), r(60.6, 10.4, 20, 19.8)])).toEqual([r(10, 10, 70.6)]);
  });

  it('rects of another height on the same line stay their own box (a <small> or <sup> in the line)', () => {
    const big = [r(0, 10, 40), r(80, 10, 40)];
    const small = [r(46, 14, 28, 14)];
    const spaces = [r(40, 10, 6), r(74, 10, 6)];
    expect(lineBoxes([...big, ...small], spaces)).toEqual([r(0, 10, 46), r(46, 14, 28, 14), r(74, 10, 46)]);
  });

  it('lines come out from the top, and lines close together stay apart', () => {
    // Tight line height: each rect 20 high, lines 16 apart (rects overlap vertically).
    const out = lineBoxes([r(0, 42, 30), r(0, 10, 30), r(0, 26, 30)]);
    expect(out).toEqual([r(0, 10, 30), r(0, 26, 30), r(0, 42, 30)]);
  });

  it('empty rects are ignored', () => {
    expect(lineBoxes([r(0, 0, 0), r(5, 5, 10, 0)], [])).toEqual([]);
  });
});

/**
 * From the client rects of a claim's text to the boxes the overlay paints
 * (components/highlighter/layer.ts): one band per line.
 *
 * Text written one element per word (`<span>word</span> <span>next</span>`)
 * keeps its spaces in text nodes of their own. Their rects are painted too,
 * but only *between* text on the same line: a space left at the start or end
 * of a line (where the line wrapped) is not, so the band stops at the first
 * and last letters as the text does. Rects of one line that touch or overlap
 * and have the same top and height are merged into one box: no seams between
 * words, and no darker stripe where two translucent boxes overlap.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Rects whose edges are this close (CSS px) count as touching or as the same line edge. */
const EPS = 1;

/**
 * `text`: rects of characters that are not white space; `spaces`: rects of
 * white-space-only text nodes. Both in one coordinate space. Returns the boxes
 * to paint, line by line from the top, left to right.
 */
export function lineBoxes(text: Box[], spaces: Box[] = []): Box[] {
  type Item = Box & { space: boolean };
  const items: Item[] = [];
  for (const r of text) if (r.width > 0 && r.height > 0) items.push({ ...r, space: false });
  for (const r of spaces) if (r.width > 0 && r.height > 0) items.push({ ...r, space: true });
  if (!items.length) return [];
  const mid = (r: Box) => r.y + r.height / 2;
  items.sort((a, b) => mid(a) - mid(b) || a.x - b.x);

  // Lines: rects whose middles fall within the first rect of the line.
  const lines: Item[][] = [];
  let line: Item[] = [];
  let top = -Infinity;
  let bottom = -Infinity;
  for (const r of items) {
    const m = mid(r);
    if (line.length && m >= top && m <= bottom) line.push(r);
    else {
      if (line.length) lines.push(line);
      line = [r];
      top = r.y;
      bottom = r.y + r.height;
    }
  }
  lines.push(line);

  const out: Box[] = [];
  for (const l of lines) {
    l.sort((a, b) => a.x - b.x || a.y - b.y);
    // Spaces count only between text: from the leftmost text rect to the rightmost text rect's end.
    let left = Infinity;
    let right = -Infinity;
    for (const r of l) {
      if (r.space) continue;
      left = Math.min(left, r.x);
      right = Math.max(right, r.x + r.width);
    }
    if (left === Infinity) continue; // a line of nothing but spaces
    const kept = l.filter((r) => !r.space || (r.x >= left - EPS && r.x + r.width <= right + EPS));
    // Merge neighbours of the same top and height that touch or overlap.
    const merged: Box[] = [];
    for (const r of kept) {
      const prev = merged.find(
        (p) => Math.abs(p.y - r.y) <= EPS && Math.abs(p.y + p.height - (r.y + r.height)) <= EPS && r.x <= p.x + p.width + EPS && r.x + r.width >= p.x - EPS,
      );
      if (prev) {
        const x = Math.min(prev.x, r.x);
        prev.width = Math.max(prev.x + prev.width, r.x + r.width) - x;
        prev.x = x;
      } else {
        merged.push({ x: r.x, y: r.y, width: r.width, height: r.height });
      }
    }
    out.push(...merged);
  }
  return out;
}

/**
 * Painting inside Saqta's two closed shadow roots (surface.ts makes their
 * hosts, on every page, before the highlighter exists):
 *
 * - the **overlay**: highlight boxes from the text's client rects, painted
 *   in the fixed, viewport-sized `saqta-overlay` host (`overflow: hidden`, so
 *   it adds no scrollable size; `pointer-events: none`, so hit-testing is the
 *   page's own), blended with `multiply` so the text stays readable. Boxes are
 *   kept in document coordinates and the inner layer is translated on scroll;
 *   reflow and late content repaint.
 * - the **UI** host `saqta-ui` for the toolbar and the toast (not blended).
 *
 * Nothing here touches the hosts themselves: the page reads the same hosts,
 * styles and boxes whether or not anything is painted in them.
 */
import type { Color } from '../../utils/annotation';
import { lineBoxes, type Box } from '../../utils/line-boxes';
import type { Surface } from './surface';

export type { Box };

export const HL_FILL: Record<Color, string> = {
  yellow: 'rgba(255, 212, 0, 0.55)',
  green: 'rgba(80, 220, 110, 0.5)',
  blue: 'rgba(90, 175, 255, 0.5)',
  pink: 'rgba(255, 120, 175, 0.5)',
  purple: 'rgba(175, 140, 255, 0.5)',
};

export interface PaintItem {
  id: string;
  color: Color;
  range: Range;
  /** Team sync: a colleague's claim (their member id): painted lighter with a dashed underline in their hue. */
  author?: string;
}

/** A stable hue per colleague, so each one's claims look alike and differ from the reader's. */
function authorHue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return h;
}

/** The highlight overlay, painting into the overlay surface's shadow root. */
export class Overlay {
  private layer: HTMLDivElement | null = null;
  private clip: HTMLDivElement | null = null;
  private hidden = false;
  /** Boxes per claim, in document coordinates. */
  private boxes = new Map<string, { color: Color; rects: Box[]; els: HTMLElement[] }>();
  private frame = 0;

  constructor(private surface: Surface) {}

  private ensure(): HTMLDivElement {
    if (this.layer) return this.layer;
    // The clip keeps boxes below the fold out of the shadow tree's scrollable overflow
    // (the host's own overflow is hidden, and the page can read its scroll sizes).
    const clip = document.createElement('div');
    clip.className = 'clip';
    const layer = document.createElement('div');
    layer.className = 'layer';
    clip.append(layer);
    this.surface.root.append(clip);
    this.layer = layer;
    this.clip = clip;
    if (this.hidden) clip.style.display = 'none';
    this.scrolled();
    return layer;
  }

  /**
   * Show or hide every box at once, inside the closed shadow root (the page
   * sees no change): the full-page screenshot of a save shows the page, not
   * the reader's marks on it.
   */
  setVisible(visible: boolean): void {
    this.hidden = !visible;
    if (this.clip) this.clip.style.display = visible ? '' : 'none';
  }

  /** Paint exactly these claims (replaces what was painted). */
  paint(items: PaintItem[]): void {
    if (items.length === 0 && !this.layer) return;
    const layer = this.ensure();
    const sx = window.scrollX;
    const sy = window.scrollY;
    const frag = document.createDocumentFragment();
    const next = new Map<string, { color: Color; rects: Box[]; els: HTMLElement[] }>();
    for (const item of items) {
      const { text, spaces } = textRects(item.range);
      const doc = (r: DOMRect) => ({ x: r.left + sx, y: r.top + sy, width: r.width, height: r.height });
      const rects = lineBoxes(text.map(doc), spaces.map(doc));
      const els: HTMLElement[] = [];
      for (const box of rects) {
        const el = document.createElement('div');
        el.className = 'box';
        el.style.cssText = `left:${box.x}px;top:${box.y}px;width:${box.width}px;height:${box.height}px;background:${HL_FILL[item.color]}`;
        if (item.author) el.style.cssText += `;opacity:.6;border-bottom:2px dashed hsl(${authorHue(item.author)} 70% 35%)`;
        els.push(el);
        frag.append(el);
      }
      next.set(item.id, { color: item.color, rects, els });
    }
    layer.replaceChildren(frag);
    this.boxes = next;
    this.scrolled();
  }

  /** Keep boxes on their text while the window scrolls (cheap: one transform). */
  scrolled(): void {
    if (!this.layer) return;
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => {
      if (this.layer) this.layer.style.transform = `translate(${-window.scrollX}px, ${-window.scrollY}px)`;
    });
  }

  /** Painted boxes of a claim in viewport coordinates. */
  boxesOf(id: string): Box[] {
    const sx = window.scrollX;
    const sy = window.scrollY;
    return (this.boxes.get(id)?.rects ?? []).map((b) => ({ x: b.x - sx, y: b.y - sy, width: b.width, height: b.height }));
  }

  /** Claims painted under a viewport point, smallest first (the innermost of overlapping highlights). */
  hit(x: number, y: number): string[] {
    const px = x + window.scrollX;
    const py = y + window.scrollY;
    const hits: { id: string; area: number }[] = [];
    for (const [id, { rects }] of this.boxes) {
      if (rects.some((b) => px >= b.x && px <= b.x + b.width && py >= b.y && py <= b.y + b.height)) {
        hits.push({ id, area: rects.reduce((a, b) => a + b.width * b.height, 0) });
      }
    }
    return hits.sort((a, b) => a.area - b.area).map((h) => h.id);
  }

  flash(id: string): void {
    for (const el of this.boxes.get(id)?.els ?? []) {
      el.classList.remove('flash');
      void el.offsetWidth;
      el.classList.add('flash');
    }
  }

  /** Paint nothing more (the content script removes the hosts themselves). */
  destroy(): void {
    this.clip?.remove();
    this.layer = null;
    this.clip = null;
    this.boxes.clear();
  }
}

/**
 * Client rects of the text inside a range, text node by text node (a range's
 * own getClientRects() would also return the full boxes of whole elements it
 * contains, painting paragraph margins). White-space-only text nodes (the
 * spaces of text written one element per word) come apart in `spaces`:
 * `lineBoxes` paints them only between text on the same line.
 */
function textRects(range: Range): { text: DOMRect[]; spaces: DOMRect[] } {
  const text: DOMRect[] = [];
  const spaces: DOMRect[] = [];
  const rootNode = range.commonAncestorContainer;
  const doc = rootNode.ownerDocument ?? document;
  const sub = doc.createRange();
  const push = (t: Text) => {
    const s = t === range.startContainer ? range.startOffset : 0;
    const e = t === range.endContainer ? range.endOffset : t.length;
    if (e <= s) return;
    const out = t.data.slice(s, e).trim() ? text : spaces;
    sub.setStart(t, s);
    sub.setEnd(t, e);
    for (const r of sub.getClientRects()) if (r.width >= 0.5 && r.height >= 0.5) out.push(r);
  };
  if (rootNode.nodeType === 3) {
    push(rootNode as Text);
    return { text, spaces };
  }
  const walker = doc.createTreeWalker(rootNode, NodeFilter.SHOW_TEXT);
  // Start at the range's start, not at the top of the common ancestor (pages with many claims).
  walker.currentNode = range.startContainer;
  const first = range.startContainer.nodeType === 3 ? range.startContainer : walker.nextNode();
  for (let n: Node | null = first; n; n = walker.nextNode()) {
    if (!range.intersectsNode(n)) {
      if (range.comparePoint(n, 0) > 0) break;
      continue;
    }
    push(n as Text);
  }
  return { text, spaces };
}

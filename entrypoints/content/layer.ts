/**
 * Saqta's two layers inside a page, each a *closed* shadow root whose host is
 * a child of <html> (never of <body>, whose markup stays byte-identical):
 *
 * - the **overlay**: highlight boxes from `Range.getClientRects()`, painted
 *   in a fixed, viewport-sized host with `overflow: hidden` (so it adds no
 *   scrollable size) and `pointer-events: none`, blended with `multiply` so
 *   the text stays readable. Boxes are kept in document coordinates and the
 *   inner layer is translated on scroll; reflow and late content repaint.
 * - the **UI** host for the toolbar and the toast (not blended).
 *
 * The page sees two empty custom elements with no attributes; it cannot read
 * their shadow roots, styles or boxes.
 */
import type { Color } from '../../utils/annotation';

export const HL_FILL: Record<Color, string> = {
  yellow: 'rgba(255, 212, 0, 0.55)',
  green: 'rgba(80, 220, 110, 0.5)',
  blue: 'rgba(90, 175, 255, 0.5)',
  pink: 'rgba(255, 120, 175, 0.5)',
  purple: 'rgba(175, 140, 255, 0.5)',
};

const HOST_CSS = `:host { all: initial !important; position: fixed !important; inset: 0 !important; overflow: hidden !important;
  pointer-events: none !important; z-index: 2147483647 !important; display: block !important; contain: strict !important;
  visibility: visible !important; opacity: 1 !important; transform: none !important; }`;

function makeHost(tag: string, extraCss: string): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement(tag);
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = HOST_CSS + extraCss;
  root.append(style);
  return { host, root };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PaintItem {
  id: string;
  color: Color;
  range: Range;
  /** Team sync: a colleague's claim (their member id): painted lighter with a dashed underline in their hue. */
  author?: string;
}

/** A stable hue per colleague, so each one's claims look alike and differ from the reader's. */
export function authorHue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return h;
}

/** The highlight overlay. */
export class Overlay {
  private host: HTMLElement | null = null;
  private layer: HTMLDivElement | null = null;
  private clip: HTMLDivElement | null = null;
  private hidden = false;
  /** Boxes per claim, in document coordinates. */
  private boxes = new Map<string, { color: Color; rects: Box[]; els: HTMLElement[] }>();
  private frame = 0;

  private ensure(): HTMLDivElement {
    if (this.layer && this.host?.isConnected) return this.layer;
    const { host, root } = makeHost(
      'saqta-overlay',
      `:host { mix-blend-mode: multiply !important; }
       .clip { position: absolute; inset: 0; overflow: hidden; }
       .layer { position: absolute; left: 0; top: 0; width: 0; height: 0; will-change: transform; }
       .box { position: absolute; border-radius: 2px; }
       .flash { animation: flash 0.45s ease-in-out 3; }
       @keyframes flash { 50% { outline: 3px solid rgba(230, 90, 0, .9); outline-offset: 2px; filter: saturate(2.5); } }
       @media (prefers-color-scheme: dark) { :host { mix-blend-mode: normal !important; } .box { opacity: .55; } }`,
    );
    // The clip keeps boxes below the fold from adding to the host's scrollWidth/scrollHeight,
    // which the page could read.
    const clip = document.createElement('div');
    clip.className = 'clip';
    const layer = document.createElement('div');
    layer.className = 'layer';
    clip.append(layer);
    root.append(clip);
    document.documentElement.append(host);
    this.host = host;
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
    if (items.length === 0 && !this.host) return;
    const layer = this.ensure();
    const sx = window.scrollX;
    const sy = window.scrollY;
    const frag = document.createDocumentFragment();
    const next = new Map<string, { color: Color; rects: Box[]; els: HTMLElement[] }>();
    for (const item of items) {
      const rects = dedupe(textRects(item.range).map((r) => ({ x: r.left + sx, y: r.top + sy, width: r.width, height: r.height })));
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

  destroy(): void {
    this.host?.remove();
    this.host = null;
    this.layer = null;
    this.clip = null;
    this.boxes.clear();
  }
}

/**
 * Line boxes of the text inside a range, text node by text node (a range's
 * own getClientRects() would also return the full boxes of whole elements it
 * contains, painting paragraph margins).
 */
export function textRects(range: Range): DOMRect[] {
  const out: DOMRect[] = [];
  const rootNode = range.commonAncestorContainer;
  const doc = rootNode.ownerDocument ?? document;
  const sub = doc.createRange();
  const push = (t: Text) => {
    const s = t === range.startContainer ? range.startOffset : 0;
    const e = t === range.endContainer ? range.endOffset : t.length;
    if (e <= s) return;
    sub.setStart(t, s);
    sub.setEnd(t, e);
    for (const r of sub.getClientRects()) if (r.width >= 0.5 && r.height >= 0.5) out.push(r);
  };
  if (rootNode.nodeType === 3) {
    push(rootNode as Text);
    return out;
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
    if (!(n as Text).data.trim()) continue;
    push(n as Text);
  }
  return out;
}

/** Boxes can repeat; keep one of each. */
function dedupe(rects: Box[]): Box[] {
  const seen = new Set<string>();
  return rects.filter((b) => {
    const k = `${Math.round(b.x)}:${Math.round(b.y)}:${Math.round(b.width)}:${Math.round(b.height)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The UI host (toolbar, toast): created on first use. */
export function makeUiRoot(css: string): { host: HTMLElement; root: ShadowRoot } {
  const made = makeHost('saqta-ui', css);
  document.documentElement.append(made.host);
  return made;
}

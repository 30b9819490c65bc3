/**
 * The painting controller: turns the anchored claims into overlay boxes
 * (layer.ts), keeps them on their text as the window and inner scrollers
 * move, and tells the side panel when the document order changed.
 */
import { browser } from 'wxt/browser';
import type { Event as SaqtaEvent } from '../../utils/messages';
import type { Box, PaintItem } from './layer';
import { isLive, type AnchorController, type Claim } from './anchors';

/**
 * What paints the marks: the closed-shadow overlay on live pages (layer.ts),
 * the Custom Highlight API in the reader page (entrypoints/reader/marks.ts).
 */
export interface Marks {
  paint(items: PaintItem[]): void;
  scrolled(): void;
  boxesOf(id: string): Box[];
  hit(x: number, y: number): string[];
  flash(id: string): void;
  setVisible(visible: boolean): void;
  destroy(): void;
}

export class Painter {
  private frame = 0;

  /**
   * `placed`: called after every paint (the toolbar follows its text);
   * `ordered`: the claims' order, places or contents changed (lists follow).
   */
  constructor(
    private anchoring: AnchorController,
    private placed: () => void,
    public overlay: Marks,
    private ordered?: () => void,
  ) {}

  paint(): void {
    this.announce();
    const items = [...this.anchoring.claims.values()]
      .filter((c) => c.hit && isLive(c.hit.range))
      .map((c) => ({ id: c.a.id, color: c.a.body.color, range: c.hit!.range, author: c.a.author?.id }));
    this.overlay.paint(items);
    this.placed();
  }

  private announced = '';
  /** Tell the side panel when the document order or the orphan list changed. */
  private announce(): void {
    const sig = [...this.anchoring.claims.values()].map((c) => `${c.a.id}:${c.hit ? c.hit.start : '-'}:${c.a.modified}`).join('|');
    if (sig === this.announced) return;
    this.announced = sig;
    this.ordered?.();
    const event: SaqtaEvent = { event: 'anchors.changed', pageId: this.anchoring.pageId };
    browser.runtime.sendMessage(event).catch(() => undefined);
  }

  schedulePaint(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.paint());
  }

  onScroll(e: Event): void {
    if (e.target === document || e.target === window) {
      this.overlay.scrolled();
      this.placed();
    } else {
      this.schedulePaint(); // an inner scroller moved some text
    }
  }

  rectOf(c: Claim): DOMRect | null {
    if (!c.hit || !isLive(c.hit.range)) return null;
    const rects = c.hit.range.getClientRects();
    return rects.length ? rects[rects.length - 1] : c.hit.range.getBoundingClientRect();
  }
}

/**
 * Marks in the reader page: the Custom Highlight API (an extension page has
 * no page scripts to hide from, and highlights print with the article). The
 * same interface as the live page's overlay (painter.ts `Marks`), so the
 * reader page and the PDF viewer run the live page's controllers.
 */
import type { Color } from '../../utils/annotation';
import type { Box, PaintItem } from './layer';
import type { Marks } from './painter';

type HighlightCtor = new (...ranges: Range[]) => unknown;
const registry = () => (CSS as unknown as { highlights?: Map<string, unknown> }).highlights;
const Highlight = () => (window as unknown as { Highlight?: HighlightCtor }).Highlight;

/** How long a claim flashes after "show" (three pulses in CSS). */
const FLASH_MS = 1800;

export class HighlightMarks implements Marks {
  private items: PaintItem[] = [];
  private hidden = false;
  private flashTimer = 0;

  paint(items: PaintItem[]): void {
    this.items = items;
    const reg = registry();
    const H = Highlight();
    if (!reg || !H) return;
    const byColor = new Map<Color, Range[]>();
    for (const it of items) byColor.set(it.color, [...(byColor.get(it.color) ?? []), it.range]);
    for (const key of [...reg.keys()]) if (key.startsWith('saqta-') && key !== 'saqta-flash') reg.delete(key);
    if (this.hidden) return;
    for (const [color, ranges] of byColor) reg.set(`saqta-${color}`, new H(...ranges));
    // Team sync: colleagues' claims get a dashed underline over their colour (reader.css).
    const theirs = items.filter((it) => it.author).map((it) => it.range);
    if (theirs.length) reg.set('saqta-colleague', new H(...theirs));
  }

  scrolled(): void {}

  boxesOf(id: string): Box[] {
    const it = this.items.find((x) => x.id === id);
    return it ? [...it.range.getClientRects()].map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height })) : [];
  }

  hit(x: number, y: number): string[] {
    const hits: { id: string; area: number }[] = [];
    for (const it of this.items) {
      const rects = [...it.range.getClientRects()];
      if (rects.some((b) => x >= b.left && x <= b.right && y >= b.top && y <= b.bottom)) {
        hits.push({ id: it.id, area: rects.reduce((a, b) => a + b.width * b.height, 0) });
      }
    }
    return hits.sort((a, b) => a.area - b.area).map((h) => h.id);
  }

  /**
   * Pulse a claim: its range joins the `saqta-flash` highlight for a moment,
   * and the page's `flash-dim` class blinks it (reader.css), three pulses.
   */
  flash(id: string): void {
    const reg = registry();
    const H = Highlight();
    const it = this.items.find((x) => x.id === id);
    if (!reg || !H || !it) return;
    const flash = new H(it.range) as { priority?: number };
    flash.priority = 1; // above the colour highlights, which are registered again on every paint
    reg.set('saqta-flash', flash);
    const html = document.documentElement;
    clearInterval(this.flashTimer);
    let step = 0;
    html.classList.remove('flash-dim');
    this.flashTimer = window.setInterval(() => {
      step++;
      html.classList.toggle('flash-dim', step % 2 === 1);
      if (step >= FLASH_MS / 300) {
        clearInterval(this.flashTimer);
        html.classList.remove('flash-dim');
        reg.delete('saqta-flash');
      }
    }, 300);
  }

  setVisible(visible: boolean): void {
    this.hidden = !visible;
    this.paint(this.items);
  }

  destroy(): void {
    const reg = registry();
    if (reg) for (const key of [...reg.keys()]) if (key.startsWith('saqta-')) reg.delete(key);
    this.items = [];
  }
}

/**
 * Area claims on scanned pages (docs/pdf.md, *Area claims*): a person drags a
 * rectangle on a page without text; it becomes a claim whose place is a box
 * on that page (`place`), with the highlighter's toolbar for colour, tags,
 * note, undo and delete. The page's picture under the box is cropped and kept
 * for the claim's card and exports (`pdf.areaImage`). Without a mouse: "Mark an
 * area on page N", arrow keys, Shift+arrow keys, Enter (`keyboardAreas`).
 */
import type { Annotation } from '../../utils/annotation';
import { areaFromDrag, areaOf, areaSelectors, nudgeArea, startArea, type AreaKey, type PdfArea } from '../../utils/pdf/area';
import { send } from '../../utils/ext/client';
import { toBase64 } from '../../utils/evidence/bytes';
import type { PaintItem } from '../../components/highlighter/layer';
import { HighlightMarks } from '../../components/highlighter/marks';
import { t } from '../../utils/ext/i18n';
import type { OpenedPdf } from './document';

const points = (box: HTMLElement) => (box.dataset.points ?? '0,0').split(',').map(Number) as [number, number];

function boxOf(area: PdfArea, pages: HTMLElement[]): HTMLElement | null {
  return pages[area.page - 1] ?? null;
}

/** The box element of an area claim, made (or moved) on its page: its place in the page's DOM. */
export function placeArea(a: Annotation, pages: HTMLElement[]): Range | null {
  const area = areaOf(a);
  const page = area && boxOf(area, pages);
  if (!area || !page) return null;
  const [w, h] = points(page);
  if (!w || !h || area.left + area.width > w + 1 || area.top + area.height > h + 1) return null;
  let el = page.querySelector<HTMLElement>(`.pdf-area[data-claim-id="${CSS.escape(a.id)}"]`);
  if (!el) {
    el = document.createElement('div');
    el.className = 'pdf-area';
    el.dataset.claimId = a.id;
    page.append(el);
  }
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', t('pdfAreaOnPage', String(area.page)));
  el.dataset.color = a.body.color;
  el.style.left = `${(area.left / w) * 100}%`;
  el.style.top = `${(area.top / h) * 100}%`;
  el.style.width = `${(area.width / w) * 100}%`;
  el.style.height = `${(area.height / h) * 100}%`;
  const r = document.createRange();
  r.setStartBefore(el);
  r.setEndAfter(el);
  return r;
}

/** The reader page's marks, plus the area boxes: their colour follows the claim's, and a deleted claim's box goes. */
export class PdfMarks extends HighlightMarks {
  constructor(private root: HTMLElement) {
    super();
  }

  override paint(items: PaintItem[]): void {
    super.paint(items);
    const colors = new Map(items.map((it) => [it.id, it.color]));
    for (const el of this.root.querySelectorAll<HTMLElement>('.pdf-area[data-claim-id]')) {
      const c = colors.get(el.dataset.claimId!);
      if (!c) el.remove();
      else if (el.dataset.color !== c) el.dataset.color = c;
    }
  }
}

type Create = (selectors: ReturnType<typeof areaSelectors>) => Promise<Annotation | null>;

/** An area becomes a claim (the toolbar opens on it), and the page's picture under it is kept for its card and exports. */
async function makeArea(doc: OpenedPdf, area: PdfArea, create: Create): Promise<void> {
  const a = await create(areaSelectors(area));
  if (!a) return;
  const png = await doc.crop(area, 800).catch(() => null);
  if (png) await send('pdf.areaImage', { annotationId: a.id, png: toBase64(new Uint8Array(await png.arrayBuffer())) });
}

const pct = (v: number, of: number) => String(Math.round((v / of) * 100));

/**
 * Marking an area without a mouse: each scanned page has a "Mark an area on page N" button; it puts a
 * rectangle in the middle of the page, focused. Arrow keys move it, Shift+arrow keys resize it (10 points a
 * press), Enter makes it a claim (the toolbar opens on it, focused), Escape or leaving it cancels. Where
 * it is, in percent of the page, is said in the status line (a live region) after every press.
 */
export function keyboardAreas(doc: OpenedPdf, create: Create, say: (text: string) => void): void {
  for (const n of doc.imageOnly) {
    const page = doc.pages[n - 1];
    if (!page) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'pdf-area-key';
    button.textContent = t('pdfAreaKeyButton', String(n));
    page.append(button);
    button.addEventListener('click', () => {
      const [w, h] = points(page);
      if (!w || !h || page.querySelector('.pdf-area-keys')) return;
      const size = { width: w, height: h };
      let area = startArea(n, size);
      const draft = document.createElement('div');
      draft.className = 'pdf-area pdf-area-draft pdf-area-keys';
      draft.tabIndex = 0;
      draft.setAttribute('role', 'application');
      draft.setAttribute('aria-roledescription', t('pdfAreaKeyRole'));
      const where = () => t('pdfAreaKeyWhere', [String(n), pct(area.left, w), pct(area.top, h), pct(area.width, w), pct(area.height, h)]);
      const show = () => {
        Object.assign(draft.style, { left: `${(area.left / w) * 100}%`, top: `${(area.top / h) * 100}%`, width: `${(area.width / w) * 100}%`, height: `${(area.height / h) * 100}%` });
        draft.setAttribute('aria-label', `${where()} ${t('pdfAreaKeyHelp')}`);
      };
      let done = false;
      const end = (back: boolean) => {
        done = true;
        draft.remove();
        if (back) button.focus();
      };
      draft.addEventListener('keydown', (e) => {
        if (!e.isTrusted) return;
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'ArrowUp' || e.key === 'ArrowDown') {
          area = nudgeArea(area, e.key as AreaKey, e.shiftKey, size);
          show();
          say(where());
        } else if (e.key === 'Enter') {
          const chosen = area;
          end(false);
          say('');
          void makeArea(doc, chosen, create);
        } else if (e.key === 'Escape') {
          end(true);
          say(t('pdfAreaKeyCancelled'));
        } else return;
        e.preventDefault();
        e.stopPropagation();
      });
      draft.addEventListener('blur', () => {
        if (!done) end(false);
      });
      show();
      page.append(draft);
      draft.focus();
      say(`${where()} ${t('pdfAreaKeyHelp')}`);
    });
  }
}

/**
 * Drawing: a mouse drag on a page without text draws a rectangle; on release it becomes an
 * area claim (`create`), and its picture is kept. A click (no drag) is left to the highlighter
 * (it opens the claim under it).
 */
export function drawAreas(doc: OpenedPdf, root: HTMLElement, create: Create): void {
  root.addEventListener('mousedown', (e) => {
    if (!e.isTrusted || e.button !== 0) return;
    const page = (e.target as Element).closest?.<HTMLElement>('.pdf-page[data-image-only="true"]');
    if (!page || (e.target as Element).closest('.pdf-area-key, .pdf-area-keys')) return;
    e.preventDefault(); // no text selection, no image drag
    const n = Number(page.dataset.pageNumber);
    const scale = Number(page.dataset.scale);
    const start = page.getBoundingClientRect();
    const x0 = e.clientX - start.left;
    const y0 = e.clientY - start.top;
    const draft = document.createElement('div');
    draft.className = 'pdf-area pdf-area-draft';
    let moved = false;
    const at = (ev: MouseEvent) => {
      const b = page.getBoundingClientRect();
      return { x: ev.clientX - b.left, y: ev.clientY - b.top, w: b.width, h: b.height };
    };
    const move = (ev: MouseEvent) => {
      const p = at(ev);
      if (!moved && Math.hypot(p.x - x0, p.y - y0) < 4) return;
      moved = true;
      if (!draft.isConnected) page.append(draft);
      const x = Math.min(Math.max(p.x, 0), p.w);
      const y = Math.min(Math.max(p.y, 0), p.h);
      Object.assign(draft.style, { left: `${Math.min(x, x0)}px`, top: `${Math.min(y, y0)}px`, width: `${Math.abs(x - x0)}px`, height: `${Math.abs(y - y0)}px` });
    };
    const up = async (ev: MouseEvent) => {
      window.removeEventListener('mousemove', move, true);
      window.removeEventListener('mouseup', up, true);
      draft.remove();
      if (!moved || !ev.isTrusted) return;
      const p = at(ev);
      const area = areaFromDrag(n, scale, { width: p.w, height: p.h }, x0, y0, p.x, p.y);
      if (!area) return;
      await makeArea(doc, area, create);
    };
    window.addEventListener('mousemove', move, true);
    window.addEventListener('mouseup', up, true);
  });
}

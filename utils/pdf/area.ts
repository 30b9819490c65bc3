/**
 * Area claims on PDF pages (docs/pdf.md, *Area claims*): a rectangle on one
 * page, stored as a W3C Web Annotation `FragmentSelector` conforming to RFC
 * 3778 (the PDF fragment identifier the model names for PDFs):
 * `page=<n>&viewrect=<left>,<top>,<width>,<height>`, in PDF points from the
 * page's top-left corner as shown (1-based page). Pure: no DOM, no `browser.*`.
 */
import type { Annotation, FragmentSelector, Selector } from '../annotation';

export const PDF_FRAGMENT = 'http://tools.ietf.org/rfc/rfc3778';

export interface PdfArea {
  /** 1-based page number. */
  page: number;
  /** PDF points from the page's top-left corner (as the page is shown, rotation applied). */
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Smallest side of an area claim, in points (a click is not an area). */
const MIN_AREA_SIDE = 4;

const round = (n: number) => Math.round(n * 100) / 100;

export function areaSelector(area: PdfArea): FragmentSelector {
  const v = [area.left, area.top, area.width, area.height].map(round).join(',');
  return { type: 'FragmentSelector', conformsTo: PDF_FRAGMENT, value: `page=${area.page}&viewrect=${v}` };
}

/** The selectors of a new area claim: the fragment and Hypothesis' page selector. */
export function areaSelectors(area: PdfArea): Selector[] {
  return [areaSelector(area), { type: 'PageSelector', index: area.page - 1, label: String(area.page) }];
}

/** The area an RFC 3778 fragment names, or null (not an area of a page: anything else, or out of range). */
export function parseArea(value: string): PdfArea | null {
  if (typeof value !== 'string' || value.length > 200) return null;
  const params = new Map<string, string>();
  for (const part of value.replace(/^#/, '').split('&')) {
    const at = part.indexOf('=');
    if (at > 0) params.set(part.slice(0, at).toLowerCase(), part.slice(at + 1));
  }
  const page = Number(params.get('page'));
  const rect = (params.get('viewrect') ?? '').split(',');
  if (!Number.isInteger(page) || page < 1 || page > 1e6 || rect.length !== 4) return null;
  const [left, top, width, height] = rect.map((x) => (/^-?\d+(\.\d+)?$/.test(x.trim()) ? Number(x) : NaN));
  if (![left, top, width, height].every((n) => Number.isFinite(n) && Math.abs(n!) <= 1e5)) return null;
  if (left! < 0 || top! < 0 || width! < MIN_AREA_SIDE || height! < MIN_AREA_SIDE) return null;
  return { page, left: left!, top: top!, width: width!, height: height! };
}

export function isAreaSelector(s: Selector): s is FragmentSelector {
  return s.type === 'FragmentSelector' && s.conformsTo === PDF_FRAGMENT && parseArea(s.value) !== null;
}

/** The area of an area claim, or null for a text claim. */
export function areaOf(a: Pick<Annotation, 'target'>): PdfArea | null {
  const s = a.target.selector.find(isAreaSelector);
  return s ? parseArea(s.value) : null;
}

/** The rectangle a drag from (x0, y0) to (x1, y1) draws on a page shown `scale` CSS px per point, clipped to the page. */
export function areaFromDrag(page: number, scale: number, size: { width: number; height: number }, x0: number, y0: number, x1: number, y1: number): PdfArea | null {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const l = clip(Math.min(x0, x1), size.width);
  const r = clip(Math.max(x0, x1), size.width);
  const t = clip(Math.min(y0, y1), size.height);
  const b = clip(Math.max(y0, y1), size.height);
  const area = { page, left: l / scale, top: t / scale, width: (r - l) / scale, height: (b - t) / scale };
  return area.width >= MIN_AREA_SIDE && area.height >= MIN_AREA_SIDE ? area : null;
}

/** Id of the stored crop of an area claim (blobs table; shown in the claim cards). */
export const areaImageId = (annotationId: string) => `pdf-area:${annotationId}`;

/** The rectangle a person starts from when marking an area with the keyboard: the middle of the page, half its width, a quarter of its height. */
export function startArea(page: number, size: { width: number; height: number }): PdfArea {
  return { page, left: size.width / 4, top: (size.height * 3) / 8, width: size.width / 2, height: size.height / 4 };
}

export type AreaKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

/**
 * An arrow key on the keyboard's rectangle (points): moves it `step` points, or with `resize` (Shift) makes it
 * narrower/wider (left/right) or shorter/taller (up/down); always inside the page and at least MIN_AREA_SIDE a side.
 */
export function nudgeArea(area: PdfArea, key: AreaKey, resize: boolean, size: { width: number; height: number }, step = 10): PdfArea {
  const a = { ...area };
  const dx = key === 'ArrowLeft' ? -step : key === 'ArrowRight' ? step : 0;
  const dy = key === 'ArrowUp' ? -step : key === 'ArrowDown' ? step : 0;
  if (resize) {
    a.width = Math.min(Math.max(a.width + dx, MIN_AREA_SIDE), size.width - a.left);
    a.height = Math.min(Math.max(a.height + dy, MIN_AREA_SIDE), size.height - a.top);
  } else {
    a.left = Math.min(Math.max(a.left + dx, 0), size.width - a.width);
    a.top = Math.min(Math.max(a.top + dy, 0), size.height - a.height);
  }
  return a;
}

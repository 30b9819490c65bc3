import type { SaqtaDB } from '../db';
import type { Annotation, AnnotationBody, Selector, AnchorState } from '../annotation';
import { COLORS, newId, nowIso } from '../annotation';
import type { PageInfo } from '../messages';
import { ensurePage } from './pages';
import { ensureTags } from './tags';
import { isAreaSelector } from '../pdf/area';

const MAX_QUOTE = 20_000;
const MAX_NOTE = 20_000;

/** Throws a readable Error when a selector list or body is not something Saqta made. */
export function validateSelectors(selector: Selector[]): void {
  if (!Array.isArray(selector) || selector.length === 0) throw new BadInput('A claim needs at least one selector.');
  for (const s of selector) {
    if (s.type === 'TextQuoteSelector') {
      if (typeof s.exact !== 'string' || !s.exact.trim()) throw new BadInput('The selected text is empty.');
      if (s.exact.length > MAX_QUOTE) throw new BadInput('The selection is too long for one claim.');
      if (typeof s.prefix !== 'string' || typeof s.suffix !== 'string') throw new BadInput('A quote needs prefix and suffix.');
    } else if (s.type === 'TextPositionSelector') {
      if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end < s.start) {
        throw new BadInput('A text position is out of range.');
      }
    } else if (s.type === 'PageSelector') {
      if (!Number.isInteger(s.index) || s.index < 0 || s.index > 1e6) throw new BadInput('A page number is out of range.');
      if (s.label !== undefined && (typeof s.label !== 'string' || s.label.length > 100)) throw new BadInput('A page label is too long.');
    } else if (s.type === 'FragmentSelector') {
      if (!isAreaSelector(s)) throw new BadInput('An area of a PDF page is out of range.');
    } else {
      throw new BadInput('Unknown selector type.');
    }
  }
  // A claim is a quote, or an area of a PDF page (scanned pages have no text to quote; docs/pdf.md).
  if (!selector.some((s) => s.type === 'TextQuoteSelector' || isAreaSelector(s))) throw new BadInput('A claim needs its quote.');
}

export class BadInput extends Error {}

function cleanBody(body: Partial<AnnotationBody>): Partial<AnnotationBody> {
  const out: Partial<AnnotationBody> = {};
  if (body.color !== undefined) {
    if (!COLORS.includes(body.color)) throw new BadInput('Unknown colour.');
    out.color = body.color;
  }
  if (body.note !== undefined) {
    if (typeof body.note !== 'string') throw new BadInput('A note is text.');
    if (body.note.length > MAX_NOTE) throw new BadInput('The note is too long.');
    out.note = body.note;
  }
  if (body.tags !== undefined) {
    if (!Array.isArray(body.tags) || body.tags.some((t) => typeof t !== 'string')) throw new BadInput('Tags are text.');
    out.tags = body.tags;
  }
  return out;
}

export async function createAnnotation(
  db: SaqtaDB,
  page: PageInfo,
  selector: Selector[],
  body: AnnotationBody,
): Promise<{ annotation: Annotation; page: Awaited<ReturnType<typeof ensurePage>> }> {
  validateSelectors(selector);
  const clean = cleanBody(body);
  return db.transaction('rw', db.pages, db.annotations, db.tags, async () => {
    const record = await ensurePage(db, page);
    const now = nowIso();
    const annotation: Annotation = {
      id: newId(),
      pageId: record.id,
      target: { source: page.keys.url, selector },
      body: {
        color: clean.color ?? 'yellow',
        note: clean.note ?? '',
        tags: await ensureTags(db, clean.tags ?? []),
      },
      created: now,
      modified: now,
      anchor: 'anchored',
    };
    await db.annotations.add(annotation);
    return { annotation, page: record };
  });
}

export async function updateAnnotation(db: SaqtaDB, id: string, body: Partial<AnnotationBody>): Promise<Annotation | undefined> {
  const clean = cleanBody(body);
  return db.transaction('rw', db.annotations, db.tags, async () => {
    const a = await db.annotations.get(id);
    if (!a) return undefined;
    const next: Annotation = {
      ...a,
      body: {
        ...a.body,
        ...clean,
        tags: clean.tags ? await ensureTags(db, clean.tags) : a.body.tags,
      },
      modified: nowIso(),
    };
    await db.annotations.put(next);
    return next;
  });
}

export async function setAnchorStates(db: SaqtaDB, states: Record<string, AnchorState>): Promise<number> {
  return db.transaction('rw', db.annotations, async () => {
    let changed = 0;
    for (const [id, state] of Object.entries(states)) {
      if (state !== 'anchored' && state !== 'orphan') continue;
      changed += await db.annotations.where('id').equals(id).and((a) => a.anchor !== state).modify({ anchor: state });
    }
    return changed;
  });
}

export async function deleteAnnotation(db: SaqtaDB, id: string): Promise<Annotation | undefined> {
  return db.transaction('rw', db.annotations, async () => {
    const a = await db.annotations.get(id);
    if (a) await db.annotations.delete(id);
    return a;
  });
}

export async function restoreAnnotation(db: SaqtaDB, a: Annotation): Promise<Annotation> {
  validateSelectors(a.target.selector);
  return db.transaction('rw', db.annotations, db.pages, db.tags, async () => {
    if (!(await db.pages.get(a.pageId))) throw new BadInput('The claim’s page is gone.');
    const restored: Annotation = { ...a, body: { ...a.body, tags: await ensureTags(db, a.body.tags) } };
    await db.annotations.put(restored);
    return restored;
  });
}

/** A page's claims, oldest first (views sort them into document order). */
export function annotationsOf(db: SaqtaDB, pageId: string): Promise<Annotation[]> {
  return db.annotations.where('pageId').equals(pageId).sortBy('created');
}

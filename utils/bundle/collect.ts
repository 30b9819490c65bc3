/**
 * What an export holds, read from the database one article at a time (so
 * blobs are only opened as the writer streams them).
 */
import type { SaqtaDB } from '../db';
import { blobText } from '../search/articles';
import type { BundleArticle } from './format';

export type Selection =
  | { kind: 'all' }
  | { kind: 'pages'; pageIds: string[] }
  | { kind: 'tag'; tag: string }
  | { kind: 'claims'; annotationIds: string[] };

/** The pages a selection covers, and for a claim selection which claims. */
export async function selectionPages(db: SaqtaDB, sel: Selection): Promise<{ pageIds: string[]; only?: Set<string> }> {
  if (sel.kind === 'all') return { pageIds: (await db.pages.orderBy('createdAt').primaryKeys()) as string[] };
  if (sel.kind === 'pages') return { pageIds: [...new Set(sel.pageIds)] };
  const claims =
    sel.kind === 'tag'
      ? await db.annotations.where('body.tags').equals(sel.tag).toArray()
      : (await db.annotations.bulkGet(sel.annotationIds)).filter((a) => !!a);
  const pageIds = [...new Set(claims.map((a) => a!.pageId))];
  return { pageIds, only: new Set(claims.map((a) => a!.id)) };
}

/** Pages read per batch: a few index queries for many articles instead of four per article. */
const BATCH = 50;

export async function* collectArticles(db: SaqtaDB, pageIds: string[], only?: Set<string>): AsyncGenerator<BundleArticle> {
  const byPage = <T extends { pageId: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(r.pageId, [...(m.get(r.pageId) ?? []), r]);
    return m;
  };
  // Stable sorts, so equal times keep the primary-key order `where(...).sortBy` gives.
  const sortBy = <T>(rows: T[] | undefined, key: (r: T) => string) => [...(rows ?? [])].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  for (let i = 0; i < pageIds.length; i += BATCH) {
    const ids = pageIds.slice(i, i + BATCH);
    const pages = await db.pages.bulkGet(ids);
    const claims = byPage(await db.annotations.where('pageId').anyOf(ids).toArray());
    const records = byPage(await db.captures.where('pageId').anyOf(ids).toArray());
    const blobs = new Map((await db.blobs.where('pageId').anyOf(ids).toArray()).map((b) => [b.id, b]));
    for (const [k, id] of ids.entries()) {
      const page = pages[k];
      if (!page) continue;
      let annotations = sortBy(claims.get(id), (a) => a.created);
      if (only) annotations = annotations.filter((a) => only.has(a.id));
      const captures = sortBy(records.get(id), (c) => c.capturedAt).map((record) => ({
        record,
        files: record.artifacts.flatMap((ref) => {
          const b = blobs.get(ref.blobId);
          return b ? [{ ref, data: b.data }] : [];
        }),
      }));
      const newest = captures.at(-1)?.files.find((f) => f.ref.kind === 'article');
      const articleHtml = newest ? await blobText(newest.data) : undefined;
      yield { page, annotations, captures, articleHtml };
    }
  }
}

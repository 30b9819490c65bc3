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

export async function* collectArticles(db: SaqtaDB, pageIds: string[], only?: Set<string>): AsyncGenerator<BundleArticle> {
  for (const id of pageIds) {
    const page = await db.pages.get(id);
    if (!page) continue;
    let annotations = await db.annotations.where('pageId').equals(id).sortBy('created');
    if (only) annotations = annotations.filter((a) => only.has(a.id));
    const records = await db.captures.where('pageId').equals(id).sortBy('capturedAt');
    const blobs = new Map((await db.blobs.where('pageId').equals(id).toArray()).map((b) => [b.id, b]));
    const captures = records.map((record) => ({
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

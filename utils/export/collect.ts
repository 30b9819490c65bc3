/**
 * What an export holds, read from the database one article at a time (so
 * blobs are only opened as the writer streams them).
 */
import type { SaqtaDB } from '../db';
import { blobText } from '../search/articles';
import type { BundleArticle } from './portable';
import { shownCopy } from '../store/copy-choice';
import { areaImageId, areaOf } from '../pdf/area';
import { claimsTagged } from '../store/tag-ids';

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
      ? await (await claimsTagged(db, [sel.tag])).toArray()
      : (await db.annotations.bulkGet(sel.annotationIds)).filter((a) => !!a);
  const pageIds = [...new Set(claims.map((a) => a!.pageId))];
  return { pageIds, only: new Set(claims.map((a) => a!.id)) };
}

/** Pages read per batch: a few index queries for many articles instead of four per article. */
const BATCH = 50;

export interface CollectOptions {
  /**
   * Add each article's watch check records (what `withChecks`, utils/store/watch.ts, adds), read
   * with one query per batch instead of one per article, in the same order (time, then id).
   */
  checks?: boolean;
}

export async function* collectArticles(db: SaqtaDB, pageIds: string[], only?: Set<string>, opts: CollectOptions = {}): AsyncGenerator<BundleArticle> {
  const byPage = <T extends { pageId: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) {
      const list = m.get(r.pageId);
      if (list) list.push(r);
      else m.set(r.pageId, [r]);
    }
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
    // The [pageId+at] index's order: time, then id.
    const checks = opts.checks ? byPage(sortBy(sortBy(await db.checks.where('pageId').anyOf(ids).toArray(), (c) => c.id), (c) => c.at)) : undefined;
    const batch = ids.flatMap((id, k) => {
      const page = pages[k];
      if (!page) return [];
      let annotations = sortBy(claims.get(id), (a) => a.created);
      if (only) annotations = annotations.filter((a) => only.has(a.id));
      const captures = sortBy(records.get(id), (c) => c.capturedAt).map((record) => ({
        record,
        files: record.artifacts.flatMap((ref) => {
          const b = blobs.get(ref.blobId);
          return b ? [{ ref, data: b.data as Blob | Uint8Array }] : [];
        }),
      }));
      // The reader's own newest copy unless they chose a colleague's; a colleague's copy (team sync) is used only when the reader has none (issue 23).
      const shownRecord = shownCopy(captures.map((c) => c.record), page.chosenCopy);
      const shown = captures.find((c) => c.record === shownRecord);
      // Area claims' pictures (kept by the PDF viewer, owned by no capture): they travel in reader.html.
      const areaImages = new Map<string, Blob | Uint8Array>();
      for (const a of annotations) {
        const b = areaOf(a) ? blobs.get(areaImageId(a.id)) : undefined;
        if (b) areaImages.set(a.id, b.data as Blob | Uint8Array);
      }
      return [{ page, annotations, captures, shownId: shown?.record.id, newest: shown?.files.find((f) => f.ref.kind === 'article'), checks: checks?.get(id) ?? [], areaImages }];
    });
    // The newest saved copies of the batch read at once (each Blob read waits on the browser's blob store);
    // the writers then use these bytes instead of reading the Blob again.
    const texts = await Promise.all(
      batch.map(async ({ newest }) => {
        if (!newest) return undefined;
        if (newest.data instanceof Uint8Array) return blobText(newest.data);
        const bytes = new Uint8Array(await newest.data.arrayBuffer());
        newest.data = bytes;
        return blobText(bytes);
      }),
    );
    for (const [k, { page, annotations, captures, shownId, checks: own, areaImages }] of batch.entries()) {
      const article: BundleArticle = { page, annotations, captures, articleHtml: texts[k], ...(shownId ? { shown: shownId } : {}), ...(areaImages.size ? { areaImages } : {}) };
      yield opts.checks && own.length ? { ...article, checks: own } : article;
    }
  }
}

/**
 * Keep the search index of saved article texts in step with the article
 * blobs the save feature stores (kind 'article'). Runs in the library page
 * on open and after imports; cheap when nothing changed (index-only reads).
 */
import type { SaqtaDB } from '../db';
import { htmlToText } from './html-text';
import { terms } from './fold';

export async function indexArticleTexts(db: SaqtaDB, onProgress?: (done: number, total: number) => void): Promise<number> {
  // Index keys only first: article blobs whose id no text names yet. Usually none.
  const indexed = new Set((await db.texts.orderBy('blobId').keys()) as string[]);
  const fresh = ((await db.blobs.where('kind').equals('article').primaryKeys()) as string[]).filter((id) => !indexed.has(id));
  if (!fresh.length) return 0;
  // Every article blob of the pages concerned: the newest per page wins (blob
  // ids sort by nothing useful; captures know the time). An older copy of a
  // saved page stays unindexed and brings its page here on each run: cheap.
  const pageIds = [...new Set((await db.blobs.bulkGet(fresh)).filter((b) => !!b).map((b) => b!.pageId))];
  const articles = (await db.blobs.where('pageId').anyOf(pageIds).toArray()).filter((b) => b.kind === 'article');
  const captures = new Map((await db.captures.bulkGet([...new Set(articles.map((b) => b.captureId))])).filter((c) => !!c).map((c) => [c!.id, c!.capturedAt]));
  const newest = new Map<string, (typeof articles)[number]>();
  for (const b of articles) {
    const cur = newest.get(b.pageId);
    if (!cur || (captures.get(b.captureId) ?? '') > (captures.get(cur.captureId) ?? '')) newest.set(b.pageId, b);
  }
  const todo = [...newest.values()].filter((b) => !indexed.has(b.id));
  let done = 0;
  for (const b of todo) {
    const text = htmlToText(await blobText(b.data));
    await db.texts.put({ pageId: b.pageId, blobId: b.id, text, terms: terms(text) });
    done++;
    onProgress?.(done, todo.length);
  }
  return done;
}

export async function blobText(data: Blob | ArrayBuffer | Uint8Array | string): Promise<string> {
  if (typeof data === 'string') return data;
  if (typeof (data as Blob).text === 'function') return (data as Blob).text();
  return new TextDecoder().decode(data as Uint8Array);
}

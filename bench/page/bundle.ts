/**
 * Runs in an extension page of the benchmark browser, after
 * bench/page/library.ts has generated a library: times Saqta's export and
 * import of its articles, and the plain way of doing the same (the peer).
 */
import { SaqtaDB } from '../../utils/db';
import { collectArticles } from '../../utils/bundle/collect';
import { writeBundle } from '../../utils/bundle/write';
import { parseBundle } from '../../utils/bundle/read';
import { mergeIntoLibrary } from '../../utils/bundle/merge';
import { blobSource } from '../../utils/bundle/zip-read';
import { currentDb } from './library';

export { seed, clear } from './library';

let lastBundle: Blob | null = null;

/** Export the first `count` articles as a Saqta bundle, into a Blob folded every 8 MiB as the library page does. */
export async function exportBundle(count: number) {
  const ids = ((await currentDb().pages.orderBy('createdAt').primaryKeys()) as string[]).slice(0, count);
  const t0 = performance.now();
  let parts: BlobPart[] = [];
  let pending: Uint8Array[] = [];
  let size = 0;
  const fold = () => {
    parts = [new Blob([...parts, ...(pending as BlobPart[])])];
    pending = [];
    size = 0;
  };
  await writeBundle(collectArticles(currentDb(), ids), { title: 'bench', created: new Date(), software: 'Saqta bench', total: ids.length }, (c) => {
    pending.push(c);
    size += c.length;
    if (size > 8 * 1024 * 1024) fold();
  });
  fold();
  lastBundle = new Blob(parts, { type: 'application/zip' });
  const ms = performance.now() - t0;
  return { ms, bytes: lastBundle.size };
}

let lastDump: string | null = null;

/** The peer: the same rows as one JSON document (no hashes, no reader copies, no ZIP). */
export async function exportJson(count: number) {
  const ids = ((await currentDb().pages.orderBy('createdAt').primaryKeys()) as string[]).slice(0, count);
  const t0 = performance.now();
  const pages = await currentDb().pages.bulkGet(ids);
  const claims = await currentDb().annotations.where('pageId').anyOf(ids).toArray();
  const captures = await currentDb().captures.where('pageId').anyOf(ids).toArray();
  const blobs = await currentDb().blobs.where('pageId').anyOf(ids).toArray();
  const articles = await Promise.all(blobs.map(async (b) => ({ id: b.id, html: await b.data.text() })));
  lastDump = JSON.stringify({ pages, claims, captures, articles });
  return { ms: performance.now() - t0, bytes: new Blob([lastDump]).size };
}

/** Import the last exported bundle into an empty library, read by slices from its Blob as the library page reads a picked File. */
export async function importBundle() {
  const target = new SaqtaDB('saqta-bench-import');
  await target.delete();
  await target.open();
  const t0 = performance.now();
  const parsed = await parseBundle(blobSource(lastBundle!));
  const summary = await mergeIntoLibrary(target, parsed.articles, parsed.claims);
  const ms = performance.now() - t0;
  const counts = { pages: await target.pages.count(), claims: await target.annotations.count() };
  await target.delete();
  return { ms, summary, counts };
}

/** The peer: JSON.parse the dump and bulkAdd its rows into an empty library. */
export async function importJson() {
  const target = new SaqtaDB('saqta-bench-import');
  await target.delete();
  await target.open();
  const t0 = performance.now();
  const dump = JSON.parse(lastDump!);
  await target.transaction('rw', [target.pages, target.annotations, target.captures], async () => {
    await target.pages.bulkAdd(dump.pages);
    await target.annotations.bulkAdd(dump.claims);
    await target.captures.bulkAdd(dump.captures);
  });
  const ms = performance.now() - t0;
  await target.delete();
  return { ms };
}


/**
 * Runs in an extension page of the benchmark browser, after
 * bench/page/library.ts has generated a library: times Saqta's export and
 * import of its articles the way the library page does them, and the plain
 * way of doing the same (the peer).
 *
 * Export: `buildWacz` (entrypoints/library/export.ts), what the Export
 * button runs minus the download: a signed WACZ (WARC records, CDXJ, pages,
 * reader copies, datapackage and its signed digest) into a Blob folded every
 * 8 MiB. Import: `importFile` (utils/import/import.ts), what the Import
 * button runs minus the file picker: the WACZ checked (ZIP, hashes,
 * signature, every CDXJ entry against its record), its saved HTML sanitized,
 * then merged in one transaction.
 */
import { SaqtaDB } from '../../utils/db';
import { buildWacz } from '../../entrypoints/library/export';
import { importFile } from '../../utils/import/import';
import { currentDb } from './library';

export { seed, clear } from './library';

let lastBundle: Blob | null = null;

/** Export every article of the generated library as the Export button does (a signed WACZ). */
export async function exportBundle(count: number) {
  const t0 = performance.now();
  let shown = 0;
  const { blob } = await buildWacz(currentDb(), { kind: 'all' }, 'Saqta bench', (done) => void (shown = done), undefined, { title: 'bench', lang: 'en' });
  const ms = performance.now() - t0;
  // Imported as one contiguous file, as a File the reader picks is (not the export's chain of folded parts).
  lastBundle = new Blob([await blob.arrayBuffer()], { type: blob.type });
  if (shown !== count) throw new Error(`exported ${shown} articles, expected ${count}`);
  return { ms, bytes: lastBundle.size };
}

/** The last export's bytes, base64 (the js-wacz peer packages its WARC records in Node). */
export async function lastExportBase64() {
  const bytes = new Uint8Array(await lastBundle!.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
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

/** Import the last export into an empty library as the Import button does with a picked File. */
export async function importBundle() {
  const target = new SaqtaDB('saqta-bench-import');
  await target.delete();
  await target.open();
  const t0 = performance.now();
  const summary = await importFile(target, lastBundle!);
  const ms = performance.now() - t0;
  const counts = { pages: await target.pages.count(), claims: await target.annotations.count(), blobs: await target.blobs.count() };
  await target.delete();
  return { ms, summary: { pages: summary.pages, claims: summary.claims }, counts };
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


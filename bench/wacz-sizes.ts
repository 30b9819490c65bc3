/**
 * `npx vite-node bench/wacz-sizes.ts -- export.wacz`: for each article of a
 * Saqta WACZ, the size of its own .wacz export against the older .zip bundle
 * of the same data, and the time `npm run verify` takes on the whole file.
 * (Node, fake-indexeddb: the same pure writers the library page runs.)
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { SaqtaDB } from '../utils/db';
import { importBytes } from '../utils/import/import';
import { collectArticles } from '../utils/export/collect';
import { writeBundle } from '../utils/bundle/write';
import { writeWacz } from '../utils/wacz/write';
import { verifyAny } from '../utils/wacz/verify';
import { memorySource } from '../utils/zip/read';

async function size(write: (sink: (c: Uint8Array) => void) => Promise<unknown>): Promise<number> {
  let n = 0;
  await write((c) => {
    n += c.length;
  });
  return n;
}

async function main() {
  const file = process.argv.slice(2).find((a) => a !== '--');
  if (!file) throw new Error('usage: vite-node bench/wacz-sizes.ts -- export.wacz');
  const bytes = new Uint8Array(readFileSync(file));
  const t0 = performance.now();
  const report = await verifyAny(memorySource(bytes));
  console.log(`verify ${file}: ${report.ok ? 'intact' : 'FAILED'}, ${bytes.length} bytes, ${Math.round(performance.now() - t0)} ms`);
  const db = new SaqtaDB(`sizes-${Date.now()}`);
  await importBytes(db, bytes);
  const opts = { title: 'sizes', created: new Date(), software: 'bench' };
  for (const page of await db.pages.toArray()) {
    const wacz = await size((sink) => writeWacz(collectArticles(db, [page.id]), opts, sink));
    const zip = await size((sink) => writeBundle(collectArticles(db, [page.id]), opts, sink));
    const stored = (await db.blobs.where('pageId').equals(page.id).toArray()).reduce((s, b) => s + b.size, 0);
    console.log(`${page.url}: WACZ ${wacz} bytes, old .zip bundle ${zip} bytes (${(wacz / zip).toFixed(2)}×), stored ${stored} bytes`);
  }
}

void main();

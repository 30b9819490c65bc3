/**
 * The WACZ export peer: `@harvard-lil/js-wacz` (Harvard LIL, MIT), run in
 * Node as published, packaging the WARC files of a Saqta export, so it does
 * the same hashing (SHA-256 of every file for datapackage.json), indexing
 * (reads every record with warcio to write the CDXJ, in its worker pool) and
 * zipping (STORED) as Saqta's writer. Its input is the `archive/*.warc.gz`
 * files of Saqta's own WACZ, written to a folder beforehand (untimed): the
 * same records. What it does not do that Saqta does: read the records out of
 * a database, gzip each record, add reader copies, sign the digest.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { WACZ } from '@harvard-lil/js-wacz';

const quiet = { trace() {}, info() {}, warn() {}, error() {}, log() {} };

/** Write the WARC files of a WACZ into `dir/warcs`; their count and bytes. */
export function extractWarcs(wacz: Uint8Array, dir: string): { files: number; bytes: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'warcs'), { recursive: true });
  const entries = unzipSync(wacz, { filter: (f) => f.name.startsWith('archive/') && f.name.endsWith('.warc.gz') });
  let bytes = 0;
  for (const [name, data] of Object.entries(entries)) {
    writeFileSync(join(dir, 'warcs', name.slice('archive/'.length)), data);
    bytes += data.length;
  }
  return { files: Object.keys(entries).length, bytes };
}

/** Package `dir/warcs/*.warc.gz` into `dir/out.wacz` with js-wacz; wall time and the file's size. */
export async function packWithJsWacz(dir: string): Promise<{ ms: number; bytes: number; index: string[] }> {
  const output = join(dir, 'out.wacz');
  rmSync(output, { force: true });
  const t0 = performance.now();
  const wacz = new WACZ({ input: join(dir, 'warcs', '*.warc.gz'), output, title: 'bench', log: quiet });
  await wacz.process(false);
  const ms = performance.now() - t0;
  // (Read back, untimed: which index files it wrote — index.cdx, or a ZipNum index.cdx.gz + index.idx above 3,000 records.)
  const index = Object.keys(unzipSync(new Uint8Array(readFileSync(output)), { filter: (f) => f.name.startsWith('indexes/') }));
  return { ms, bytes: statSync(output).size, index };
}

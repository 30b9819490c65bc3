/**
 * `npm run verify -- export.wacz [older.zip …]`: check Saqta WACZ exports (and
 * WACZ files of other tools: ZIP, datapackage, digest, hashes, CDXJ against
 * WARC records) and older Saqta .zip bundles without
 * Saqta or a browser (Node + vite-node). Exits 0 when every bundle is intact,
 * 1 when any check fails (each failure names the file), 2 on usage errors.
 * The checks are utils/bundle/verify.ts, the same code the extension uses;
 * the archive is read from disk by slices, never whole into memory.
 */
import { open } from 'node:fs/promises';
import { formatReport } from '../utils/bundle/verify';
import { verifyAny } from '../utils/wacz/verify';
import type { ByteSource } from '../utils/bundle/zip-read';

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (!args.length || args.includes('--help') || args.includes('-h')) {
    console.log('Usage: npm run verify -- export.wacz [bundle.zip …]\nChecks the ZIP, datapackage.json and its digest, every file’s SHA-256, every CDXJ entry against its WARC record, the annotations and every quote against its saved article.');
    process.exit(args.length ? 0 : 2);
  }
  let failed = 0;
  for (const file of args) {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      console.error(`FAIL ${file}: cannot read it (${(err as Error).message}).`);
      failed++;
      continue;
    }
    try {
      const fh = handle;
      const { size } = await fh.stat();
      const src: ByteSource = {
        size,
        async read(offset, length) {
          const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
        },
      };
      const t0 = performance.now();
      const report = await verifyAny(src);
      console.log(formatReport(report, file).replace(/^Saqta bundle check/, report.kind === 'wacz' ? 'WACZ check' : 'Saqta bundle check'));
      console.log(`(${report.kind === 'wacz' ? 'WACZ' : 'Saqta .zip bundle'}, ${size} bytes, checked in ${Math.round(performance.now() - t0)} ms)`);
      if (!report.ok) failed++;
    } finally {
      await handle.close();
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();

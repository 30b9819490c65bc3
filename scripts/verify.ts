/**
 * `npm run verify -- export.wacz [older.zip …]`: check Saqta WACZ exports (and
 * WACZ files of other tools: ZIP, datapackage, digest, hashes, CDXJ against
 * WARC records) and older Saqta .zip bundles without
 * Saqta or a browser (Node + vite-node). Exits 0 when every bundle is intact,
 * 1 when any check fails (each failure names the file), 2 on usage errors.
 * The checks are utils/bundle/verify.ts, the same code the extension uses;
 * the archive is read from disk by slices, never whole into memory.
 */
import { open, readFile } from 'node:fs/promises';
import { JSDOM } from 'jsdom';
import { formatReport } from '../utils/bundle/verify';
import { verifyAny } from '../utils/wacz/verify';
import type { ByteSource } from '../utils/bundle/zip-read';
import { checkEvidence, type EvidenceReport } from '../utils/evidence/check';
import { fromPem } from '../utils/evidence/bytes';

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  // --tsa-ca ca.pem: the CA certificate(s) trusted for timestamp authorities (issue 14).
  let caFile: string | undefined;
  const at = args.indexOf('--tsa-ca');
  if (at >= 0) {
    caFile = args[at + 1];
    args.splice(at, 2);
    if (!caFile) {
      console.error('--tsa-ca needs a PEM file of the timestamp authority’s CA.');
      process.exit(2);
    }
  }
  if (!args.length || args.includes('--help') || args.includes('-h')) {
    console.log('Usage: npm run verify -- export.wacz [bundle.zip …] [--tsa-ca ca.pem]\nChecks the ZIP, datapackage.json and its digest, every file’s SHA-256, every CDXJ entry against its WARC record, the annotations and every quote against its saved article; then the signature (who) and every RFC 3161 timestamp token (when: imprint, token signature and, with --tsa-ca, the chain to that CA), and prints the same checks as openssl commands.');
    process.exit(args.length ? 0 : 2);
  }
  let trusted: Uint8Array[] = [];
  if (caFile) {
    try {
      trusted = fromPem(await readFile(caFile, 'utf8'));
    } catch (err) {
      console.error(`Cannot read the CA file ${caFile}: ${(err as Error).message}`);
      process.exit(2);
    }
    if (!trusted.length) {
      console.error(`${caFile} holds no PEM certificate.`);
      process.exit(2);
    }
  }
  let failed = 0;
  // Saved HTML is checked with the same DOMPurify configuration as import, in jsdom's DOM.
  const window = new JSDOM('').window as unknown as Window & typeof globalThis;
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
      let evidence: EvidenceReport | undefined;
      const report = await verifyAny(src, {
        window,
        async evidence(read) {
          evidence = await checkEvidence(globalThis.crypto.subtle, read.files, { trusted, fileName: file, caFile });
          return evidence.lines;
        },
      });
      console.log(formatReport(report, file).replace(/^Saqta bundle check/, report.kind === 'wacz' ? 'WACZ check' : 'Saqta bundle check'));
      console.log(`(${report.kind === 'wacz' ? 'WACZ' : 'Saqta .zip bundle'}, ${size} bytes, checked in ${Math.round(performance.now() - t0)} ms)`);
      if (evidence) {
        console.log(report.ok && evidence.proved.length ? `PROVED: ${evidence.proved.join('; ')}.` : report.ok ? 'PROVED: the files are intact; nothing says who made them or when.' : 'PROVED: nothing — see the problems above.');
        if (report.ok && evidence.openssl.length) console.log(['', 'The same checks without Saqta (bash, openssl, unzip):', ...evidence.openssl.map((l) => (l.startsWith('#') ? l : `  ${l}`))].join('\n'));
      }
      if (!report.ok) failed++;
    } finally {
      await handle.close();
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();

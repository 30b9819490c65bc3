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
import type { ByteSource } from '../utils/zip/read';
import { checkEvidence, type EvidenceReport } from '../utils/evidence/check';
import { fromPem } from '../utils/evidence/bytes';
import { keyFingerprint, trustedKeysFrom } from '../utils/evidence/trust';
import { shortFingerprint } from '../utils/evidence/keys';

/** Take `--key` and `--keys` out of the arguments: the fingerprints they name. */
async function takeKeys(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = args.indexOf('--key'); i >= 0; i = args.indexOf('--key')) {
    const value = args[i + 1];
    args.splice(i, 2);
    if (!value) throw new Error('--key needs a key fingerprint (64 hex digits) or a PEM public key file.');
    let fp = keyFingerprint(value);
    if (!fp) {
      const text = await readFile(value, 'utf8').catch(() => null);
      if (text === null) throw new Error(`--key ${value}: not a fingerprint (64 hex digits), and no such file.`);
      fp = keyFingerprint(text);
      if (!fp) throw new Error(`--key ${value}: the file holds no PEM public key.`);
    }
    out.push(fp);
  }
  for (let i = args.indexOf('--keys'); i >= 0; i = args.indexOf('--keys')) {
    const file = args[i + 1];
    args.splice(i, 2);
    if (!file) throw new Error('--keys needs a trusted-keys file.');
    const text = await readFile(file, 'utf8').catch((e: Error) => {
      throw new Error(`Cannot read the trusted-keys file ${file}: ${e.message}`);
    });
    try {
      out.push(...trustedKeysFrom(text));
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** The last lines: whose proof this is, and whether verify passes (issue 24). */
function verdict(intact: boolean, evidence: EvidenceReport | undefined): { lines: string[]; pass: boolean } {
  const fp = evidence?.signature.fingerprint;
  const lines = [`SIGNER: ${fp ?? (evidence?.signature.domain ? `domain ${evidence.signature.domain}` : 'none')}`];
  const time = evidence?.proved.filter((p) => !p.startsWith('signed by')) ?? [];
  if (!intact || evidence?.trust === 'broken') return { lines: [...lines, 'NOT PROVED: see the problems above.'], pass: false };
  if (!evidence || evidence.trust === 'not-signed') {
    return { lines: [...lines, 'NOT SIGNED: the files are intact, but nothing says who made them.', ...(time.length ? [`What the timestamps prove: ${time.join('; ')}.`] : [])], pass: false };
  }
  if (evidence.trust === 'proved') return { lines: [...lines, `PROVED: ${evidence.proved.join('; ')}.`], pass: true };
  return {
    lines: [
      ...lines,
      `SIGNED BY AN UNKNOWN KEY ${fp ?? evidence.signature.domain ?? '?'}${fp ? ` (${shortFingerprint(fp)})` : ''}: the files are intact and this key signed them, but you have not named it as trusted (--key or --keys).`,
      ...(time.length ? [`What the timestamps prove: ${time.join('; ')}.`] : ['No timestamp proves when.']),
    ],
    pass: true,
  };
}

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
  // --key <fingerprint | public-key.pem> (repeatable) and --keys <file>: the signers the person trusts (issue 24).
  let trustedKeys: string[];
  try {
    trustedKeys = await takeKeys(args);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  if (!args.length || args.includes('--help') || args.includes('-h')) {
    console.log('Usage: npm run verify -- export.wacz [bundle.zip …] [--tsa-ca ca.pem] [--key FINGERPRINT|key.pem …] [--keys trusted-keys.txt]\nVerdicts: PROVED (intact, signed by a key you named with --key/--keys; exit 0), SIGNED BY AN UNKNOWN KEY <fingerprint> (intact, signed by a key you did not name; exit 0), NOT SIGNED (exit 1), FAIL (exit 1); usage errors exit 2. A trusted-keys file holds one fingerprint a line (# comments) or PEM public keys.\nChecks the ZIP, datapackage.json and its digest, every file’s SHA-256, every CDXJ entry against its WARC record, the annotations and every quote against its saved article; then the signature (who) and every RFC 3161 timestamp token (when: imprint, token signature and, with --tsa-ca, the chain to that CA), and prints the same checks as openssl commands.');
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
          evidence = await checkEvidence(globalThis.crypto.subtle, read.files, { trusted, fileName: file, caFile, trustedKeys });
          return evidence.lines;
        },
      });
      console.log(formatReport(report, file).replace(/^Saqta bundle check/, report.kind === 'wacz' ? 'WACZ check' : 'Saqta bundle check'));
      console.log(`(${report.kind === 'wacz' ? 'WACZ' : 'Saqta .zip bundle'}, ${size} bytes, checked in ${Math.round(performance.now() - t0)} ms)`);
      const v = verdict(report.ok, evidence);
      console.log(v.lines.join('\n'));
      if (report.ok && evidence?.openssl.length) console.log(['', 'The same checks without Saqta (bash, openssl, unzip):', ...evidence.openssl.map((l) => (l.startsWith('#') ? l : `  ${l}`))].join('\n'));
      if (!v.pass) failed++;
    } finally {
      await handle.close();
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();

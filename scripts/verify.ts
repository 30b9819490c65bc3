/**
 * `npm run verify -- bundle.zip [more.zip …]`: check Saqta bundles without
 * Saqta or a browser (Node + vite-node). Exits 0 when every bundle is intact,
 * 1 when any check fails (each failure names the file), 2 on usage errors.
 * The checks are utils/bundle/verify.ts, the same code the extension uses.
 */
import { readFileSync, statSync } from 'node:fs';
import { verifyBundle, formatReport } from '../utils/bundle/verify';

const args = process.argv.slice(2).filter((a) => a !== '--');
if (!args.length || args.includes('--help') || args.includes('-h')) {
  console.log('Usage: npm run verify -- bundle.zip [more.zip …]\nChecks the manifest, every file’s SHA-256, the annotations and every quote against its saved article.');
  process.exit(args.length ? 0 : 2);
}
let failed = 0;
for (const file of args) {
  let bytes: Uint8Array;
  try {
    if (statSync(file).size > 2 * 1024 ** 3) throw new Error('larger than 2 GiB');
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    console.error(`FAIL ${file}: cannot read it (${(err as Error).message}).`);
    failed++;
    continue;
  }
  const report = verifyBundle(bytes);
  console.log(formatReport(report, file));
  if (!report.ok) failed++;
}
process.exit(failed ? 1 : 0);

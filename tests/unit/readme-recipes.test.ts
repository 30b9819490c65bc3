// @vitest-environment node
/**
 * Issue 24: the README's hand-check recipes work as written. A signed, time-stamped export
 * (a real `openssl ts` TSA on 127.0.0.1) whose capture has a screenshot added after the save
 * (`addedAt`, as every real save has); then every command of the README's "Checking both
 * without Saqta" block and its `npm run verify … --key` line run in bash with the placeholders
 * filled in, as a person would fill them. (The commands `verify` prints are run by
 * tests/unit/evidence-wacz.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';
import { collectArticles, selectionPages } from '../../utils/export/collect';
import { concatBytes, unzipStrict } from '../../utils/zip/read';
import { writeWacz } from '../../utils/wacz/write';
import { createKeyRecord, type KeyRecord } from '../../utils/evidence/keys';
import { p1363ToDer, signHash } from '../../utils/evidence/sign';
import { fromBase64, toBase64 } from '../../utils/evidence/bytes';
import { recordBytes, recordHash } from '../../utils/evidence/record';
import { requestToken, requestTokenFor, type TsaPost } from '../../utils/evidence/queue';
import { ROOT } from '../paths';
import { seedLibrary } from './bundle-helpers';
import { startTsa, type TestTsa } from '../support/tsa';

const post: TsaPost = async (url, body) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
};
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

let tsa: TestTsa;
let key: KeyRecord;
let dir: string;
beforeAll(async () => {
  tsa = await startTsa();
  key = await createKeyRecord(crypto.subtle);
  dir = mkdtempSync(join(tmpdir(), 'saqta-readme-'));
});
afterAll(async () => {
  await tsa?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fenced block of the README: the first ``` block after `heading`. */
function block(readme: string, heading: string, lang = 'sh'): string {
  const at = readme.indexOf(heading);
  expect(at, heading).toBeGreaterThan(0);
  const start = readme.indexOf('```' + lang + '\n', at) + 4 + lang.length;
  return readme.slice(start, readme.indexOf('\n```', start));
}

describe('the README’s recipes, as written', () => {
  it('the signature and both kinds of RFC 3161 token check by hand, screenshot added after the save included', async () => {
    const db = await seedLibrary();
    const [cap] = await db.captures.toArray();
    // The screenshot arrives after the ✓, as in every real save.
    await db.captures.update(cap!.id, { artifacts: cap!.artifacts.map((a) => (a.kind === 'screenshot' ? { ...a, addedAt: '2026-06-24T11:12:04.000Z' } : a)) });
    for (const c of await db.captures.toArray()) {
      const info = await requestToken(post, tsa.url, recordBytes(c));
      await db.captures.update(c.id, { timestamp: { state: 'stamped', tsa: tsa.url, recordHash: recordHash(c), token: info.token, genTime: info.genTime, tsaName: info.tsaName } });
    }
    const { pageIds, only } = await selectionPages(db, { kind: 'all' });
    const chunks: Uint8Array[] = [];
    await writeWacz(collectArticles(db, pageIds, only), {
      title: 'README', created: new Date(), software: 'Saqta (test)',
      async digestFields(hash, datapackage) {
        const stamp = await requestTokenFor(post, tsa.url, hexToBytes(hash.slice('sha256:'.length)));
        const created = JSON.parse(text(datapackage)).created as string;
        return { signedData: await signHash(crypto.subtle, key, hash, 'Saqta (test)', new Date(created), created), timestamps: [{ tsa: tsa.url, token: stamp.token }] };
      },
    }, (c) => void chunks.push(c));
    const wacz = concatBytes(chunks);
    writeFileSync(join(dir, 'export.wacz'), wacz);
    writeFileSync(join(dir, 'tsa-ca.pem'), readFileSync(tsa.caFile));
    const files = await unzipStrict(wacz);
    const digest = JSON.parse(text(files.get('datapackage-digest.json')));
    const capturePath = [...files.keys()].find((n) => n.endsWith('/capture-1/capture.json') && JSON.parse(text(files.get(n))).artifacts.some((a: { addedAt?: string }) => a.addedAt))!;
    expect(capturePath).toBeTruthy();

    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const recipe = block(readme, '**Checking both without Saqta**')
      .replaceAll("'sha256:<hash>'", `'${digest.hash}'`)
      .replaceAll("'<publicKey>'", `'${digest.signedData.publicKey}'`)
      .replaceAll("'<signature, as DER>'", `'${toBase64(p1363ToDer(fromBase64(digest.signedData.signature)))}'`)
      .replaceAll("'<timestamps[0].token>'", `'${digest.timestamps[0].token}'`)
      .replaceAll("'<capture.json>'", `'${capturePath}'`);
    expect(recipe).not.toMatch(/'<[^>]+>'/);
    const out = execFileSync('bash', ['-e', '-o', 'pipefail', '-c', recipe], { cwd: dir, encoding: 'utf8' });
    expect(out).toContain('Verified OK');
    expect(out.match(/Verification: OK/g)).toHaveLength(2);
    expect(out).toContain(key.fingerprint.toLowerCase());

    // The pitfall the README names: hashing every listed artifact, the screenshot too, does not match.
    const naive = recipe.replace('if "addedAt" not in a]', ']');
    expect(() => execFileSync('bash', ['-e', '-o', 'pipefail', '-c', naive], { cwd: dir, encoding: 'utf8', stdio: 'pipe' })).toThrow(/message imprint mismatch/);

    // The verify line, with the fingerprint a person would paste.
    const line = block(readme, '**Checking both, with Saqta\'s verify:**').trim();
    const args = line.replace(/^npm run verify -- /, '').split(/\s+/).map((a) => (a.endsWith('.wacz') ? join(dir, 'export.wacz') : a === 'freetsa-cacert.pem' ? tsa.caFile : /^[0-9A-F]{16}…$/.test(a) ? key.fingerprint : a));
    const verify = execFileSync(join(ROOT, 'node_modules', '.bin', 'vite-node'), [join(ROOT, 'scripts', 'verify.ts'), '--', ...args], { cwd: ROOT, encoding: 'utf8' });
    expect(verify).toMatch(/^PROVED: signed by your trusted key/m);
  });
});

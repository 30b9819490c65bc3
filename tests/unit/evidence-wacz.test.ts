// @vitest-environment node
/**
 * Issue 14 on real WACZ exports: every export is signed (WACZ signing spec,
 * anonymous key, in datapackage-digest.json) and carries its timestamp tokens
 * (the package's and each capture record's, from a real `openssl ts` TSA on
 * 127.0.0.1). `npm run verify -- file --tsa-ca ca.pem` is run as a person runs
 * it; the openssl commands it prints are run too; a forger who rewrites a
 * capture and every hash but cannot sign is caught by verify and refused by
 * import; import keeps the tokens and says who signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { SaqtaDB } from '../../utils/db';
import { collectArticles, selectionPages } from '../../utils/export/collect';
import { unzipStrict, concatBytes, listEntries } from '../../utils/zip/read';
import { importBytes } from '../../utils/import/import';
import { writeWacz } from '../../utils/wacz/write';
import { createKeyRecord, groupFingerprint, publicKeyPem, type KeyRecord } from '../../utils/evidence/keys';
import { fromBase64 } from '../../utils/evidence/bytes';
import { signHash } from '../../utils/evidence/sign';
import { recordBytes, recordHash } from '../../utils/evidence/record';
import { requestToken, requestTokenFor, type TsaPost } from '../../utils/evidence/queue';
import { ROOT } from '../paths';
import { seedLibrary, htmlWindow } from './bundle-helpers';
import { startTsa, type TestTsa } from '../support/tsa';

const post: TsaPost = async (url, body) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
};
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const ARTIFACTS = join(ROOT, 'test-artifacts');

let tsa: TestTsa;
let key: KeyRecord;
let dir: string;
beforeAll(async () => {
  tsa = await startTsa();
  key = await createKeyRecord(crypto.subtle);
  dir = mkdtempSync(join(tmpdir(), 'saqta-signed-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await tsa?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The seed library with every capture time-stamped, exported as the library page does (signed, the package stamped). */
async function signedExport(): Promise<{ bytes: Uint8Array; db: SaqtaDB }> {
  const db = await seedLibrary();
  for (const c of await db.captures.toArray()) {
    const info = await requestToken(post, tsa.url, recordBytes(c));
    await db.captures.update(c.id, { timestamp: { state: 'stamped', tsa: tsa.url, recordHash: recordHash(c), token: info.token, genTime: info.genTime, tsaName: info.tsaName } });
  }
  const { pageIds, only } = await selectionPages(db, { kind: 'all' });
  const chunks: Uint8Array[] = [];
  await writeWacz(
    collectArticles(db, pageIds, only),
    {
      title: 'Signed', created: new Date(), software: 'Saqta 0.1.0 (test)',
      async digestFields(hash, datapackage) {
        const stamp = await requestTokenFor(post, tsa.url, hexToBytes(hash.slice('sha256:'.length)));
        // As the background signs (evidence.signPackage): signedData.created is the datapackage's created.
        const created = JSON.parse(text(datapackage)).created as string;
        return { signedData: await signHash(crypto.subtle, key, hash, 'Saqta 0.1.0 (test)', new Date(created), created), timestamps: [{ tsa: tsa.url, token: stamp.token }] };
      },
    },
    (c) => void chunks.push(c),
  );
  return { bytes: concatBytes(chunks), db };
}

/** Sign a package's (changed) datapackage.json with another key, as a forger with their own key would. */
async function resignWith(bytes: Uint8Array, signer: KeyRecord): Promise<Uint8Array> {
  const files = await unzipStrict(bytes);
  const pkgBytes = files.get('datapackage.json')!;
  const hash = `sha256:${bytesToHex(sha256(pkgBytes))}`;
  const created = JSON.parse(text(pkgBytes)).created as string;
  const signedData = await signHash(crypto.subtle, signer, hash, 'Forger 1.0', new Date(created), created);
  return repack(bytes, (f) => f.set('datapackage-digest.json', new TextEncoder().encode(JSON.stringify({ path: 'datapackage.json', hash, signedData }, null, 2))));
}

function verify(file: string, ...extra: string[]): { code: number; out: string } {
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite-node'), [join(ROOT, 'scripts', 'verify.ts'), '--', file, ...extra], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Rebuild the ZIP with changed files (WARC files stored, as WACZ needs). */
async function repack(bytes: Uint8Array, change: (files: Map<string, Uint8Array>) => void): Promise<Uint8Array> {
  const files = await unzipStrict(bytes);
  change(files);
  const order = (await listEntries(bytes)).map((e) => e.name);
  const z: Zippable = {};
  for (const name of order) z[name] = [files.get(name)!, { level: name.startsWith('archive/') ? 0 : 6 }];
  return zipSync(z);
}

describe('signed, time-stamped WACZ', () => {
  let signed: Uint8Array;
  let signedFile: string;

  it('verify proves who and when, and its openssl commands say the same', async () => {
    signed = (await signedExport()).bytes;
    const files = await unzipStrict(signed);
    const digest = JSON.parse(text(files.get('datapackage-digest.json')));
    expect(digest).toMatchObject({ path: 'datapackage.json', hash: `sha256:${bytesToHex(sha256(files.get('datapackage.json')!))}` });
    expect(digest.signedData).toMatchObject({ hash: digest.hash, publicKey: key.spki });
    expect(digest.timestamps).toHaveLength(1);
    const captureFiles = [...files.keys()].filter((n) => n.endsWith('/capture.json'));
    expect(captureFiles.length).toBeGreaterThan(0);
    for (const n of captureFiles) expect(JSON.parse(text(files.get(n))).timestamp).toMatchObject({ state: 'stamped', token: expect.any(String) });

    signedFile = join(dir, 'signed.wacz');
    writeFileSync(signedFile, signed);
    expect(digest.signedData.created).toBe(JSON.parse(text(files.get('datapackage.json'))).created);
    const { code, out } = verify(signedFile, '--tsa-ca', tsa.caFile, '--key', key.fingerprint);
    writeFileSync(join(ARTIFACTS, 'verify-signed.txt'), out);
    expect(code, out).toBe(0);
    expect(out).toContain(`ok   datapackage-digest.json: Signed by key ${key.fingerprint}`);
    expect(out).toContain(`SIGNER: ${key.fingerprint}`);
    expect(out).not.toContain('signedData.created says');
    expect(out).toMatch(new RegExp(`PROVED: signed by your trusted key ${key.fingerprint.slice(0, 16)}….*; exported no later than \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC according to CN=Saqta Test TSA, O=Saqta tests; captured \\(articles/[^)]+/capture-1/capture.json\\) no later than`));
    expect(out).toContain('RESULT: the bundle is intact.');
    // The commands it prints, run in a shell: openssl agrees on the signature and on every token.
    const script = out.split('The same checks without Saqta (bash, openssl, unzip):\n')[1]!;
    const shell = execFileSync('bash', ['-e', '-c', script], { cwd: dir, encoding: 'utf8' });
    expect(shell).toContain('Verified OK');
    expect(shell.match(/Verification: OK/g)).toHaveLength(1 + captureFiles.length);
    expect(shell).toContain(key.fingerprint.toLowerCase());

    // Without the CA, the tokens are intact but who signed them is unchecked: a warning, not a proof.
    const noCa = verify(signedFile, '--key', key.fingerprint);
    expect(noCa.code).toBe(0);
    expect(noCa.out).toContain('give the TSA\'s CA with --tsa-ca');
    expect(noCa.out).not.toMatch(/PROVED:.*no later than/);
    // Another TSA's CA: the chain fails.
    const other = await startTsa('Other TSA');
    try {
      const wrongCa = verify(signedFile, '--tsa-ca', other.caFile);
      expect(wrongCa.code).toBe(1);
      expect(wrongCa.out).toMatch(/FAIL .*certificate/);
    } finally {
      await other.close();
    }
  });

  it('verify says whose proof it is: unknown key, named key, foreign key, unsigned, backdated signing time (issue 24)', async () => {
    // Nobody named a key: intact and signed, but by an unknown key, with its fingerprint; the timestamps still say when.
    const stranger = verify(signedFile, '--tsa-ca', tsa.caFile);
    expect(stranger.code, stranger.out).toBe(0);
    expect(stranger.out).toContain(`SIGNER: ${key.fingerprint}`);
    expect(stranger.out).toContain(`SIGNED BY AN UNKNOWN KEY ${key.fingerprint}`);
    expect(stranger.out).toMatch(/What the timestamps prove: exported no later than .*CN=Saqta Test TSA/);
    expect(stranger.out).not.toMatch(/^PROVED/m);
    // The key named as a PEM file, or in a trusted-keys file (fingerprint, grouped, with a comment): PROVED.
    const pem = join(dir, 'signer.pem');
    writeFileSync(pem, publicKeyPem(fromBase64(key.spki)));
    expect(verify(signedFile, '--tsa-ca', tsa.caFile, '--key', pem).out).toMatch(/^PROVED: signed by your trusted key/m);
    const keysFile = join(dir, 'trusted-keys.txt');
    writeFileSync(keysFile, `# the newsroom\n${groupFingerprint(key.fingerprint).toLowerCase()}  # Aigerim\n`);
    expect(verify(signedFile, '--tsa-ca', tsa.caFile, '--keys', keysFile).out).toMatch(/^PROVED: /m);
    // Another key named: not this one's proof.
    const other = await createKeyRecord(crypto.subtle);
    const wrong = verify(signedFile, '--tsa-ca', tsa.caFile, '--key', other.fingerprint);
    expect(wrong.out).toContain(`SIGNED BY AN UNKNOWN KEY ${key.fingerprint}`);
    // A bad --key is a usage error.
    expect(verify(signedFile, '--key', 'not-a-key').code).toBe(2);

    // Altered bytes re-signed with a fresh key: it verifies, but only as that unknown key, never as PROVED by the named one.
    const resigned = await repack(signed, (files) => {
      files.set('claims.md', new TextEncoder().encode('# Altered\n'));
      const pkg = JSON.parse(text(files.get('datapackage.json')));
      for (const r of pkg.resources) if (r.path === 'claims.md') Object.assign(r, { bytes: files.get('claims.md')!.length, hash: `sha256:${bytesToHex(sha256(files.get('claims.md')!))}` });
      const pkgBytes = new TextEncoder().encode(JSON.stringify(pkg, null, 2));
      files.set('datapackage.json', pkgBytes);
      const hash = `sha256:${bytesToHex(sha256(pkgBytes))}`;
      files.set('datapackage-digest.json', new TextEncoder().encode(JSON.stringify({ path: 'datapackage.json', hash, signedData: null }, null, 2)));
    });
    const foreignFile = join(dir, 'foreign.wacz');
    const foreign = await resignWith(resigned, other);
    writeFileSync(foreignFile, foreign);
    const f = verify(foreignFile, '--key', key.fingerprint);
    expect(f.out).toContain(`SIGNED BY AN UNKNOWN KEY ${other.fingerprint}`);
    expect(f.out).not.toMatch(/^PROVED/m);

    // Unsigned: NOT SIGNED, non-zero.
    const unsignedFile = join(dir, 'unsigned.wacz');
    writeFileSync(unsignedFile, await repack(signed, (files) => {
      const d = JSON.parse(text(files.get('datapackage-digest.json')));
      files.set('datapackage-digest.json', new TextEncoder().encode(JSON.stringify({ path: d.path, hash: d.hash })));
    }));
    const u = verify(unsignedFile, '--key', key.fingerprint);
    expect(u.code).toBe(1);
    expect(u.out).toContain('NOT SIGNED');
    expect(u.out).toContain('SIGNER: none');

    // A backdated signedData.created: the signature still holds (it does not cover it), and verify flags it and prints only the covered time.
    const backFile = join(dir, 'backdated.wacz');
    writeFileSync(backFile, await repack(signed, (files) => {
      const d = JSON.parse(text(files.get('datapackage-digest.json')));
      d.signedData.created = '2020-01-01T00:00:00.000Z';
      files.set('datapackage-digest.json', new TextEncoder().encode(JSON.stringify(d, null, 2)));
    }));
    const b = verify(backFile, '--key', key.fingerprint);
    expect(b.out).toContain('signedData.created says 2020-01-01T00:00:00.000Z, but the signature does not cover it');
    const created = JSON.parse(text((await unzipStrict(signed)).get('datapackage.json'))).created as string;
    expect(b.out).toContain(`created time ${created}`);
    expect(b.out.replace(/signedData.created says 2020-01-01T00:00:00.000Z/, '')).not.toContain('2020-01-01');
  }, 300_000); // nine runs of verify, each a fresh vite-node (slow on a shared machine)

  it('a forger who rewrites a capture and every hash, but cannot sign, is caught by verify and refused by import', async () => {
    const forged = await repack(signed, (files) => {
      const path = [...files.keys()].find((n) => n.endsWith('/capture-1/capture.json'))!;
      const rec = JSON.parse(text(files.get(path)));
      rec.capturedAt = '2026-01-01T00:00:00.000Z';
      files.set(path, new TextEncoder().encode(JSON.stringify(rec, null, 2)));
      const pkg = JSON.parse(text(files.get('datapackage.json')));
      for (const r of pkg.resources) if (r.path === path) Object.assign(r, { bytes: files.get(path)!.length, hash: `sha256:${bytesToHex(sha256(files.get(path)!))}` });
      const pkgBytes = new TextEncoder().encode(JSON.stringify(pkg, null, 2));
      files.set('datapackage.json', pkgBytes);
      const digest = JSON.parse(text(files.get('datapackage-digest.json')));
      digest.hash = `sha256:${bytesToHex(sha256(pkgBytes))}`;
      digest.signedData.hash = digest.hash;
      files.set('datapackage-digest.json', new TextEncoder().encode(JSON.stringify(digest, null, 2)));
    });
    const file = join(dir, 'forged.wacz');
    writeFileSync(file, forged);
    const { code, out } = verify(file, '--tsa-ca', tsa.caFile);
    writeFileSync(join(ARTIFACTS, 'verify-tampered.txt'), out);
    expect(code).toBe(1);
    expect(out).toContain('FAIL datapackage-digest.json: The signature does not match');
    expect(out).toMatch(/FAIL articles\/[^ ]+\/capture-1\/capture.json: Timestamp token of the capture record .*stamps another hash/);
    expect(out).toContain('NOT PROVED: see the problems above.');
    await expect(importBytes(new SaqtaDB(`forged-${Math.random()}`), forged, { window: await htmlWindow() })).rejects.toThrow(/signature does not match/);
  });

  it('import keeps each capture\'s token and says who signed', async () => {
    const db = new SaqtaDB(`import-${Math.random()}`);
    const summary = await importBytes(db, signed, { window: await htmlWindow() });
    // Issue 25: the browser checks no TSA chain, so no token is "trusted": each is intact, its TSA named, not checked.
    expect(summary.evidence).toEqual({ signature: 'valid', fingerprint: key.fingerprint, stamped: 0, unchecked: [expect.stringContaining('Saqta Test TSA')] });
    const caps = await db.captures.toArray();
    for (const c of caps) {
      expect(c.timestamp).toMatchObject({ state: 'stamped', recordHash: recordHash(c), unchecked: true });
      expect(c.timestamp!.tsaName).toContain('Saqta Test TSA');
    }
    // An unsigned WACZ (another tool's, or older) imports and says so.
    const unsigned = await repack(signed, (files) => {
      const d = JSON.parse(text(files.get('datapackage-digest.json')));
      files.set('datapackage-digest.json', new TextEncoder().encode(JSON.stringify({ path: d.path, hash: d.hash })));
    });
    const s2 = await importBytes(new SaqtaDB(`unsigned-${Math.random()}`), unsigned, { window: await htmlWindow() });
    expect(s2.evidence).toMatchObject({ signature: 'unsigned', stamped: 0, unchecked: [expect.stringContaining('Saqta Test TSA')] });
  });
});

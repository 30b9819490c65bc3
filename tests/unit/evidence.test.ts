// @vitest-environment node
/**
 * Issue 14: the install's key, WACZ-style signatures (checked against openssl
 * too), and RFC 3161 tokens from a real TSA (`openssl ts` on 127.0.0.1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRecord, ensureKey, fingerprintOf, groupFingerprint, publicKeyPem, type KeyRecord } from '../../utils/evidence/keys';
import { makeDigestFile, opensslSignatureCommands, p1363ToDer, verifyDigestFile } from '../../utils/evidence/sign';
import { fromBase64, fromPem, utf8 } from '../../utils/evidence/bytes';
import { inspectToken, makeRequest, opensslTokenCommands, readResponse, TimestampError, verifyToken } from '../../utils/evidence/tsp';
import { recordBytes, recordHash } from '../../utils/evidence/record';
import { sha256 } from '@noble/hashes/sha2.js';
import { zipSync } from 'fflate';
import { bytesToHex } from '@noble/hashes/utils.js';
import { startTsa, type TestTsa } from '../support/tsa';
import { unzipStrict } from '../../utils/zip/read';
import { ROOT } from '../paths';

const subtle = globalThis.crypto.subtle;
const manifest = utf8(JSON.stringify({ profile: 'data-package', resources: [{ path: 'a.html', hash: 'sha256:00' }] }, null, 2));

async function stamp(tsa: TestTsa, data: Uint8Array) {
  const req = makeRequest(sha256(data));
  const res = await fetch(tsa.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: req.der });
  expect(res.status).toBe(200);
  return readResponse(new Uint8Array(await res.arrayBuffer()), req);
}

describe('signing key', () => {
  it('is P-384, private key not extractable, fingerprint = SHA-256 of the SPKI; made once', async () => {
    const key = await createKeyRecord(subtle);
    expect(key.privateKey.extractable).toBe(false);
    expect((key.privateKey.algorithm as EcKeyAlgorithm).namedCurve).toBe('P-384');
    await expect(subtle.exportKey('pkcs8', key.privateKey)).rejects.toThrow();
    const spki = fromBase64(key.spki);
    expect(key.fingerprint).toBe(bytesToHex(sha256(spki)).toUpperCase());
    expect(groupFingerprint(key.fingerprint).split(' ')).toHaveLength(16);
    // The PEM is what openssl reads, and openssl computes the same fingerprint.
    const dir = mkdtempSync(join(tmpdir(), 'saqta-key-'));
    try {
      writeFileSync(join(dir, 'k.pem'), publicKeyPem(spki));
      const der = execFileSync('openssl', ['pkey', '-pubin', '-in', join(dir, 'k.pem'), '-outform', 'DER']);
      expect(fingerprintOf(new Uint8Array(der))).toBe(key.fingerprint);
      expect(execFileSync('openssl', ['pkey', '-pubin', '-in', join(dir, 'k.pem'), '-text', '-noout']).toString()).toMatch(/NIST CURVE: P-384|secp384r1/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const stored = new Map<string, KeyRecord>();
    const store = {
      get: async (id: string) => stored.get(id),
      addIfAbsent: async (r: KeyRecord) => (stored.has(r.id) ? stored.get(r.id)! : (stored.set(r.id, r), r)),
    };
    const [a, b] = await Promise.all([ensureKey(store, subtle), ensureKey(store, subtle)]);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect((await ensureKey(store, subtle)).fingerprint).toBe(a.fingerprint);
  });
});

describe('WACZ signature (anonymous form)', () => {
  let key: KeyRecord;
  beforeAll(async () => {
    key = await createKeyRecord(subtle);
  });

  it('signs the hash string; verify needs only the public key in the file', async () => {
    const digest = await makeDigestFile(subtle, key, manifest, 'Saqta 0.1.0');
    expect(digest.hash).toBe(`sha256:${bytesToHex(sha256(manifest))}`);
    expect(digest.signedData).toMatchObject({ hash: digest.hash, publicKey: key.spki, software: 'Saqta 0.1.0' });
    expect(fromBase64(digest.signedData!.signature)).toHaveLength(96);
    // Through JSON, as it travels.
    const check = await verifyDigestFile(subtle, JSON.parse(JSON.stringify(digest)), manifest);
    expect(check).toMatchObject({ state: 'valid', fingerprint: key.fingerprint });
    expect(check.message).toBe(`Signed by key ${key.fingerprint}.`);
    expect((await verifyDigestFile(subtle, digest, manifest, groupFingerprint(key.fingerprint))).state).toBe('valid');
  });

  it('refuses a tampered package, a tampered signature, a swapped key and an unknown signer', async () => {
    const digest = await makeDigestFile(subtle, key, manifest, 'Saqta');
    const changed = utf8(new TextDecoder().decode(manifest).replace('a.html', 'b.html'));
    expect((await verifyDigestFile(subtle, digest, changed)).state).toBe('hash-mismatch');
    // Someone rewrites the hash to match the changed manifest but cannot re-sign it.
    const rehashed = { ...digest, hash: `sha256:${bytesToHex(sha256(changed))}`, signedData: { ...digest.signedData!, hash: `sha256:${bytesToHex(sha256(changed))}` } };
    expect((await verifyDigestFile(subtle, rehashed, changed)).state).toBe('bad-signature');
    const sig = fromBase64(digest.signedData!.signature);
    sig[10]! ^= 1;
    const flipped = { ...digest, signedData: { ...digest.signedData!, signature: btoa(String.fromCharCode(...sig)) } };
    expect((await verifyDigestFile(subtle, flipped, manifest)).state).toBe('bad-signature');
    const other = await createKeyRecord(subtle);
    const wrongKey = { ...digest, signedData: { ...digest.signedData!, publicKey: other.spki } };
    const wk = await verifyDigestFile(subtle, wrongKey, manifest);
    expect(wk).toMatchObject({ state: 'bad-signature', fingerprint: other.fingerprint });
    const bySomeoneElse = await verifyDigestFile(subtle, await makeDigestFile(subtle, other, manifest, 'x'), manifest, key.fingerprint);
    expect(bySomeoneElse.state).toBe('bad-signature');
    expect(bySomeoneElse.message).toContain(`not by the expected key ${key.fingerprint}`);
    expect((await verifyDigestFile(subtle, { path: 'datapackage.json', hash: digest.hash }, manifest)).state).toBe('unsigned');
    expect((await verifyDigestFile(subtle, 'nonsense', manifest)).state).toBe('malformed');
  });

  it('openssl dgst -verify accepts the signature (P1363 converted to DER) with the printed commands, and rejects a tampered hash', async () => {
    const digest = await makeDigestFile(subtle, key, manifest, 'Saqta');
    const der = p1363ToDer(fromBase64(digest.signedData!.signature));
    expect(der[0]).toBe(0x30);
    const dir = mkdtempSync(join(tmpdir(), 'saqta-sig-'));
    try {
      writeFileSync(join(dir, 'datapackage.json'), manifest);
      writeFileSync(join(dir, 'x.zip'), zipSync({ 'datapackage.json': manifest }));
      const script = opensslSignatureCommands(digest.signedData!).join('\n').replace(/<file>/g, 'x.zip');
      const out = execFileSync('bash', ['-e', '-c', script], { cwd: dir }).toString();
      expect(out).toContain('Verified OK');
      expect(out).toContain(digest.hash.slice(7));
      expect(out).toContain(key.fingerprint.toLowerCase());
      writeFileSync(join(dir, 'hash.txt'), digest.hash.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
      let refused = '';
      try {
        execFileSync('openssl', ['dgst', '-sha256', '-verify', 'signer.pem', '-signature', 'signature.der', 'hash.txt'], { cwd: dir, stdio: 'pipe' });
      } catch (e) {
        refused = String((e as { stdout?: Buffer }).stdout);
      }
      expect(refused).toContain('Verification failure');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RFC 3161 with a real TSA (openssl ts on 127.0.0.1)', () => {
  let tsa: TestTsa;
  beforeAll(async () => {
    tsa = await startTsa();
  });
  afterAll(() => tsa?.close());

  const capture = {
    id: 'c1', pageId: 'p1', url: 'https://news.example/a', finalUrl: 'https://news.example/a?x', capturedAt: '2026-11-27T13:44:00.000Z',
    browser: 'Chromium 156', extensionVersion: '0.1.0',
    artifacts: [{ kind: 'article' as const, blobId: 'b1', sha256: 'ab'.repeat(32), size: 10, mime: 'text/html' }],
  };

  it('gets a token for a capture record hash; it verifies with imprint, signature and chain to the CA', async () => {
    const before = Date.now();
    const info = await stamp(tsa, recordBytes(capture));
    expect(info.imprint).toBe(recordHash(capture));
    expect(info.tsaName).toContain('CN=Saqta Test TSA');
    expect(Date.parse(info.genTime)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 2000);
    const token = fromBase64(info.token);
    const ca = fromPem(tsa.caPem);
    const ok = await verifyToken(token, recordBytes(capture), ca);
    expect(ok).toMatchObject({ ok: true, genTime: info.genTime });
    expect(ok.message).toMatch(/^Captured no later than .* according to CN=Saqta Test TSA/);
    // openssl agrees, with the commands verify prints.
    const script = opensslTokenCommands(info.token, recordHash(capture), tsa.caFile).join('\n');
    expect(execFileSync('bash', ['-e', '-c', script], { cwd: tsa.dir }).toString()).toContain('Verification: OK');
  });

  it('fails a changed record, another CA, no CA, and a tampered token', async () => {
    const info = await stamp(tsa, recordBytes(capture));
    const token = fromBase64(info.token);
    const ca = fromPem(tsa.caPem);
    const edited = { ...capture, capturedAt: '2026-11-20T10:00:00.000Z' };
    const changed = await verifyToken(token, recordBytes(edited), ca);
    expect(changed.ok).toBe(false);
    expect(changed.message).toContain('stamps another hash');
    const other = await startTsa('Other TSA');
    try {
      const foreign = await verifyToken(token, recordBytes(capture), fromPem(other.caPem));
      expect(foreign.ok).toBe(false);
      expect(foreign.message).toMatch(/chain|certificate/i);
    } finally {
      await other.close();
    }
    const noCa = await verifyToken(token, recordBytes(capture));
    expect(noCa).toMatchObject({ ok: false });
    expect(noCa.message).toContain('--tsa-ca');
    // Flip a byte inside the signed TSTInfo's genTime: the signature no longer holds.
    const bad = token.slice();
    const at = Buffer.from(bad).indexOf(Buffer.from(info.genTime.slice(0, 4)));
    expect(at).toBeGreaterThan(0);
    bad[at + 3] = bad[at + 3] === 0x39 ? 0x38 : bad[at + 3]! + 1;
    const tampered = await verifyToken(bad, recordBytes(capture), ca);
    expect(tampered.ok).toBe(false);
  });

  it('reads a refusal and a non-answer as errors, and checks the nonce', async () => {
    const req = makeRequest(sha256(utf8('x')));
    const res = await fetch(tsa.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: req.der });
    const body = new Uint8Array(await res.arrayBuffer());
    expect(() => readResponse(body, { ...req, nonce: Uint8Array.of(1, 2, 3) })).toThrow(/nonce/);
    expect(() => readResponse(body, { ...req, imprint: sha256(utf8('y')) })).toThrow(/another hash/);
    expect(() => readResponse(utf8('<html>blocked</html>'))).toThrow(TimestampError);
    expect(() => inspectToken(utf8('nope'))).toThrow(/Not an RFC 3161/);
  });
});

describe('signatures made by other tools', () => {
  const fixture = (name: string) => readFileSync(join(ROOT, 'tests', 'fixtures', 'wacz', name));

  it("accepts ArchiveWeb.page's own anonymous-key signature, and refuses it once datapackage.json changes", async () => {
    const files = await unzipStrict(new Uint8Array(fixture('archiveweb-page-example.wacz')));
    const digest = JSON.parse(new TextDecoder().decode(files.get('datapackage-digest.json')));
    const check = await verifyDigestFile(subtle, digest, files.get('datapackage.json')!);
    expect(check).toMatchObject({ state: 'valid', software: expect.stringContaining('ArchiveWeb.page') });
    expect(check.fingerprint).toBe(fingerprintOf(fromBase64(digest.signedData.publicKey)));
    const changed = files.get('datapackage.json')!.slice();
    changed[changed.length - 3] ^= 1;
    expect((await verifyDigestFile(subtle, digest, changed)).state).toBe('hash-mismatch');
    const resigned = { ...digest, hash: `sha256:${bytesToHex(sha256(changed))}`, signedData: { ...digest.signedData, hash: `sha256:${bytesToHex(sha256(changed))}` } };
    expect((await verifyDigestFile(subtle, resigned, changed)).state).toBe('bad-signature');
  });

  it("reports a domain-certificate signature (Browsertrix's authsigner) as a form it does not check, not as valid or broken", async () => {
    const files = await unzipStrict(new Uint8Array(fixture('browsertrix-py-wacz-example.wacz')));
    const digest = JSON.parse(new TextDecoder().decode(files.get('datapackage-digest.json')));
    // Issue 25: named only when checked — Saqta does not check this form, so no domain is named.
    const got = await verifyDigestFile(subtle, digest, files.get('datapackage.json')!);
    expect(got).toMatchObject({ state: 'domain', message: expect.stringContaining('Not signed as far as Saqta can check') });
    expect(JSON.stringify(got)).not.toContain('btrix-sign-test');
  });
});

// @vitest-environment node
/**
 * Issue 14, background side: the install's key through the message contract,
 * signing an export hash, and the timestamp queue against a real TSA
 * (`openssl ts` on 127.0.0.1) that goes down and comes back.
 */
import 'fake-indexeddb/auto';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SaqtaDB, type CaptureRecord } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import type { Event } from '../../utils/messages';
import { captureSaved, runStamps, type EvidenceDeps } from '../../utils/background/evidence';
import { DEFAULT_EVIDENCE_SETTINGS, type EvidenceSettings } from '../../utils/evidence/settings';
import { FIRST_RETRY_MS, retryDelay, runQueue, type TsaPost } from '../../utils/evidence/queue';
import { recordBytes, recordHash } from '../../utils/evidence/record';
import { verifyToken } from '../../utils/evidence/tsp';
import { fromBase64, fromPem, utf8 } from '../../utils/evidence/bytes';
import { hashString, verifyDigestFile } from '../../utils/evidence/sign';
import { startTsa, type TestTsa } from '../support/tsa';

const post: TsaPost = async (url, body) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body });
  if (!res.ok) throw new Error(`the server answered HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
};

function makeDeps(): HandlerDeps & { events: Event[]; alarms: (string | null)[]; stored: { value: EvidenceSettings } } {
  const stored = { value: { ...DEFAULT_EVIDENCE_SETTINGS } };
  const alarms: (string | null)[] = [];
  const events: Event[] = [];
  const evidence: EvidenceDeps = {
    subtle: crypto.subtle,
    settings: { get: async () => stored.value, set: async (v) => (stored.value = v) },
    post,
    schedule: (at) => alarms.push(at),
  };
  return { db: new SaqtaDB(`evidence-${Math.random()}`), version: '9.9.9', broadcast: (e) => events.push(e), storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }), evidence, events, alarms, stored };
}

const capture = (id: string): CaptureRecord => ({
  id, pageId: 'page-1', url: 'https://news.example/a', finalUrl: 'https://news.example/a', capturedAt: '2026-11-27T13:44:00.000Z',
  browser: 'Chromium 156', extensionVersion: '9.9.9',
  artifacts: [{ kind: 'article', blobId: `b-${id}`, sha256: 'cd'.repeat(32), size: 12, mime: 'text/html' }],
});

describe('evidence in the background', () => {
  let tsa: TestTsa;
  beforeAll(async () => {
    tsa = await startTsa();
  });
  afterAll(() => tsa?.close());

  it('makes the key once, keeps it non-extractable, and signs export hashes that verify with the public key only', async () => {
    const deps = makeDeps();
    const a = await handle({ type: 'evidence.status' }, deps);
    const b = await handle({ type: 'evidence.status' }, deps);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    const st = a.value as { fingerprint: string; fingerprintGrouped: string; publicKeyPem: string; settings: EvidenceSettings };
    expect((b.value as { fingerprint: string }).fingerprint).toBe(st.fingerprint);
    expect(st.fingerprintGrouped).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    expect(st.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(st.settings.timestamps).toBe(false);
    const rec = await deps.db.keys.get('signing');
    expect(rec?.privateKey.extractable).toBe(false);
    const created = new Date().toISOString();
    const text = JSON.stringify({ profile: 'data-package', created, resources: [{ path: 'pages/pages.jsonl', hash: `sha256:${'1'.repeat(64)}`, bytes: 3 }] }, null, 2);
    const manifest = utf8(text);
    const signed = await handle({ type: 'evidence.signPackage', datapackage: text }, deps);
    expect(signed.ok).toBe(true);
    const sd = (signed as { value: { signedData: { hash: string; created: string } } }).value.signedData;
    // The signing time is the datapackage's own created, which the signed hash covers (issue 24).
    expect(sd.hash).toBe(hashString(manifest));
    expect(sd.created).toBe(created);
    const check = await verifyDigestFile(crypto.subtle, { path: 'datapackage.json', hash: sd.hash, signedData: sd }, manifest);
    expect(check).toMatchObject({ state: 'valid', fingerprint: st.fingerprint });
    // No message signs a bare hash, or anything but a datapackage made now.
    expect(await handle({ type: 'evidence.sign', hash: hashString(manifest) } as never, deps)).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    expect(await handle({ type: 'evidence.signPackage', datapackage: '{"resources":[]}' }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const backdated = text.replace(created, '2020-01-01T00:00:00.000Z');
    expect(await handle({ type: 'evidence.signPackage', datapackage: backdated }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await handle({ type: 'evidence.signPackage', datapackage: 'sha256:' + 'a'.repeat(64) }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('rejects a TSA address that is not http(s); stamping an export needs timestamps on', async () => {
    const deps = makeDeps();
    expect(await handle({ type: 'evidence.setTimestamps', timestamps: true, tsaUrl: 'ftp://tsa.example' }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await handle({ type: 'evidence.stamp', imprint: 'ab'.repeat(32) }, deps)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await handle({ type: 'evidence.setTimestamps', timestamps: true, tsaUrl: tsa.url }, deps)).toMatchObject({ ok: true });
    const stamped = await handle({ type: 'evidence.stamp', imprint: recordHash(capture('x')) }, deps);
    expect(stamped.ok).toBe(true);
    const token = (stamped as { value: { token: string } }).value.token;
    expect((await verifyToken(fromBase64(token), recordBytes(capture('x')), fromPem(tsa.caPem))).ok).toBe(true);
  });

  it('queues a new capture while the TSA is down, retries with back-off, then stores a token that verifies', async () => {
    const deps = makeDeps();
    const { db } = deps;
    await db.captures.add(capture('c1'));
    // Off: nothing is queued.
    await captureSaved(deps, 'c1');
    expect((await db.captures.get('c1'))?.timestamp).toBeUndefined();
    await handle({ type: 'evidence.setTimestamps', timestamps: true, tsaUrl: tsa.url }, deps);

    tsa.offline(true);
    const before = tsa.requests;
    await captureSaved(deps, 'c1');
    expect(tsa.requests).toBe(before + 1);
    let c = await db.captures.get('c1');
    expect(c?.timestamp).toMatchObject({ state: 'waiting', tsa: tsa.url, recordHash: recordHash(c!) });
    expect(c?.timestamp?.lastError).toContain('HTTP 503');
    const job = await db.stamps.get('c1');
    expect(job?.attempts).toBe(1);
    expect(deps.alarms.at(-1)).toBe(job!.due);
    expect(deps.events).toContainEqual({ event: 'capture.stamped', pageId: 'page-1' });

    // Not due yet: nothing is sent.
    const sent = tsa.requests;
    await runQueue(db, { post, tsa: tsa.url, now: () => new Date(Date.parse(job!.due) - 1000) });
    expect(tsa.requests).toBe(sent);
    // Due, still down: the wait doubles.
    const t1 = Date.parse(job!.due);
    await runQueue(db, { post, tsa: tsa.url, now: () => new Date(t1) });
    expect(Date.parse((await db.stamps.get('c1'))!.due) - t1).toBe(2 * FIRST_RETRY_MS);
    expect(retryDelay(3)).toBe(4 * FIRST_RETRY_MS);
    expect(retryDelay(50)).toBe(6 * 60 * 60_000);

    // Back online: "Try now" (or the online event) tries every job, due or not.
    tsa.offline(false);
    const run = await runQueue(db, { post, tsa: tsa.url, all: true });
    expect(run).toMatchObject({ stamped: ['c1'], failed: [], nextDue: null });
    c = await db.captures.get('c1');
    expect(c?.timestamp).toMatchObject({ state: 'stamped', recordHash: recordHash(c!) });
    expect(c?.timestamp?.tsaName).toContain('Saqta Test TSA');
    expect(await db.stamps.count()).toBe(0);
    const check = await verifyToken(fromBase64(c!.timestamp!.token!), recordBytes(c!), fromPem(tsa.caPem));
    expect(check.ok).toBe(true);
    expect(check.genTime).toBe(c!.timestamp!.genTime);
    // What left the machine: RFC 3161 requests holding the record's hash and a nonce — no URL, no content.
    for (const body of tsa.bodies.slice(before)) {
      const req = pkijs.TimeStampReq.fromBER(body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer);
      expect(Buffer.from(req.messageImprint.hashedMessage.valueBlock.valueHexView).toString('hex')).toBe(recordHash(c!));
      expect(req.toSchema().toBER().byteLength).toBe(body.length);
      expect(body.includes(Buffer.from('news.example'))).toBe(false);
    }

    // A second save goes through at once; a stamped capture is never queued again.
    await db.captures.add(capture('c2'));
    await captureSaved(deps, 'c2');
    expect((await db.captures.get('c2'))?.timestamp?.state).toBe('stamped');
    await captureSaved(deps, 'c1');
    expect(await db.stamps.count()).toBe(0);
    expect((await runStamps(deps)).waiting).toBe(0);
  });
});

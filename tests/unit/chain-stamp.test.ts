// @vitest-environment node
/**
 * Issue 24: when time-stamping is on, each article's check-record chain head is time-stamped at
 * least once a day. A fake clock moves the day on; a fake TSA (a TsaPost that counts requests,
 * can be taken down, and otherwise asks the test's openssl TSA) answers. `verify` (checkLines)
 * shows the head's stamp, read from the token, and fails a token over another record.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { sealCheck, checkHash, canonicalJson, type CheckRecord } from '../../utils/watch/record';
import { stampChainHeads, HEAD_STAMP_EVERY_MS, HEAD_STAMP_RETRY_MS } from '../../utils/watch/chain-stamp';
import { checkLines } from '../../utils/watch/bundle';
import { inspectToken, verifyToken } from '../../utils/evidence/tsp';
import { fromBase64, fromPem } from '../../utils/evidence/bytes';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { runStamps, type EvidenceDeps } from '../../utils/background/evidence';
import { DEFAULT_EVIDENCE_SETTINGS, type EvidenceSettings } from '../../utils/evidence/settings';
import type { TsaPost } from '../../utils/evidence/queue';
import { readFileSync } from 'node:fs';
import { startTsa, type TestTsa } from '../support/tsa';

const HOUR = 60 * 60_000;

describe('the check chain head, time-stamped at least once a day', () => {
  let tsa: TestTsa;
  beforeAll(async () => {
    tsa = await startTsa();
  });
  afterAll(() => tsa?.close());

  /** The fake TSA: every request counted; down when told; else the openssl TSA's answer. */
  function fakeTsa() {
    const state = { requests: 0, down: false };
    const post: TsaPost = async (url, body) => {
      state.requests++;
      if (state.down) throw new Error('the server answered HTTP 503');
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body });
      return new Uint8Array(await res.arrayBuffer());
    };
    return { state, post };
  }

  async function addCheck(db: SaqtaDB, pageId: string, at: number): Promise<CheckRecord> {
    const before = await db.checks.where('[pageId+at]').between([pageId, ''], [pageId, '\uffff']).last();
    const r = sealCheck({ id: `${pageId}-${at}`, pageId, url: `https://news.example/${pageId}`, at: new Date(at).toISOString(), via: 'watch', outcome: 'unchanged', httpStatus: 200, prevHash: before?.hash ?? null });
    await db.checks.put(r);
    return r;
  }

  it('stamps each head at once, then a newer head no later than a day after the last stamp; retries a TSA that is down', async () => {
    const db = new SaqtaDB(`chain-stamp-${Math.random()}`);
    const t0 = Date.now();
    let clock = t0;
    const now = () => new Date(clock);
    const { state, post } = fakeTsa();
    await addCheck(db, 'a', t0 - 3 * HOUR);
    const headA = await addCheck(db, 'a', t0 - 2 * HOUR);
    const headB = await addCheck(db, 'b', t0 - HOUR);

    // Day 1: both heads stamped, each token over its record's hash.
    const r1 = await stampChainHeads(db, { post, tsa: tsa.url, now });
    expect(r1.stamped.sort()).toEqual([headA.id, headB.id].sort());
    for (const id of r1.stamped) {
      const rec = (await db.checks.get(id))!;
      expect(inspectToken(fromBase64(rec.stamp!.token)).imprint).toBe(rec.hash);
      // The stamp is not in the record's hash: the chain is as it was.
      expect(checkHash(rec)).toBe(rec.hash);
      const ca = fromPem(readFileSync(tsa.caFile, 'utf8'), 'CERTIFICATE');
      // The token holds as a whole (imprint, the TSA's signature, its chain up to the test's CA) over the record's canonical JSON.
      const { hash: _h, stamp: _s, ...rest } = rec;
      const check = await verifyToken(fromBase64(rec.stamp!.token), utf8ToBytes(canonicalJson(rest)), ca);
      expect(check.ok, check.message).toBe(true);
    }
    expect(state.requests).toBe(2);
    // Nothing new: a second round asks nothing, and wakes a day after the stamps.
    const again = await stampChainHeads(db, { post, tsa: tsa.url, now });
    expect(again.stamped).toEqual([]);
    expect(state.requests).toBe(2);
    const stampedAt = Date.parse((await db.checks.get(headA.id))!.stamp!.genTime);
    expect(Date.parse(again.nextDue!)).toBeGreaterThanOrEqual(stampedAt + HEAD_STAMP_EVERY_MS - 1000);

    // Two hours later a new check on A: not yet due (stamped less than a day ago), due a day after the last stamp.
    clock = t0 + 2 * HOUR;
    const newA = await addCheck(db, 'a', clock);
    const r2 = await stampChainHeads(db, { post, tsa: tsa.url, now });
    expect(r2.stamped).toEqual([]);
    expect(state.requests).toBe(2);
    // (B's stamp is a moment after A's, or before: on a busy machine seconds apart. The earlier is due first.)
    const stampedB = Date.parse((await db.checks.get(headB.id))!.stamp!.genTime);
    expect(Math.abs(Date.parse(r2.nextDue!) - (Math.min(stampedAt, stampedB) + HEAD_STAMP_EVERY_MS))).toBeLessThan(1000);

    // A day later (past both stamps) the TSA is down: A's head fails, retried an hour later.
    clock = Math.max(stampedAt, stampedB) + HEAD_STAMP_EVERY_MS + 1000;
    state.down = true;
    const r3 = await stampChainHeads(db, { post, tsa: tsa.url, now });
    expect(r3.stamped).toEqual([]);
    expect(r3.failed.map((f) => f.pageId)).toEqual(['a']);
    expect(Date.parse(r3.nextDue!)).toBe(clock + HEAD_STAMP_RETRY_MS);
    expect((await db.checks.get(newA.id))!.stamp).toBeUndefined();

    // Back up an hour later: A's new head is stamped; B (no new check) is not asked again.
    clock += HEAD_STAMP_RETRY_MS;
    state.down = false;
    const before = state.requests;
    const r4 = await stampChainHeads(db, { post, tsa: tsa.url, now });
    expect(r4.stamped).toEqual([newA.id]);
    expect(state.requests).toBe(before + 1);

    // verify (checkLines) shows the head's stamp from the token: time and TSA.
    const chain = await db.checks.where('pageId').equals('a').sortBy('at');
    const lines = checkLines(chain, 'articles/a/checks.json', 'a', new Set());
    expect(lines.every((l) => l.level === 'ok'), JSON.stringify(lines)).toBe(true);
    const stampLine = lines.find((l) => l.message.startsWith('Head time-stamp'))!.message;
    expect(stampLine).toContain(`check ${newA.id}`);
    expect(stampLine).toContain('(the head itself)');
    expect(stampLine).toContain('Saqta Test TSA');
    expect(stampLine).toContain(inspectToken(fromBase64(chain.at(-1)!.stamp!.token)).genTime);
    expect(stampLine).toContain(`openssl ts -verify -digest ${newA.hash}`);

    // A token moved onto another record (the head's stamp given to an older one, the head cut): verify fails it.
    const forged = chain.slice(0, -1).map((r) => ({ ...r }));
    forged.at(-1)!.stamp = chain.at(-1)!.stamp;
    const bad = checkLines(forged, 'articles/a/checks.json', 'a', new Set());
    expect(bad.find((l) => l.level === 'fail')?.message).toMatch(/its time-stamp token is over another record/);
    // The imprint really is the record's hash (what openssl's -digest compares).
    expect(inspectToken(fromBase64(chain.at(-1)!.stamp!.token)).imprint).toBe(Buffer.from(hexToBytes(newA.hash)).toString('hex'));
  }, 60_000);

  it('runStamps stamps heads only when time-stamping is on, and schedules the next look', async () => {
    const stored: { value: EvidenceSettings } = { value: { ...DEFAULT_EVIDENCE_SETTINGS } };
    const alarms: (string | null)[] = [];
    const { state, post } = fakeTsa();
    const evidence: EvidenceDeps = { subtle: crypto.subtle, settings: { get: async () => stored.value, set: async (v) => (stored.value = v) }, post, schedule: (at) => alarms.push(at) };
    const db = new SaqtaDB(`chain-stamp-run-${Math.random()}`);
    const head = await addCheck(db, 'a', Date.now() - HOUR);
    await runStamps({ db, evidence, broadcast: () => undefined });
    expect(state.requests).toBe(0);
    expect((await db.checks.get(head.id))!.stamp).toBeUndefined();
    stored.value = { ...stored.value, timestamps: true, tsaUrl: tsa.url };
    await runStamps({ db, evidence, broadcast: () => undefined });
    expect(state.requests).toBe(1);
    expect((await db.checks.get(head.id))!.stamp?.tsaName).toContain('Saqta Test TSA');
    // The next look is a day after the stamp (a newer check may be the head by then).
    expect(Date.parse(alarms.at(-1)!)).toBeGreaterThan(Date.now() + HEAD_STAMP_EVERY_MS - 5 * 60_000);
  }, 60_000);
});

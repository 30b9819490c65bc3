/**
 * The timestamp queue (issue 14): when trusted timestamps are on, every new
 * capture's record hash waits in the `stamps` table until a TSA answers with
 * a token, which then goes into the capture record. A failed try (offline, a
 * blocked or refusing TSA, a broken answer) is retried with back-off: 1, 2,
 * 4 … minutes, at most 6 hours apart. Nothing is ever dropped: a capture stays
 * "waiting" until it is stamped. Only the hash leaves the machine.
 *
 * Pure over the database and a `post` function (the background's fetch; a
 * test's HTTP). The background runs it on an alarm at `nextDue`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { CaptureTimestamp, SaqtaDB } from '../db';
import { recordBytes, recordHash } from './record';
import { makeRequest, readResponse, type TokenInfo } from './tsp';

/** Send a DER TimeStampReq to a TSA, resolve with the DER answer; throw on network or HTTP errors. */
export type TsaPost = (url: string, request: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;

export const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 6 * 60 * 60_000;

export function retryDelay(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** One TSA round trip for SHA-256(`data`): a checked token, or a thrown error saying why not. */
export async function requestToken(post: TsaPost, url: string, data: Uint8Array): Promise<TokenInfo> {
  return requestTokenFor(post, url, sha256(data));
}

/** The same for an imprint already computed (32 bytes of SHA-256). */
export async function requestTokenFor(post: TsaPost, url: string, imprint: Uint8Array): Promise<TokenInfo> {
  const req = makeRequest(imprint);
  return readResponse(await post(url, req.der), req);
}

/** Mark a capture as waiting for a timestamp and queue it, due now. */
export async function enqueueCapture(db: SaqtaDB, captureId: string, tsa: string, now = new Date()): Promise<CaptureTimestamp | null> {
  return db.transaction('rw', db.captures, db.stamps, async () => {
    const c = await db.captures.get(captureId);
    if (!c || c.timestamp?.state === 'stamped') return c?.timestamp ?? null;
    const timestamp: CaptureTimestamp = { state: 'waiting', tsa, recordHash: recordHash(c) };
    await db.captures.update(captureId, { timestamp });
    await db.stamps.put({ id: captureId, due: now.toISOString(), attempts: 0 });
    return timestamp;
  });
}

interface QueueRun {
  stamped: string[];
  failed: { id: string; error: string }[];
  /** Page ids whose captures changed (for the `capture.stamped` event). */
  pages: string[];
  /** When the earliest job still waiting is due, if any. */
  nextDue: string | null;
}

/** Run every due job once, one after the other (a TSA is a shared service). */
export async function runQueue(db: SaqtaDB, opts: { post: TsaPost; tsa: string; now?: () => Date; limit?: number; all?: boolean }): Promise<QueueRun> {
  const now = opts.now ?? (() => new Date());
  // `all`: the reader asked to try now, or the browser is back online: every job, due or not.
  const due = await (opts.all ? db.stamps.orderBy('due') : db.stamps.where('due').belowOrEqual(now().toISOString())).limit(opts.limit ?? 50).toArray();
  const out: QueueRun = { stamped: [], failed: [], pages: [], nextDue: null };
  for (const job of due) {
    const c = await db.captures.get(job.id);
    if (!c) {
      await db.stamps.delete(job.id);
      continue;
    }
    try {
      const info = await requestToken(opts.post, opts.tsa, recordBytes(c));
      const timestamp: CaptureTimestamp = { state: 'stamped', tsa: opts.tsa, recordHash: recordHash(c), token: info.token, genTime: info.genTime, tsaName: info.tsaName };
      await db.transaction('rw', db.captures, db.stamps, async () => {
        await db.captures.update(c.id, { timestamp });
        await db.stamps.delete(c.id);
      });
      out.stamped.push(c.id);
    } catch (e) {
      const attempts = job.attempts + 1;
      const nextTry = new Date(now().getTime() + retryDelay(attempts)).toISOString();
      const error = (e as Error).message || String(e);
      await db.transaction('rw', db.captures, db.stamps, async () => {
        await db.stamps.put({ ...job, attempts, due: nextTry });
        await db.captures.update(c.id, { timestamp: { state: 'waiting', tsa: opts.tsa, recordHash: recordHash(c), lastError: error, nextTry } });
      });
      out.failed.push({ id: c.id, error });
    }
    if (!out.pages.includes(c.pageId)) out.pages.push(c.pageId);
  }
  const next = await db.stamps.orderBy('due').first();
  out.nextDue = next?.due ?? null;
  return out;
}

/**
 * The check record's head, time-stamped at least once a day (issue 24). When trusted timestamps
 * are on, each article's chain head — its newest check record — gets an RFC 3161 token over its
 * `hash` (the SHA-256 of its canonical JSON, which names every record before it through
 * `prevHash`), unless a record of that chain was stamped less than a day ago. So a chain whose
 * head moves gets a stamp at least daily, and a cut or rewritten chain cannot be backdated past
 * the last stamp. A failed try is retried an hour later; nothing else leaves the machine.
 *
 * Pure over the database and the TSA `post` (the background's fetch; a test's fake TSA);
 * `runStamps` (utils/background/evidence.ts) runs it after the capture queue and wakes at `nextDue`.
 */
import Dexie from 'dexie';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { SaqtaDB } from '../db';
import { requestTokenFor, type TsaPost } from '../evidence/queue';
import type { CheckRecord } from './record';

export const HEAD_STAMP_EVERY_MS = 24 * 60 * 60_000;
export const HEAD_STAMP_RETRY_MS = 60 * 60_000;

interface HeadStampRun {
  /** Ids of the check records stamped now. */
  stamped: string[];
  failed: { pageId: string; error: string }[];
  /** When to look again (a day after a chain's last stamp, or a retry); null when nothing is watched. */
  nextDue: string | null;
}

/** The newest check record of each watched article, with the time its chain was last stamped. */
async function heads(db: SaqtaDB): Promise<{ head: CheckRecord; lastStamp?: string }[]> {
  const pageIds = (await db.checks.orderBy('pageId').uniqueKeys()) as string[];
  const out: { head: CheckRecord; lastStamp?: string }[] = [];
  for (const pageId of pageIds) {
    const chain = db.checks.where('[pageId+at]').between([pageId, Dexie.minKey], [pageId, Dexie.maxKey]);
    const head = await chain.last();
    if (!head) continue;
    // The chain's last stamp: the newest record that carries one (few records to walk: at most a day's checks).
    const stamped = await db.checks.where('[pageId+at]').between([pageId, Dexie.minKey], [pageId, Dexie.maxKey]).reverse().filter((r) => !!r.stamp).first();
    out.push({ head, lastStamp: stamped?.stamp?.genTime });
  }
  return out;
}

export async function stampChainHeads(db: SaqtaDB, opts: { post: TsaPost; tsa: string; now?: () => Date }): Promise<HeadStampRun> {
  const now = opts.now ?? (() => new Date());
  const out: HeadStampRun = { stamped: [], failed: [], nextDue: null };
  const due = (at: number) => {
    const iso = new Date(at).toISOString();
    if (!out.nextDue || iso < out.nextDue) out.nextDue = iso;
  };
  for (const { head, lastStamp } of await heads(db)) {
    const t = now().getTime();
    // Stamped: look again a day after the stamp (or a day from now, once that has passed), when a newer
    // check may have become the head; so every head is stamped within a day of becoming it.
    if (head.stamp) {
      const day = Date.parse(head.stamp.genTime) + HEAD_STAMP_EVERY_MS;
      due(day > t ? day : t + HEAD_STAMP_EVERY_MS);
      continue;
    }
    const next = lastStamp ? Date.parse(lastStamp) + HEAD_STAMP_EVERY_MS : t;
    if (next > t) {
      due(next);
      continue;
    }
    try {
      const info = await requestTokenFor(opts.post, opts.tsa, hexToBytes(head.hash));
      // Only the head as it still is: a record is never changed, but one may have been added meanwhile (stamped next round).
      await db.checks.update(head.id, { stamp: { tsa: opts.tsa, token: info.token, genTime: info.genTime, tsaName: info.tsaName } });
      out.stamped.push(head.id);
      due(Date.parse(info.genTime) + HEAD_STAMP_EVERY_MS);
    } catch (e) {
      out.failed.push({ pageId: head.pageId, error: (e as Error).message || String(e) });
      due(t + HEAD_STAMP_RETRY_MS);
    }
  }
  return out;
}

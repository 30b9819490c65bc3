/**
 * The check record as one chain that cannot be cut (issue 24). Each record is hashed and names
 * the hash of the one before (utils/watch/record.ts); an export lists every record of an article,
 * oldest first, in `checks.json`, whose SHA-256 is in datapackage.json, which the install's key
 * signs: the chain's head is signed at every export. `verifyChain` is the strict reading used by
 * `verify` and import: the file's order is the chain's order, the first record starts the chain
 * (`prevHash: null`), each next one names the one before, times never go back. So a record
 * dropped at the tail (oldest), in the middle or reordered fails here; one dropped at the head
 * (newest), or a status rewritten and re-hashed, changes checks.json, so its hash in the signed
 * datapackage no longer holds (or the package is signed by another key: "unknown key").
 * Pure.
 */
import { checkHash, type CheckRecord } from './record';
import { why, type Reason, type ReasonCode } from '../wacz/reasons';

interface ChainReport {
  problems: string[];
  /** The same problems by code and parameters (utils/wacz/reasons.ts), for the library to say in the reader's language. */
  reasons: Reason[];
  count: number;
  first?: CheckRecord;
  last?: CheckRecord;
}

export function verifyChain(raw: unknown, pageId?: string): ChainReport {
  if (!Array.isArray(raw)) {
    const w = why('chainNotList');
    return { problems: [w.message], reasons: [w.reason], count: 0 };
  }
  const records = raw as CheckRecord[];
  const problems: string[] = [];
  const reasons: Reason[] = [];
  const say = (code: ReasonCode, args: string[]) => {
    const w = why(code, args);
    problems.push(w.message);
    reasons.push(w.reason);
  };
  records.forEach((r, i) => {
    if (!r || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.hash !== 'string' || typeof r.at !== 'string') {
      say('chainNotRecord', [String(i + 1)]);
      return;
    }
    if (checkHash(r) !== r.hash) say('chainHash', [r.id, r.at]);
    if (pageId !== undefined && r.pageId !== pageId) say('chainOtherArticle', [r.id]);
    if (i === 0) {
      if (r.prevHash !== null) say('chainTail', [r.id, r.at]);
      return;
    }
    const before = records[i - 1];
    if (!before || r.prevHash !== before.hash) {
      say('chainGap', [r.id, r.at]);
    } else if (r.at < before.at) {
      say('chainBackwards', [r.id, r.at]);
    }
  });
  return { problems, reasons, count: records.length, first: records[0], last: records.at(-1) };
}

/**
 * Import: keep an article's check records (already checked by `verifyChain`; a broken chain
 * refuses the import) in the library, where the timeline shows them. A record's page id is
 * inside its hash, so records are kept only when the article kept its id (added, or merged into
 * the page of the same id); records already held are not written twice. Returns how many were added.
 */
export async function keepChecks(
  db: { checks: { bulkGet(ids: string[]): Promise<(CheckRecord | undefined)[]>; bulkPut(records: CheckRecord[]): Promise<unknown> } },
  articles: { page: { id: string }; checks?: unknown }[],
  pageMap: Map<string, string>,
): Promise<number> {
  const keep: CheckRecord[] = [];
  for (const a of articles) {
    if (!Array.isArray(a.checks) || !a.checks.length || pageMap.get(a.page.id) !== a.page.id) continue;
    if (verifyChain(a.checks, a.page.id).problems.length) continue;
    keep.push(...(a.checks as CheckRecord[]));
  }
  if (!keep.length) return 0;
  const have = new Set((await db.checks.bulkGet(keep.map((c) => c.id))).filter(Boolean).map((c) => c!.id));
  const fresh = keep.filter((c) => !have.has(c.id));
  if (fresh.length) await db.checks.bulkPut(fresh);
  return fresh.length;
}

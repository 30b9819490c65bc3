/**
 * Check records in exports: each article folder of a WACZ (and of the older
 * .zip bundle) gets `checks.json` (its check records, oldest first, as
 * stored: hashed and chained), and `npm run verify` recomputes every hash and
 * follows the chain. One module for both writers and both verifiers;
 * `withChecks` (utils/store/watch.ts) adds the records to the articles of an export.
 */
import type { CheckRecord } from './record';
import { verifyChain } from './chain';

export const CHECKS_FILE = 'checks.json';

export function checksJson(checks: CheckRecord[]): string {
  return JSON.stringify(checks, null, 2);
}

/** What `verify` says about one article's checks.json (absent: nothing). */
export function checkLines(
  raw: unknown,
  file: string,
  pageId: string,
  captureIds: Set<string>,
): { level: 'ok' | 'fail'; file: string; message: string }[] {
  if (raw === undefined) return [];
  // The strict chain (issue 24, utils/watch/chain.ts): file order, first record starts the chain.
  const chain = verifyChain(raw, pageId);
  if (!Array.isArray(raw)) return chain.problems.map((message) => ({ level: 'fail', file, message }));
  const records = raw as CheckRecord[];
  const out: { level: 'ok' | 'fail'; file: string; message: string }[] = chain.problems.map((message) => ({ level: 'fail', file, message }));
  for (const r of records) {
    if (r?.captureId && !captureIds.has(r.captureId)) out.push({ level: 'fail', file, message: `Check ${r.id} names capture ${r.captureId}, which is not in the bundle.` });
  }
  if (!out.length) {
    const blocked = records.filter((r) => r.outcome === 'blocked' || r.outcome === 'gone').length;
    const changed = records.filter((r) => r.outcome === 'changed').length;
    const span = chain.first && chain.last ? `, first ${chain.first.at}, last ${chain.last.at} (head ${chain.last.hash.slice(0, 16)}…)` : '';
    out.push({ level: 'ok', file, message: `${records.length} check records${span}, hashes and chain intact, none missing (${changed} changed, ${blocked} gone or blocked).` });
  }
  return out;
}

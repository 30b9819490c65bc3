/**
 * Check records in exports: each article folder of a WACZ (and of the older
 * .zip bundle) gets `checks.json` (its check records, oldest first, as
 * stored: hashed and chained), and `npm run verify` recomputes every hash and
 * follows the chain. One module for both writers and both verifiers;
 * `withChecks` (utils/store/watch.ts) adds the records to the articles of an export.
 */
import type { CheckRecord } from './record';
import { verifyChain } from './chain';
import { why, type Reason } from '../wacz/reasons';
import { inspectToken } from '../evidence/tsp';
import { fromBase64 } from '../evidence/bytes';

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
): { level: 'ok' | 'fail'; file: string; message: string; reason?: Reason }[] {
  if (raw === undefined) return [];
  // The strict chain (issue 24, utils/watch/chain.ts): file order, first record starts the chain.
  const chain = verifyChain(raw, pageId);
  if (!Array.isArray(raw)) return chain.problems.map((message, i) => ({ level: 'fail', file, message, reason: chain.reasons[i] }));
  const records = raw as CheckRecord[];
  const out: { level: 'ok' | 'fail'; file: string; message: string; reason?: Reason }[] = chain.problems.map((message, i) => ({ level: 'fail', file, message, reason: chain.reasons[i] }));
  for (const r of records) {
    if (r?.captureId && !captureIds.has(r.captureId)) out.push({ level: 'fail', file, ...why('chainCapture', [r.id, r.captureId]) });
  }
  if (!out.length) {
    const blocked = records.filter((r) => r.outcome === 'blocked' || r.outcome === 'gone').length;
    const changed = records.filter((r) => r.outcome === 'changed').length;
    const span = chain.first && chain.last ? `, first ${chain.first.at}, last ${chain.last.at} (head ${chain.last.hash.slice(0, 16)}…)` : '';
    out.push({ level: 'ok', file, message: `${records.length} check records${span}, hashes and chain intact, none missing (${changed} changed, ${blocked} gone or blocked).` });
    out.push(...headStampLines(records, file));
  }
  return out;
}

/**
 * The chain head's time-stamp (issue 24, utils/watch/chain-stamp.ts): the newest record that carries
 * a token, checked to be over that record's hash, with the time and TSA read from the token itself.
 * The TSA's signature and chain: the openssl command printed (its CA is the reader's to choose).
 */
function headStampLines(records: CheckRecord[], file: string): { level: 'ok' | 'fail'; file: string; message: string; reason?: Reason }[] {
  const i = records.findLastIndex((r) => !!r.stamp);
  if (i < 0) return [{ level: 'ok', file, message: 'The check records carry no time-stamp (time-stamping was off, or none was due yet).' }];
  const r = records[i]!;
  let facts: ReturnType<typeof inspectToken>;
  try {
    facts = inspectToken(fromBase64(r.stamp!.token));
  } catch (e) {
    return [{ level: 'fail', file, ...why('chainStampUnread', [r.id, (e as Error).message]) }];
  }
  if (facts.imprint.toLowerCase() !== r.hash.toLowerCase()) return [{ level: 'fail', file, ...why('chainStampOther', [r.id, facts.imprint.slice(0, 16), r.hash.slice(0, 16)]) }];
  const after = records.length - 1 - i;
  return [{
    level: 'ok',
    file,
    message: `Head time-stamp: check ${r.id} (${r.at}) and every check before it existed no later than ${facts.genTime} according to ${facts.tsaName}${after ? `; ${after} newer check${after === 1 ? '' : 's'} not yet stamped` : ' (the head itself)'}. The TSA's signature: echo '<stamp.token of check ${r.id} in checks.json>' | base64 -d > head.tsr && openssl ts -verify -digest ${r.hash} -in head.tsr -token_in -CAfile tsa-ca.pem`,
  }];
}

/**
 * Errors to Results a person can read: a full disk (however IndexedDB reports
 * it), a failed write, bad input. Shared by the background's handler and the
 * extension pages that write to the database themselves (library import).
 */
import type { SaqtaDB } from '../db';
import { fail, type Result } from '../messages';
import { BadInput } from '../store/annotations';

/** Every error name in a Dexie error chain (inner errors, ModifyError/BulkError failures). */
export function errorNames(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as { name?: string; inner?: unknown; failures?: unknown; cause?: unknown };
  const failures = Array.isArray(e.failures) ? e.failures : e.failures && typeof e.failures === 'object' ? Object.values(e.failures) : [];
  return [e.name ?? '', ...errorNames(e.inner, depth + 1), ...errorNames(e.cause, depth + 1), ...failures.flatMap((f) => errorNames(f, depth + 1))];
}

/** Map any thrown error to a Result a person can read; `db` tells why IndexedDB aborted a write. */
export function errorResult(err: unknown, db?: SaqtaDB): Result<never> {
  if (err instanceof BadInput) return fail('bad-request', err.message);
  const names = errorNames(err);
  const name = names[0] ?? '';
  if (names.includes('LockedError')) return fail('locked', 'Your library is locked. Unlock it first; nothing was changed.');
  // A full disk makes IndexedDB abort the transaction; callers see AbortError, or (a bulk write
  // still issuing requests when it aborted) TransactionInactiveError.
  const aborted = names.includes('AbortError') || names.includes('TransactionInactiveError');
  const abortedForQuota = aborted && db?.lastAbort?.name === 'QuotaExceededError' && Date.now() - db.lastAbort.at < 10_000;
  if (names.includes('QuotaExceededError') || abortedForQuota) {
    return fail('quota-exceeded', 'Your disk or browser storage is full. Nothing was changed; free some space and try again.');
  }
  if ((name.endsWith('Error') && name.startsWith('Dexie')) || names.includes('AbortError') || name === 'DatabaseClosedError' || name === 'ModifyError' || name === 'BulkError') {
    return fail('storage-failed', `Saqta could not write to its database (${name}). Nothing was changed.`);
  }
  return fail('internal', err instanceof Error ? err.message : String(err));
}


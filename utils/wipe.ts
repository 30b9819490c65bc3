/**
 * Quick wipe (issue 28, docs/wipe.md): the rules, no `browser.*`. The
 * platform side (utils/ext/wipe.ts) destroys the passphrase lock's keys first
 * — every `storage.local` key starting with `lock.` and all of
 * `storage.session`, where the lock keeps its key material — so whatever is
 * left on disk for a moment is already unreadable, then the database, the
 * rest of extension storage (settings, team folder and credentials) and the
 * alarms. Saqta then starts as freshly installed.
 */

/** Seconds the reader has to cancel a wipe (Escape or Cancel). */
export const WIPE_COUNTDOWN_SECONDS = 5;

/** Where the passphrase lock keeps its wrapped keys and counters in `storage.local`. */
export const LOCK_PREFIX = 'lock.';
/** The lock's count of wrong passphrases in a row (a number in `storage.local`). */
export const LOCK_FAILURES_KEY = 'lock.failures';

/** The keys of `storage.local` that hold the lock's key material: destroyed first. */
export function lockKeysOf(keys: string[]): string[] {
  return keys.filter((k) => k.startsWith(LOCK_PREFIX));
}

export interface WipeSettings {
  /** Wipe everything after this many wrong passphrases in a row; null: never (the default). */
  afterFailures: number | null;
}

export const DEFAULT_WIPE: WipeSettings = { afterFailures: null };
/** The choices Settings offers (a small number invites a wipe by a child pressing keys). */
export const WIPE_AFTER_CHOICES = [5, 10, 20] as const;

export class WipeSettingsError extends Error {}

export function validateWipeSettings(input: unknown): WipeSettings {
  const after = (input as { afterFailures?: unknown } | null)?.afterFailures;
  if (after === null) return { afterFailures: null };
  if (typeof after !== 'number' || !(WIPE_AFTER_CHOICES as readonly number[]).includes(after)) {
    throw new WipeSettingsError(`Wipe after ${String(after)} wrong passphrases? Choose off or one of ${WIPE_AFTER_CHOICES.join(', ')}.`);
  }
  return { afterFailures: after };
}

/**
 * Whether this many wrong passphrases in a row call for a wipe. Off unless
 * the reader chose a number; a counter that is not a whole number ≥ 0 (a
 * doctored or torn value) counts as none, so a broken counter never wipes.
 */
export function shouldWipeAfterFailures(failures: unknown, settings: WipeSettings): boolean {
  const n = settings.afterFailures;
  if (n === null || !Number.isInteger(n) || n < 1) return false;
  if (typeof failures !== 'number' || !Number.isInteger(failures) || failures < 0) return false;
  return failures >= n;
}

/**
 * Where the lock keeps its state (the browser glue, utils/ext/lock-host.ts,
 * gives `browser.storage` items with these exact names; the quick wipe deletes
 * every `lock.*` key first):
 *
 * - `storage.local` `lock.keys`: salt, Argon2id parameters, the data key wrapped
 *   by the passphrase and by the recovery key (keys.ts `LockKeys`);
 * - `storage.local` `lock.failures`: wrong passphrases since the last unlock;
 * - `storage.local` `lock.settings`: `{ autoLockMinutes }`;
 * - `storage.local` `lock.migration`: how far sealing the existing library got;
 * - `storage.session` `lock.session`: the data key (base64) while unlocked. Memory
 *   only: the browser clears it when it quits; content scripts cannot read it.
 */
import type { LockKeys } from './keys';

export interface Item<T> {
  get(): Promise<T>;
  set(value: T): Promise<void>;
}

export interface LockSettings {
  autoLockMinutes: number;
}

/** Sealing the library: the table it is at, the last primary key sealed there, counts. */
export interface MigrationState {
  table: number;
  after?: string | number;
  done: number;
  total: number;
}

export interface LockStore {
  keys: Item<LockKeys | null>;
  failures: Item<number>;
  settings: Item<LockSettings>;
  migration: Item<MigrationState | null>;
  session: Item<string | null>;
}

export const LOCK_STORAGE_KEYS = {
  keys: 'lock.keys',
  failures: 'lock.failures',
  settings: 'lock.settings',
  migration: 'lock.migration',
  session: 'lock.session',
} as const;

export const DEFAULT_LOCK_SETTINGS: LockSettings = { autoLockMinutes: 15 };

/** In memory (tests). */
export function memoryLockStore(): LockStore {
  const item = <T>(initial: T): Item<T> => {
    let v = initial;
    return { get: async () => v, set: async (x) => void (v = x) };
  };
  return { keys: item(null), failures: item(0), settings: item(DEFAULT_LOCK_SETTINGS), migration: item(null), session: item(null) };
}

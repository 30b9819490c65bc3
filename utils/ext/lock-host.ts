/**
 * Browser glue of the lock (docs/lock.md): its items in `storage.local` and
 * `storage.session` (names in utils/lock/store.ts), the browser's idle
 * detection for auto-lock, the "Lock now" shortcut, and the keyring of the
 * extension pages that read the database themselves (the library).
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import type { SaqtaDB } from '../db';
import type { LockHost } from '../background/types';
import { LockController } from '../lock/controller';
import type { LockKeys } from '../lock/keys';
import { DEFAULT_LOCK_SETTINGS, LOCK_STORAGE_KEYS as K, type Item, type LockSettings, type LockStore, type MigrationState } from '../lock/store';
import type { LockStatus } from '../lock/api';
import { t } from './i18n';
import { resumePlainCopiesPushOut } from './wipe';

function item<T>(key: `local:${string}` | `session:${string}`, fallback: T): Item<T> {
  const it = storage.defineItem<T>(key, { fallback });
  return { get: () => it.getValue() as Promise<T>, set: (v) => (v === null ? it.removeValue() : it.setValue(v)) };
}

export function lockStore(): LockStore {
  return {
    keys: item<LockKeys | null>(`local:${K.keys}`, null),
    failures: item<number>(`local:${K.failures}`, 0),
    settings: item<LockSettings>(`local:${K.settings}`, DEFAULT_LOCK_SETTINGS),
    migration: item<MigrationState | null>(`local:${K.migration}`, null),
    session: item<string | null>(`session:${K.session}`, null),
  };
}

/** The background's lock: made in `main()`; `ready` resolves once the keyring knows its state (before any request). */
export function lockHost(db: SaqtaDB, opts: { changed(status: LockStatus): void; sealed(): Promise<void> }): LockHost & { ready: Promise<void> } {
  const store = lockStore();
  const controller = new LockController(db, store, { changed: opts.changed, sealed: opts.sealed });
  const idle = async (minutes: number) => {
    if (!browser.idle) return;
    browser.idle.setDetectionInterval(Math.max(15, minutes * 60));
  };
  browser.idle?.onStateChanged.addListener((state) => {
    if (state === 'active') return;
    void store.settings.get().then((s) => {
      // 'locked': the screen was locked; 'idle': no input for the chosen time.
      if (s.autoLockMinutes > 0 || state === 'locked') void controller.lockNow();
    });
  });
  browser.commands?.onCommand.addListener((name) => {
    if (name === 'lock-now') void controller.lockNow();
  });
  // A move of the sealed library cut off half-way (utils/lock/relocate.ts) is finished before anything reads the database.
  const ready = resumePlainCopiesPushOut(db)
    .catch((err: unknown) => console.error('Saqta lock: finishing the move of the sealed library failed', err))
    .then(() => controller.init())
    .then(async () => {
      const s = await store.settings.get();
      if (s.autoLockMinutes > 0) await idle(s.autoLockMinutes);
    });
  return {
    ready,
    controller,
    async openUnlock() {
      // The library asks for the passphrase first when locked (entrypoints/library/main.tsx).
      await browser.tabs.create({ url: browser.runtime.getURL('/library.html'), active: true });
    },
    async setAutoLock(minutes) {
      await store.settings.set({ autoLockMinutes: minutes });
      await idle(minutes || 60);
    },
    text: (key) => {
      const v = t(key);
      return v === key ? '' : v;
    },
  };
}

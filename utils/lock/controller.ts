/**
 * The lock's state machine, pure over a LockStore and the database's keyring
 * (the background builds one in `main()`: utils/ext/lock-host.ts). Off until
 * the reader sets a passphrase; then locked or open. Open means the data key
 * is in `storage.session` and in the keyring; locking forgets both.
 */
import type { SaqtaDB } from '../db';
import { fromBase64, toBase64 } from '../evidence/bytes';
import type { LockStatus } from './api';
import { recordKeys } from './envelope';
import { openKeys, rewrap, setUpKeys, KDF_DEFAULTS, type KdfParams } from './keys';
import { runMigration, startMigration } from './migrate';
import { DEFAULT_LOCK_SETTINGS, type LockStore } from './store';

export class WrongSecret extends Error {
  constructor() {
    super('wrong passphrase');
    this.name = 'WrongSecret';
  }
}

export class LockController {
  private migrating: Promise<boolean> | null = null;

  constructor(
    private readonly db: SaqtaDB,
    private readonly store: LockStore,
    private readonly hooks: { changed?(status: LockStatus): void; sealed?(): Promise<void>; kdf?: Omit<KdfParams, 'salt'> } = {},
  ) {}

  /** At the background's start: open if this browser session holds the key, locked if the lock is on, else off. */
  async init(): Promise<void> {
    const [keys, session] = await Promise.all([this.store.keys.get(), this.store.session.get()]);
    if (!keys) {
      this.forget('off');
      return;
    }
    if (session) this.open(fromBase64(session));
    else this.forget('locked');
    if (this.db.keyring.state === 'open') this.resume();
  }

  async status(): Promise<LockStatus> {
    const [settings, failures, migration] = await Promise.all([this.store.settings.get(), this.store.failures.get(), this.store.migration.get()]);
    return {
      state: this.db.keyring.state,
      autoLockMinutes: (settings ?? DEFAULT_LOCK_SETTINGS).autoLockMinutes,
      failures,
      migration: migration ? { done: migration.done, total: migration.total } : null,
    };
  }

  /** Turn the lock on (throws if it is on already); the library is then sealed in the background. */
  async setUp(passphrase: string): Promise<string> {
    if (await this.store.keys.get()) throw new Error('The lock is already on.');
    const { keys, dataKey, recoveryKey } = await setUpKeys(passphrase, this.hooks.kdf ?? KDF_DEFAULTS);
    // The key first in memory, then the wrapped keys: a crash in between leaves the lock off, not a library nobody can open.
    await this.store.session.set(toBase64(dataKey));
    await startMigration(this.db, this.store.migration);
    await this.store.keys.set(keys);
    await this.store.failures.set(0);
    this.open(dataKey);
    this.resume();
    return recoveryKey;
  }

  /** Open with the passphrase or the recovery key; a wrong one counts a failure and changes nothing else. */
  async unlock(secret: string, via: 'passphrase' | 'recovery'): Promise<void> {
    const keys = await this.store.keys.get();
    if (!keys) return;
    const dataKey = await openKeys(keys, secret, via);
    if (!dataKey) {
      await this.store.failures.set((await this.store.failures.get()) + 1);
      throw new WrongSecret();
    }
    await this.store.failures.set(0);
    await this.store.session.set(toBase64(dataKey));
    this.open(dataKey);
    this.resume();
  }

  async lockNow(): Promise<void> {
    if (this.db.keyring.state === 'off') return;
    await this.store.session.set(null);
    this.forget('locked');
  }

  /** A new passphrase for the same data key (checked with the current one). */
  async changePassphrase(current: string, next: string): Promise<void> {
    const keys = await this.store.keys.get();
    if (!keys) throw new Error('The lock is off.');
    const dataKey = await openKeys(keys, current, 'passphrase');
    if (!dataKey) throw new WrongSecret();
    await this.store.keys.set(await rewrap(keys, dataKey, next));
  }

  /** Seal the rest of the library, if turning the lock on was interrupted (one run at a time). */
  resume(): Promise<boolean> {
    this.migrating ??= runMigration(this.db, this.store.migration, {
      stop: () => this.db.keyring.state !== 'open',
      onProgress: () => void this.status().then((s) => this.hooks.changed?.(s)),
      // Sealed: what lives outside the database too (the team's credentials, old plain copies on disk).
      finish: async () => this.hooks.sealed?.(),
    })
      .catch((err: unknown) => {
        // Left where it stopped (nothing half-written); the next unlock or start resumes it.
        console.error('Saqta lock: sealing the library stopped', err);
        return false;
      })
      .finally(() => {
      this.migrating = null;
      void this.status().then((s) => this.hooks.changed?.(s));
    });
    return this.migrating;
  }

  private open(dataKey: Uint8Array): void {
    this.db.keyring.keys = recordKeys(dataKey);
    this.db.keyring.state = 'open';
    void this.status().then((s) => this.hooks.changed?.(s));
  }

  private forget(state: 'off' | 'locked'): void {
    this.db.keyring.keys = undefined;
    this.db.keyring.state = state;
    void this.status().then((s) => this.hooks.changed?.(s));
  }
}

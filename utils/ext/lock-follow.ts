/**
 * The keyring of an extension page that opens the database itself (the
 * library), following the lock's items in storage (docs/lock.md).
 */
import { browser } from 'wxt/browser';
import { LOCK_KEYRING } from '../db';
import { recordKeys } from '../lock/envelope';
import { fromBase64 } from '../evidence/bytes';
import { lockStore } from './lock-host';

/**
 * An extension page that opens the database itself (the library) follows the lock: open while
 * `storage.session` holds the key, locked when the lock is on without it. `changed` on every turn.
 */
export async function followLock(changed?: (state: 'off' | 'locked' | 'open') => void): Promise<void> {
  const store = lockStore();
  const apply = async () => {
    const [keys, session, migration] = await Promise.all([store.keys.get(), store.session.get(), store.migration.get()]);
    LOCK_KEYRING.keys = keys && session ? recordKeys(fromBase64(session)) : undefined;
    LOCK_KEYRING.state = !keys ? 'off' : session ? 'open' : 'locked';
    LOCK_KEYRING.migrating = !!migration;
    changed?.(LOCK_KEYRING.state);
  };
  await apply();
  browser.storage.onChanged.addListener((changes) => {
    if (Object.keys(changes).some((k) => k.startsWith('lock.'))) void apply();
  });
}

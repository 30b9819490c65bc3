/**
 * A `storage.local` item sealed like a database record while the lock is on
 * (the team folder's address, user name, app password and team passphrase:
 * utils/ext/team-host.ts). Stored as `{ _lock: base64 }`; read back opened;
 * a plain value (written before the lock) is read as it is and sealed on its
 * next write (the migration writes it once: utils/ext/lock-host.ts).
 */
import { fromBase64, toBase64 } from '../evidence/bytes';
import { open, seal } from './envelope';
import { LockedError, type Keyring } from './middleware';

interface RawItem<T> {
  getValue(): Promise<T>;
  setValue(value: T): Promise<void>;
}

const isSealed = (v: unknown): v is { _lock: string } => !!v && typeof v === 'object' && typeof (v as { _lock?: unknown })._lock === 'string';

export function sealedItem<T>(item: RawItem<T>, keyring: Keyring, name: string): RawItem<T> {
  return {
    async getValue() {
      const v = (await item.getValue()) as unknown;
      if (!isSealed(v)) return v as T;
      if (keyring.state !== 'open' || !keyring.keys) throw new LockedError();
      return open(keyring.keys, 'storage', name, fromBase64(v._lock)) as T;
    },
    async setValue(value) {
      if (keyring.state === 'off' || value === null || value === undefined) return item.setValue(value);
      if (keyring.state !== 'open' || !keyring.keys) throw new LockedError();
      return item.setValue({ _lock: toBase64(seal(keyring.keys, 'storage', name, value)) } as T);
    },
  };
}

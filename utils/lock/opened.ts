/**
 * Records opened recently, while the lock is open (docs/lock.md, "Reading again"): the reads a reader repeats —
 * search while typing (every keystroke reads the first window's claims and texts again), a revisit, the
 * library's list — open each sealed record once. Without the lock the browser serves a row read again from
 * its own caches; with it, every read paid AES-GCM, UTF-8 and JSON again (bench/profile-lock.ts --search).
 *
 * An entry is used only for the very row it was opened from: its `_lock` nonce is fresh on every write, so a
 * row written since (here or in another page) misses. Callers get a copy (they may change what they read).
 * Bounded (16 MB of sealed bytes, records up to 256 KB; saved copies' Blobs and keys are never kept) and held
 * per data key: locking drops the key, and with it what was opened under it. Pure: no `browser.*`.
 */
import { hasPendingKeys, type RecordKeys } from './envelope';
import { BoundedMap } from '../bounded-map';

const MAX_BYTES = 16 << 20;
const MAX_RECORD = 256 << 10;
/** Tables whose records are never kept: saved copies' bytes, CryptoKeys. */
const NOT_KEPT = new Set(['blobs', 'keys']);

/** What `get` answers when the row is not kept (a record read may be `undefined`). */
export const MISSING: unique symbol = Symbol('saqta.lock.notOpened');

interface Entry {
  nonce: string;
  value: unknown;
  size: number;
}

const nonceOf = (sealed: Uint8Array) => String.fromCharCode(...sealed.subarray(0, 12));
const keyOf = (table: string, pk: unknown) => `${table}\u0000${typeof pk === 'string' ? pk : JSON.stringify(pk)}`;

export class OpenedRecords {
  private readonly entries = new BoundedMap<string, Entry>(MAX_BYTES, MAX_RECORD, (e) => e.size);

  /** A copy of the record opened from this very row, or MISSING. */
  get(table: string, pk: unknown, sealed: Uint8Array): unknown {
    const key = keyOf(table, pk);
    const e = this.entries.get(key);
    if (!e) return MISSING;
    if (e.nonce !== nonceOf(sealed)) {
      this.entries.delete(key);
      return MISSING;
    }
    return structuredClone(e.value);
  }

  /** Keep a copy of `value`, opened from `sealed` (unless it is too large, holds keys, or its table is never kept). */
  put(table: string, pk: unknown, sealed: Uint8Array, value: unknown): void {
    if (NOT_KEPT.has(table) || sealed.length > MAX_RECORD || value === undefined || hasPendingKeys(value)) return;
    let copy: unknown;
    try {
      copy = structuredClone(value);
    } catch {
      return; // not clonable here (a Blob in an older Node): simply not kept
    }
    this.entries.set(keyOf(table, pk), { nonce: nonceOf(sealed), value: copy, size: sealed.length });
  }

  get size(): number {
    return this.entries.size;
  }
}

const byKey = new WeakMap<RecordKeys, OpenedRecords>();

/** The opened records of this data key (a new unlock, a new key object: nothing kept from before). */
export function openedRecords(keys: RecordKeys): OpenedRecords {
  let c = byKey.get(keys);
  if (!c) byKey.set(keys, (c = new OpenedRecords()));
  return c;
}

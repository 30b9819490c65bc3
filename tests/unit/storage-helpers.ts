/**
 * Storage failure helpers for unit tests: a full disk simulated inside
 * IndexedDB itself (fake-indexeddb), below Dexie, the way a browser reports
 * it, and a dump of every table to compare a database before and after.
 */
import type { SaqtaDB } from '../../utils/db';

type Store = { put: (...a: unknown[]) => unknown; add: (...a: unknown[]) => unknown; transaction: { _abort(name: string): void } };

/**
 * Make the `failAt`-th write (add/put, counted across all stores) fail with
 * QuotaExceededError. `mode: 'throw'`: the call throws, as some engines do;
 * `'abort'`: the write is issued and the transaction is then aborted with
 * QuotaExceededError, as Chromium does when the disk fills at commit.
 */
export function injectQuota(mode: 'throw' | 'abort', failAt = Infinity) {
  const proto = (globalThis as unknown as { IDBObjectStore: { prototype: Store } }).IDBObjectStore.prototype;
  const real = { put: proto.put, add: proto.add };
  const state = { writes: 0, failed: false };
  for (const method of ['put', 'add'] as const) {
    proto[method] = function (this: Store, ...args: unknown[]) {
      state.writes++;
      if (state.writes === failAt) {
        state.failed = true;
        if (mode === 'throw') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        const req = real[method].apply(this, args);
        this.transaction._abort('QuotaExceededError');
        return req;
      }
      return real[method].apply(this, args);
    };
  }
  return {
    state,
    restore() {
      proto.put = real.put;
      proto.add = real.add;
    },
  };
}

/** Every record of every table, sorted by key: two dumps are equal when nothing changed. */
export async function dump(db: SaqtaDB): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of db.tables) {
    out[table.name] = await table.toArray();
    out[table.name].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

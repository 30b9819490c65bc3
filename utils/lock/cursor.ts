/**
 * Reads on a keyed (HMAC) index that are not a plain equality — `anyOf`,
 * `orderBy(...)`, ranges — cannot use the index's order, which is the order
 * of the keyed terms. They are answered in memory from the opened records
 * instead: every row of the table is read, its plain index keys computed,
 * filtered by the range, sorted, and handed back as a DBCore cursor over an
 * array (docs/lock.md, "Indexes"). Rare calls (import merge, the site list).
 */
import Dexie, { type DBCoreCursor, type DBCoreKeyRange, type DBCoreTransaction } from 'dexie';

interface Entry {
  key: unknown;
  primaryKey: unknown;
  value: unknown;
}

type Cmp = (a: unknown, b: unknown) => number;

const RANGE = { Never: 0, Equal: 1, Range: 2, Any: 3 } as const;

function inRange(cmp: Cmp, range: DBCoreKeyRange, key: unknown): boolean {
  const type = range.type as number;
  if (type === RANGE.Never) return false;
  if (type === RANGE.Any) return true;
  if (type === RANGE.Equal) return cmp(key, range.lower) === 0;
  if (range.lower !== undefined) {
    const c = cmp(key, range.lower);
    if (c < 0 || (c === 0 && range.lowerOpen)) return false;
  }
  if (range.upper !== undefined) {
    const c = cmp(key, range.upper);
    if (c > 0 || (c === 0 && range.upperOpen)) return false;
  }
  return true;
}

/** Every (index key, primary key, value) of `rows` whose key is in `range`, in index order. */
export function entriesOf(cmp: Cmp, rows: { primaryKey: unknown; value: unknown }[], keyPath: string | string[], multiEntry: boolean, range: DBCoreKeyRange, opts: { reverse?: boolean; unique?: boolean } = {}): Entry[] {
  const out: Entry[] = [];
  for (const { primaryKey, value } of rows) {
    const raw = Array.isArray(keyPath) ? keyPath.map((p) => Dexie.getByKeyPath(value as object, p)) : Dexie.getByKeyPath(value as object, keyPath);
    if (raw === undefined || (Array.isArray(keyPath) && (raw as unknown[]).some((x) => x === undefined))) continue;
    const keys = multiEntry && Array.isArray(raw) ? [...new Set(raw)] : [raw];
    for (const key of keys) {
      try {
        if (inRange(cmp, range, key)) out.push({ key, primaryKey, value });
      } catch {
        // Not a valid IndexedDB key: IndexedDB would not have indexed it either.
      }
    }
  }
  out.sort((a, b) => cmp(a.key, b.key) || cmp(a.primaryKey, b.primaryKey));
  if (opts.reverse) out.reverse();
  if (!opts.unique) return out;
  return out.filter((e, i) => i === 0 || cmp(e.key, out[i - 1]!.key) !== 0);
}

/** A DBCore cursor over entries already in order; null when there are none (as IndexedDB answers). */
export function arrayCursor(trans: DBCoreTransaction, entries: Entry[], cmp: Cmp, reverse = false): DBCoreCursor | null {
  if (!entries.length) return null;
  let at = 0;
  let finished = false;
  let onNext: (() => void) | undefined;
  let resolve: (v: unknown) => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const dir = reverse ? -1 : 1;
  const step = () => {
    if (finished) return;
    if (at >= entries.length) {
      cursor.done = true;
      finished = true;
      resolve(undefined);
      return;
    }
    try {
      onNext?.();
    } catch (e) {
      finished = true;
      reject(e);
    }
  };
  const move = (to: number) => {
    at = to;
    queueMicrotask(step);
  };
  const cursor = {
    trans,
    done: false,
    get key() {
      return entries[at]?.key;
    },
    get primaryKey() {
      return entries[at]?.primaryKey;
    },
    get value() {
      return entries[at]?.value;
    },
    continue(key?: unknown) {
      let i = at + 1;
      if (key !== undefined) while (i < entries.length && cmp(entries[i]!.key, key) * dir < 0) i++;
      move(i);
    },
    continuePrimaryKey(key: unknown, primaryKey: unknown) {
      let i = at + 1;
      while (i < entries.length && (cmp(entries[i]!.key, key) * dir < 0 || (cmp(entries[i]!.key, key) === 0 && cmp(entries[i]!.primaryKey, primaryKey) * dir < 0))) i++;
      move(i);
    },
    advance(count: number) {
      move(at + count);
    },
    start(callback: () => void) {
      onNext = callback;
      const done = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
      queueMicrotask(step);
      return done;
    },
    stop(value?: unknown) {
      finished = true;
      resolve(value);
    },
    next() {
      at++;
      return Promise.resolve(at < entries.length ? (cursor as unknown as DBCoreCursor) : (null as unknown as DBCoreCursor));
    },
    fail(error: Error) {
      finished = true;
      reject(error);
    },
  };
  return cursor as unknown as DBCoreCursor;
}

/**
 * Encryption at rest (issue 28, docs/lock.md): the database's lowest DBCore
 * middleware. With the lock off it passes every call through untouched. With
 * the lock on and open, each record written is stored as its primary key, the
 * index values the app needs (dates, ids, states in clear; texts, URLs, tags
 * and search terms as keyed HMAC terms) and `_lock`, the sealed record
 * (envelope.ts); reads open it again, so no code above knows. While locked,
 * every read or write of a sealed table fails with LockedError.
 *
 * Records written before the lock was turned on stay readable as they are
 * until the migration (migrate.ts) has put each one through here again.
 */
import Dexie, { cmp, type DBCoreIndex, type DBCoreKeyRange, type DBCoreTable, type DBCoreTableSchema, type DBCoreTransaction, type Middleware, type DBCore } from 'dexie';
import { arrayCursor, entriesOf } from './cursor';
import { MISSING, openedRecords, type OpenedRecords } from './opened';
import { hasPendingKeys, holdsStandIn, keyedSearchTermsOf, keyedTerm, NATIVE_FROM, needsPrepare, open, openAsync, plaintext, plaintextSize, prepare, PREFIX_MAX, revive, sealAsync, sealPlain, type Plaintext, type Prepared, type RecordKeys, type Sealed } from './envelope';

export class LockedError extends Error {
  readonly code = 'locked';
  constructor() {
    super('The library is locked');
    this.name = 'LockedError';
  }
}

/** What the middleware asks on every call: is the lock on, and the keys while it is open. */
export interface Keyring {
  state: 'off' | 'locked' | 'open';
  keys?: RecordKeys;
  /** Turning on: some rows are still plain, so keyed-index reads are answered from all rows. */
  migrating?: boolean;
}

/** Index key paths stored as keyed terms: equality ('hash') or search words with their prefixes ('terms'). */
const KEYED: Record<string, Record<string, 'hash' | 'terms'>> = {
  pages: { normalizedUrl: 'hash', normalizedCanonical: 'hash', fingerprint: 'hash', aliases: 'hash', siteName: 'hash', terms: 'terms' },
  // v60: claims index tag ids (random, in clear like other ids); the names are sealed in `tags`.
  annotations: { 'body.tags': 'hash' },
  texts: { terms: 'terms' },
  claimTerms: { terms: 'terms' },
  tags: { key: 'hash' },
};

/** Tables left in clear: the time-stamp queue holds capture ids and times only. */
const CLEAR_TABLES = new Set(['stamps']);

const pathOf = (i: DBCoreIndex) => (Array.isArray(i.keyPath) ? i.keyPath.join('+') : (i.keyPath ?? ''));

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function keyedValue(keys: RecordKeys, path: string, kind: 'hash' | 'terms', v: unknown): unknown {
  if (kind === 'terms') return keyedSearchTermsOf(keys, path, (Array.isArray(v) ? v : [v]).map(asText));
  return Array.isArray(v) ? [...new Set(v.map((x) => keyedTerm(keys, path, asText(x))))] : keyedTerm(keys, path, asText(v));
}

/** A record to store: its primary key and index values (keyed where KEYED says), and its plaintext to seal into `_lock` (and `_parts`). */
function sealParts(keys: RecordKeys, schema: DBCoreTableSchema, v: unknown, prepared: Prepared): { out: Record<string, unknown>; pk: unknown; plain: Plaintext } | null {
  if (!v || typeof v !== 'object') return null;
  const pkPath = schema.primaryKey.keyPath as string;
  const pk = Dexie.getByKeyPath(v, pkPath);
  const out: Record<string, unknown> = {};
  Dexie.setByKeyPath(out, pkPath, pk);
  const keyed = KEYED[schema.name] ?? {};
  for (const index of schema.indexes) {
    for (const path of Array.isArray(index.keyPath) ? index.keyPath : [index.keyPath as string]) {
      const value = Dexie.getByKeyPath(v, path);
      if (value === undefined) continue;
      const kind = keyed[path];
      Dexie.setByKeyPath(out, path, kind ? keyedValue(keys, path, kind, value) : value);
    }
  }
  return { out, pk, plain: plaintext(v, prepared) };
}

/** A read of more records than this is a scan: what it opens is not kept (opened.ts). */
const SCAN_FROM = 500;
type Kept = Pick<OpenedRecords, 'get' | 'put'>;
const NOTHING_KEPT: Kept = { get: () => MISSING, put: () => undefined };

/** From this many sealed records in one read, they are opened by WebCrypto (bench/profile-lock.ts). */
const ASYNC_FROM = 3;

const isSealed = (v: unknown): v is { _lock: Uint8Array; _parts?: Uint8Array[] } => !!v && typeof v === 'object' && ArrayBuffer.isView((v as { _lock?: unknown })._lock);

/**
 * Keep an IndexedDB transaction from committing while a read's records are revived (CryptoKeys
 * imported): a chain of cheap reads. Writes wait with Dexie.waitFor instead (mutate), which also
 * resumes the writer inside the transaction.
 */
async function keepAlive<T>(trans: DBCoreTransaction, store: string, work: Promise<T>): Promise<T> {
  const idb = trans as unknown as IDBTransaction;
  let done = false;
  const spin = () => {
    if (done) return;
    try {
      const r = idb.objectStore(store).get(-Infinity);
      r.onsuccess = spin;
      r.onerror = spin;
    } catch {
      // The transaction ended; the caller's next request reports it.
    }
  };
  spin();
  try {
    return await work;
  } finally {
    done = true;
  }
}

/**
 * A read-only transaction Dexie made for one read (`db.table.get`, `where().toArray()` outside
 * `db.transaction()`): nothing else is asked of it after its answer, so it needs no keeping alive
 * (Dexie marks the transactions of `db.transaction()` `_explicit`). The tag-id middleware above
 * reads the claims' tags in a transaction of its own then (utils/store/tag-id-core.ts).
 */
export const lone = (trans: DBCoreTransaction) => {
  const idb = trans as unknown as IDBTransaction & { _explicit?: boolean };
  return idb.mode === 'readonly' && !idb._explicit;
};

export function lockMiddleware(keyring: Keyring): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'saqta-lock',
    level: -1,
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (CLEAR_TABLES.has(name)) return table;
        return lockedTable(table, keyring);
      },
    }),
  };
}

function lockedTable(table: DBCoreTable, keyring: Keyring): DBCoreTable {
  const { schema } = table;
  const name = schema.name;
  const keyed = KEYED[name] ?? {};
  const pkPath = schema.primaryKey.keyPath as string;
  const keys = () => {
    if (keyring.state === 'locked' || !keyring.keys) throw new LockedError();
    return keyring.keys;
  };
  /** Open one row here (@noble) and keep it (opened.ts). */
  const openKept = (k: RecordKeys, kept: Kept, v: { _lock: Uint8Array; _parts?: Uint8Array[] }): unknown => {
    const pk = Dexie.getByKeyPath(v, pkPath);
    const out = open(k, name, pk, v._lock, v._parts);
    kept.put(name, pk, v._lock, out);
    return out;
  };
  /** Open one row (or take what was opened from this very row: opened.ts). */
  const openValue = (v: unknown): unknown => {
    if (!isSealed(v)) return v;
    const k = keys();
    const kept = openedRecords(k);
    const hit = kept.get(name, Dexie.getByKeyPath(v, pkPath), v._lock);
    return hit !== MISSING ? hit : openKept(k, kept, v);
  };
  /**
   * Opened values: those opened before from the same rows at once; the rest, three or more (or a large
   * one), by WebCrypto (openAsync), the transaction kept alive meanwhile, then CryptoKeys imported (the keys
   * table). Nothing left to open: the values, with no await.
   */
  const openMany = (trans: DBCoreTransaction, values: unknown[]): unknown[] | Promise<unknown[]> => {
    if (!values.some(isSealed)) return values;
    const k = keys();
    // A scan (the search index's build, an export) keeps nothing: its thousands of records would only push out the ones read again.
    const kept = values.length <= SCAN_FROM ? openedRecords(k) : NOTHING_KEPT;
    const out = values.map((v) => (isSealed(v) ? kept.get(name, Dexie.getByKeyPath(v, pkPath), v._lock) : v));
    const todo: number[] = [];
    out.forEach((v, i) => v === MISSING && todo.push(i));
    if (!todo.length) return out;
    // One or two small records: opened here (no WebCrypto round trip, no transaction kept waiting).
    if (todo.length < ASYNC_FROM && !todo.some((i) => (values[i] as { _lock: Uint8Array })._lock.length >= NATIVE_FROM || !!(values[i] as { _parts?: unknown })._parts)) {
      for (const i of todo) out[i] = openKept(k, kept, values[i] as { _lock: Uint8Array; _parts?: Uint8Array[] });
      return out.some(hasPendingKeys) ? keepAlive(trans, name, Promise.all(out.map(revive))) : out;
    }
    const opening = Promise.all(
      todo.map(async (i) => {
        const v = values[i] as { _lock: Uint8Array; _parts?: Uint8Array[] };
        const pk = Dexie.getByKeyPath(v, pkPath);
        out[i] = await openAsync(k, name, pk, v._lock, v._parts);
        kept.put(name, pk, v._lock, out[i]);
      }),
    ).then(() => (out.some(hasPendingKeys) ? Promise.all(out.map(revive)) : out));
    // Dexie's own one-request read (no `db.transaction()` around it): nothing follows it in this transaction.
    return lone(trans) ? opening : keepAlive(trans, name, opening);
  };
  const thenOpen = <T>(p: Promise<T>, f: (v: T) => unknown) => p.then((v) => f(v));
  const kindOf = (index: DBCoreIndex) => keyed[pathOf(index)];
  /** The range on the keyed terms for a plain one, or null when it must be answered from all rows. */
  const keyedRange = (index: DBCoreIndex, range: DBCoreKeyRange): { range: DBCoreKeyRange; prefix?: string } | null => {
    if (keyring.migrating) return null;
    const kind = kindOf(index)!;
    const path = pathOf(index);
    const k = keys();
    if (range.type === 1) {
      const t = kind === 'terms' ? keyedTerm(k, path, `=${asText(range.lower)}`) : keyedTerm(k, path, asText(range.lower));
      return { range: { ...range, lower: t, upper: t } };
    }
    const q = range.lower;
    if (kind === 'terms' && range.type === 2 && typeof q === 'string' && q && range.upper === q + '\uffff' && !range.lowerOpen && !range.upperOpen) {
      const chars = [...q];
      const t = keyedTerm(k, path, `^${chars.slice(0, PREFIX_MAX).join('')}`);
      return { range: { type: 1, lower: t, upper: t, lowerOpen: false, upperOpen: false } as DBCoreKeyRange, prefix: chars.length > PREFIX_MAX ? q : undefined };
    }
    return null;
  };
  /** Every row opened, then the entries of `index` in `range`, in plain index order. */
  const fromAllRows = async (trans: DBCoreTransaction, index: DBCoreIndex, range: DBCoreKeyRange, opts: { reverse?: boolean; unique?: boolean }) => {
    const res = await table.query({ trans, values: true, query: { index: schema.primaryKey, range: { type: 3 } as DBCoreKeyRange } });
    const values = await openMany(trans, res.result);
    const rows = values.map((value) => ({ primaryKey: Dexie.getByKeyPath(value as object, pkPath), value }));
    return entriesOf(cmp, rows, index.keyPath as string | string[], !!index.multiEntry, range, opts);
  };
  /** A long prefix: the rows under its first PREFIX_MAX letters, kept if a term really starts with it. */
  const checkPrefix = async (trans: DBCoreTransaction, index: DBCoreIndex, primaryKeys: unknown[], prefix: string) => {
    const rows = await table.getMany({ trans, keys: primaryKeys });
    const values = await openMany(trans, rows);
    return values.map((v, i) => ({ pk: primaryKeys[i], v })).filter(({ v }) => {
      const terms = Dexie.getByKeyPath(v as object, index.keyPath as string);
      return Array.isArray(terms) && terms.some((t) => typeof t === 'string' && t.startsWith(prefix));
    });
  };

  /** A long prefix, or a range/anyOf/orderBy on a keyed index: answered from opened rows. */
  const rareQuery = async (req: Parameters<DBCoreTable['query']>[0], keyedR: ReturnType<typeof keyedRange>) => {
    const { index, range } = req.query;
      if (keyedR?.prefix) {
        const res = await table.query({ ...req, values: false, limit: undefined, query: { index, range: keyedR.range } });
        const kept = (await checkPrefix(req.trans, index, res.result, keyedR.prefix)).slice(0, req.limit ?? Infinity);
        return { result: req.values ? kept.map((r) => r.v) : kept.map((r) => r.pk) };
      }
      const entries = await fromAllRows(req.trans, index, range, { reverse: req.direction === 'prev' || req.direction === 'prevunique', unique: req.direction?.endsWith('unique') });
      const some = entries.slice(0, req.limit ?? Infinity);
      return { result: req.values ? some.map((e) => e.value) : some.map((e) => e.primaryKey) };
    };

  const self: DBCoreTable = {
    ...table,
    // No `async` on the common paths: every extra await between Dexie's own promises can lose the
    // transaction's zone (the caller's next request then runs outside it).
    mutate: (req) => {
      if (keyring.state === 'off') {
        // A stand-in Blob (blobToStore, made while the lock was open) would store an empty copy: refuse the write
        // (an AbortError: the reader is told, in their language, that nothing was written; utils/background/errors.ts).
        if ((req.type === 'add' || req.type === 'put') && req.values.some(holdsStandIn)) return Promise.reject(new Dexie.AbortError('The lock was turned off during this save: nothing was stored. Save again.'));
        return table.mutate(req);
      }
      if (req.type !== 'add' && req.type !== 'put') {
        keys();
        return table.mutate(req);
      }
      const k = keys();
      const prepared: Prepared = new Map();
      const seal = () => {
        const parts = req.values.map((v) => sealParts(k, schema, v, prepared));
        const stored = (done: (Sealed | null)[]) =>
          table.mutate({
            ...req,
            values: parts.map((p, i) => {
              const s = done[i];
              if (!p || !s) return req.values[i];
              p.out._lock = s.lock;
              if (s.parts) p.out._parts = s.parts;
              return p.out;
            }),
          });
        const big = (p: (typeof parts)[number]) => !!p && plaintextSize(p.plain) >= NATIVE_FROM;
        // A large record (a saved copy's blobs) by WebCrypto, Dexie.waitFor keeping the writer's transaction meanwhile.
        if (!parts.some(big)) return stored(parts.map((p) => p && sealPlain(k, name, p.pk, p.plain)));
        return Dexie.waitFor(Promise.all(parts.map((p) => p && (big(p) ? sealAsync(k, name, p.pk, p.plain) : sealPlain(k, name, p.pk, p.plain))))).then(stored);
      };
      // Blobs not registered by their writer (knownBlob) and keys' exports: Dexie.waitFor keeps the transaction.
      if (req.values.some(needsPrepare)) return Dexie.waitFor(Promise.all(req.values.map((v) => prepare(v, prepared)))).then(seal);
      return seal();
    },
    get: (req) => {
      if (keyring.state === 'off') return table.get(req);
      return thenOpen(table.get(req), (v) => {
        const out = openMany(req.trans, [v]);
        return Array.isArray(out) ? out[0] : out.then((o) => o[0]);
      });
    },
    getMany: (req) => {
      if (keyring.state === 'off') return table.getMany(req);
      return thenOpen(table.getMany(req), (v) => openMany(req.trans, v)) as Promise<unknown[]>;
    },
    query: (req) => {
      if (keyring.state === 'off') return table.query(req);
      const { index, range } = req.query;
      const plainQuery = (r: typeof req) =>
        table.query(r).then((res) => {
          if (!r.values) return res;
          const out = openMany(req.trans, res.result);
          return Array.isArray(out) ? { result: out } : out.then((result) => ({ result }));
        });
      if (!kindOf(index)) return plainQuery(req);
      const keyedR = keyedRange(index, range);
      if (keyedR && !keyedR.prefix) return plainQuery({ ...req, query: { index, range: keyedR.range } });
      return rareQuery(req, keyedR);
    },
    openCursor: (req) => {
      if (keyring.state === 'off') return table.openCursor(req);
      const { index, range } = req.query;
      const keyedR = kindOf(index) && range.type === 1 ? keyedRange(index, range) : null;
      if (!kindOf(index) || keyedR) {
        return table.openCursor(keyedR ? { ...req, query: { index, range: keyedR.range } } : req).then((cursor) => {
        if (!cursor) return cursor;
        let seen: unknown;
        let opened: unknown;
        return Object.create(cursor, {
          value: {
            get() {
              if (!req.values) return undefined;
              const raw = cursor.value;
              if (raw !== seen) {
                seen = raw;
                opened = openValue(raw);
              }
              return opened;
            },
          },
          key: { get: () => (keyedR ? range.lower : cursor.key) },
        });
        });
      }
      return fromAllRows(req.trans, index, range, { reverse: req.reverse, unique: req.unique }).then((entries) => arrayCursor(req.trans, entries, cmp, req.reverse));
    },
    count: (req) => {
      if (keyring.state === 'off') return table.count(req);
      keys();
      const { index, range } = req.query;
      if (!kindOf(index)) return table.count(req);
      const keyedR = keyedRange(index, range);
      if (keyedR && !keyedR.prefix) return table.count({ ...req, query: { index, range: keyedR.range } });
      return self.query({ trans: req.trans, values: false, query: req.query }).then((res) => res.result.length);
    },
  };
  return self;
}

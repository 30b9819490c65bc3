/**
 * Claims refer to tags by id (schema v60, docs/tag-ids.md). A claim is stored
 * with `body.tagIds`; every reader above this DBCore middleware still sees
 * `body.tags`, the tags' names, resolved from the `tags` table in the same
 * transaction, and every writer still writes names: they become ids here,
 * a tag made for a name the table lacks. So a rename writes one `tags` row,
 * and exports, team parts, citations and the content script keep names.
 *
 * A merged tag stays as a row `{ id, name, mergedInto }` without `key` (so its
 * name is free again): claims holding its id read as the tag it went into,
 * and a claim written again gets that tag's id.
 *
 * This file is what utils/db.ts needs (the middleware, the upgrade step);
 * lookups by tag name are in ./tag-ids.ts. The middleware sits just above the lock's (utils/lock/middleware.ts), so the
 * ids are sealed with the claim and the tags it reads are opened ones.
 */
import type { DBCore, DBCoreTable, DBCoreTransaction, DBCoreKeyRange, Middleware } from 'dexie';
import type { TagRecord } from '../records';
import { newId, nowIso } from '../annotation';
import { lone } from '../lock/middleware';

/** Tag identity: trimmed, inner white space folded, case-folded (as store/tags.ts). */
const keyOf = (name: string) => cleanName(name).toLocaleLowerCase();
const cleanName = (name: string) => name.replace(/\s+/g, ' ').trim().slice(0, 100);

interface TagMaps {
  /** Every row, merged ones too. */
  byId: Map<string, TagRecord>;
  /** Live tags (not merged) by key. */
  byKey: Map<string, TagRecord>;
}

export function tagMaps(rows: TagRecord[]): TagMaps {
  const byId = new Map(rows.map((t) => [t.id, t]));
  const byKey = new Map<string, TagRecord>();
  for (const t of rows) if (!t.mergedInto && t.key) byKey.set(t.key, t);
  return { byId, byKey };
}

/** The live tag an id stands for (following merges), or undefined for a deleted one. */
function liveTag(maps: TagMaps, id: string): TagRecord | undefined {
  let t = maps.byId.get(id);
  for (let hops = 0; t?.mergedInto && hops < 32; hops++) t = maps.byId.get(t.mergedInto);
  return t && !t.mergedInto ? t : undefined;
}

/** Names of a stored claim's tag ids, in order, each once. */
function namesOf(maps: TagMaps, ids: readonly string[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const t = liveTag(maps, id);
    if (t && !out.includes(t.name)) out.push(t.name);
  }
  return out;
}

/** Each id's name as claims read it now (following merges; '' for a deleted tag). */
export function namesById(rows: TagRecord[]): Map<string, string> {
  const maps = tagMaps(rows);
  return new Map(rows.map((t) => [t.id, liveTag(maps, t.id)?.name ?? '']));
}

/** Every id that reads as the live tag `id` (itself and the tags merged into it). */
export function idsReadingAs(maps: TagMaps, id: string): string[] {
  return [...maps.byId.keys()].filter((x) => liveTag(maps, x)?.id === id);
}

/**
 * Put by the v60 upgrade on the index of a claim it could not convert (sealed by the lock, or naming a tag
 * only a sealed row has): that claim still holds names; `convertNamedTagClaims` finds it by this.
 */
export const NAMED = '~names';

type Stored = { body?: { tags?: unknown; tagIds?: unknown } & Record<string, unknown> } & Record<string, unknown>;

/** A stored claim as the app reads it: `body.tags` names, no `tagIds` (changed in place: a fresh copy from IndexedDB). */
function toRead(maps: TagMaps, v: unknown): unknown {
  const s = v as Stored;
  if (s && typeof s === 'object' && s.body && Array.isArray(s.body.tagIds)) {
    // A claim the upgrade left with names (NAMED) keeps them.
    if (!(s.body.tagIds as string[]).includes(NAMED)) s.body.tags = namesOf(maps, s.body.tagIds as string[]);
    delete s.body.tagIds;
  }
  return v;
}

/** Claims as stored (read straight from IndexedDB: tests, checks) as the app reads them, with their tags' names. */
export function claimsAsRead<T>(tags: TagRecord[], claims: T[]): T[] {
  const maps = tagMaps(tags);
  return claims.map((c) => toRead(maps, c) as T);
}

export function tagIdsMiddleware(): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'saqta-tag-ids',
    // Above the lock (-1), below the search terms and the rest.
    level: 0,
    create: (down) => {
      /** The tags of each transaction, read once; dropped when the transaction writes a tag. */
      const cache = new WeakMap<DBCoreTransaction, Promise<TagMaps>>();
      const hasTags = (trans: DBCoreTransaction) => {
        const names = (trans as unknown as IDBTransaction).objectStoreNames;
        return !names || names.contains('tags');
      };
      const mapsOf = (trans: DBCoreTransaction): Promise<TagMaps> => {
        let p = cache.get(trans);
        if (!p) {
          p = down
            .table('tags')
            .query({ trans, values: true, query: { index: down.table('tags').schema.primaryKey, range: { type: 3 } as DBCoreKeyRange } })
            .then((res) => tagMaps(res.result as TagRecord[]));
          cache.set(trans, p);
        }
        return p;
      };
      /**
       * The tags these ids read as (merges followed): only their rows, by primary key, so a claim read
       * costs a few tag rows, not the whole table (with the lock on, each row is opened). The whole
       * table when this transaction has read it already (a cursor).
       */
      const mapsFor = (trans: DBCoreTransaction, ids: Iterable<string>): Promise<TagMaps> => {
        const whole = cache.get(trans);
        if (whole) return whole;
        const tags = down.table('tags');
        const rows: TagRecord[] = [];
        const seen = new Set<string>();
        const step = (want: string[]): Promise<TagMaps> => {
          want = [...new Set(want)].filter((id) => !seen.has(id));
          if (!want.length) return Promise.resolve(tagMaps(rows));
          for (const id of want) seen.add(id);
          return tags.getMany({ trans, keys: want }).then((got) => {
            const next: string[] = [];
            for (const t of got as (TagRecord | undefined)[]) {
              if (!t) continue;
              rows.push(t);
              if (t.mergedInto) next.push(t.mergedInto);
            }
            return step(next);
          });
        };
        return step([...ids]);
      };
      /** The live tags of these keys (a keyed lookup each), as maps for `idOf`. */
      const mapsByKey = (trans: DBCoreTransaction, keys: Set<string>): Promise<TagMaps> => {
        const whole = cache.get(trans);
        if (whole) return whole;
        const tags = down.table('tags');
        const index = tags.schema.getIndexByKeyPath('key');
        if (!index) return mapsOf(trans);
        return Promise.all(
          [...keys].map((k) => tags.query({ trans, values: true, limit: 1, query: { index, range: { type: 1, lower: k, upper: k, lowerOpen: false, upperOpen: false } as DBCoreKeyRange } })),
        ).then((res) => tagMaps(res.flatMap((r) => r.result as TagRecord[])));
      };
      /** A read-only transaction on the tags, kept alive between its reads (merges are followed one read at a time). */
      const ownTags = (): DBCoreTransaction => {
        const t = down.transaction(['tags'], 'readonly', { durability: 'default' });
        (t as unknown as { _explicit: boolean })._explicit = true;
        return t;
      };
      const idsIn = (values: unknown[]): string[] => {
        const out: string[] = [];
        for (const v of values) {
          const ids = (v as Stored | undefined)?.body?.tagIds;
          if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string' && id !== NAMED) out.push(id);
        }
        return out;
      };
      /** Claims in the v60 shape only: during older versions' upgrade steps (no `body.tagIds` index yet) claims pass as they are. */
      const active = (table: DBCoreTable) => table.schema.indexes.some((i) => i.name === 'body.tagIds');
      return {
        ...down,
        transaction: (stores, mode, options) =>
          down.transaction(stores.includes('annotations') && !stores.includes('tags') ? [...stores, 'tags'] : stores, mode, options),
        table: (name) => {
          const table = down.table(name);
          if (name === 'tags') {
            return {
              ...table,
              mutate: (req) => {
                cache.delete(req.trans);
                return table.mutate(req);
              },
            };
          }
          if (name !== 'annotations' || !active(table)) return table;
          /** The claims first, then the tag rows they refer to. */
          const reading = <T>(trans: DBCoreTransaction, work: () => Promise<T>, values: (r: T) => unknown[], map: (m: TagMaps, r: T) => T): Promise<T> => {
            if (!hasTags(trans)) return work();
            return work().then((r) => {
              const ids = idsIn(values(r));
              // Dexie's one-read transaction may have ended by now (the lock opened the claims by WebCrypto without
              // keeping it alive): then the tags are read in a transaction of their own. Without the lock it is still open.
              return mapsFor(trans, ids)
                .catch((e: unknown) => (lone(trans) && /TransactionInactive|InvalidState/.test((e as Error)?.name ?? '') ? mapsFor(ownTags(), ids) : Promise.reject(e)))
                .then((m) => map(m, r));
            });
          };
          return {
            ...table,
            get: (req) => reading(req.trans, () => table.get(req), (v) => [v], (m, v) => toRead(m, v)),
            getMany: (req) => reading(req.trans, () => table.getMany(req), (vs) => vs, (m, vs) => vs.map((v) => toRead(m, v))),
            query: (req) =>
              req.values ? reading(req.trans, () => table.query(req), (res) => res.result, (m, res) => ({ ...res, result: res.result.map((v) => toRead(m, v)) })) : table.query(req),
            openCursor: (req) => {
              if (!req.values || !hasTags(req.trans)) return table.openCursor(req);
              return mapsOf(req.trans).then((m) =>
                table.openCursor(req).then((cursor) => {
                  if (!cursor) return cursor;
                  let seen: unknown;
                  let shown: unknown;
                  // Every member read through to the cursor itself: an IDBCursor's own getters and methods
                  // throw "Illegal invocation" when called on another object (as a prototype).
                  const through: PropertyDescriptorMap = {};
                  for (const k of ['key', 'primaryKey', 'done', 'trans'] as const) through[k] = { get: () => (cursor as unknown as Record<string, unknown>)[k] };
                  for (const k of ['continue', 'continuePrimaryKey', 'advance', 'start', 'stop', 'fail'] as const) {
                    through[k] = {
                      get: () => (...args: unknown[]) => (cursor as unknown as Record<string, (...a: unknown[]) => unknown>)[k]!(...args),
                      set: (f: unknown) => void ((cursor as unknown as Record<string, unknown>)[k] = f),
                    };
                  }
                  return Object.create(cursor, {
                    ...through,
                    value: {
                      get() {
                        const raw = cursor.value;
                        if (raw !== seen) {
                          seen = raw;
                          shown = toRead(m, raw);
                        }
                        return shown;
                      },
                    },
                  });
                }),
              );
            },
            mutate: (req) => {
              if (req.type !== 'add' && req.type !== 'put') return table.mutate(req);
              const values = req.values as Stored[];
              if (!values.some((v) => v?.body && Array.isArray(v.body.tags))) return table.mutate(req);
              const wanted = new Set<string>();
              for (const v of values) if (v?.body && Array.isArray(v.body.tags)) for (const raw of v.body.tags as unknown[]) if (typeof raw === 'string' && cleanName(raw)) wanted.add(keyOf(raw));
              return mapsByKey(req.trans, wanted).then((m) => {
                const made: TagRecord[] = [];
                const idOf = (raw: unknown): string | undefined => {
                  if (typeof raw !== 'string') return undefined;
                  const name = cleanName(raw);
                  if (!name) return undefined;
                  const key = keyOf(name);
                  let t = m.byKey.get(key);
                  if (!t) {
                    t = { id: newId(), name, key, created: nowIso() };
                    m.byKey.set(key, t);
                    m.byId.set(t.id, t);
                    made.push(t);
                  }
                  return t.id;
                };
                const out = values.map((v) => {
                  if (!v?.body || !Array.isArray(v.body.tags)) return v;
                  const { tags, ...body } = v.body;
                  const tagIds = [...new Set((tags as unknown[]).map(idOf).filter((x): x is string => !!x))];
                  return { ...v, body: { ...body, tagIds } };
                });
                const write = () => table.mutate({ ...req, values: out });
                if (!made.length) return write();
                // The transaction's whole-table maps (a cursor's) no longer hold every tag.
                cache.delete(req.trans);
                // A claim names a tag the table lacks (an import, a colleague's part): it is made here, in the same transaction.
                return down.table('tags').mutate({ type: 'add', trans: req.trans, values: made }).then(write);
              });
            },
          };
        },
      };
    },
  };
}

/**
 * The v60 upgrade step, on the raw stores of the versionchange transaction
 * (below every middleware: a locked library's sealed rows cannot be opened
 * here). Each plain claim's tag names become the ids of the tags table's rows
 * (a row made for a name it lacks); sealed claims (the lock on) keep their
 * names until `convertNamedTagClaims` runs with the lock open. One
 * transaction: interrupted, the database stays at the old version, whole.
 * Returns the claims left as they were.
 */
export function upgradeToTagIds(idb: IDBTransaction): Promise<{ converted: number; left: number }> {
  return new Promise((resolve, reject) => {
    const tagsStore = idb.objectStore('tags');
    const claims = idb.objectStore('annotations');
    const all = tagsStore.getAll();
    all.onerror = () => reject(all.error);
    all.onsuccess = () => {
      const rows = all.result as (TagRecord & { _lock?: unknown })[];
      // With sealed tag rows, a name missing from the plain ones may be a sealed tag's: no tag is made then.
      const sealedTags = rows.some((t) => t._lock);
      const byKey = new Map(rows.filter((t) => !t._lock && t.key).map((t) => [t.key, t.id]));
      let converted = 0;
      let left = 0;
      const cur = claims.openCursor();
      cur.onerror = () => reject(cur.error);
      cur.onsuccess = () => {
        const c = cur.result;
        if (!c) return resolve({ converted, left });
        const v = c.value as Stored & { _lock?: unknown };
        if (v._lock) {
          // Sealed: only its index fields are in clear; marked so it is found once the lock is open.
          c.update({ ...v, body: { ...(v.body ?? {}), tagIds: [NAMED] } });
          left++;
          return c.continue();
        }
        if (!v.body || !Array.isArray(v.body.tags)) return c.continue();
        const ids: string[] = [];
        let unknown = false;
        for (const raw of v.body.tags as unknown[]) {
          if (typeof raw !== 'string' || !cleanName(raw)) continue;
          const key = keyOf(raw);
          let id = byKey.get(key);
          if (!id && !sealedTags) {
            id = newId();
            byKey.set(key, id);
            tagsStore.add({ id, name: cleanName(raw), key, created: nowIso() });
          }
          if (id) ids.includes(id) || ids.push(id);
          else unknown = true;
        }
        if (unknown) {
          c.update({ ...v, body: { ...v.body, tagIds: [NAMED] } });
          left++;
          return c.continue();
        }
        const { tags: _names, ...body } = v.body;
        c.update({ ...v, body: { ...body, tagIds: ids } });
        converted++;
        c.continue();
      };
    };
  });
}


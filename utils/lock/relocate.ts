/**
 * After the migration has sealed every row in place (docs/lock.md, "Plain copies on disk"):
 * move the sealed library into a fresh database so that nothing written before the lock stays
 * in the browser's files. Chromium keeps IndexedDB in one LevelDB per origin; a row sealed in
 * place is a newer version of the same key, and the plain older version stays in a deeper
 * table file until a compaction happens to merge the two (measured: lock.e2e found pre-lock
 * claims in an old `.ldb` after sealing). Deleting the database is what makes Chromium compact
 * the database's whole key range — the wipe's E2E scans clean after it — so:
 *
 *   1. copy every stored (already sealed) record, as stored, into `<name>-move`; mark it whole;
 *   2. mark it `back` — from here the copy is the library;
 *   3. delete the database (the caller's `scratch` first spreads its range over several
 *      table files, as the wipe does), open it again empty at the current schema;
 *   4. copy the records back as they are (indexes are rebuilt from the stored index values);
 *   5. delete `<name>-move` (sealed records only: nothing readable in what it leaves).
 *
 * Interrupted anywhere it loses nothing: before step 2 the library is untouched and the next
 * run copies again; from step 2 `resumeRelocation` (called before the background answers any
 * request) finishes steps 3–5 from the copy. Records are copied raw (native IndexedDB, no key
 * needed), so resuming works while locked. Pure IndexedDB: no `browser.*`.
 */
import type { SaqtaDB } from '../db';

const META = '_move';
const CHUNK = 200;
type Phase = 'whole' | 'back';

export const moveName = (name: string) => `${name}-move`;

const ask = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });

function openRaw(name: string, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
    r.onupgradeneeded = () => upgrade?.(r.result);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error(`opening ${name} is blocked`));
  });
}

function deleteRaw(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error);
  });
}

async function exists(name: string): Promise<boolean> {
  if (typeof indexedDB.databases === 'function') return (await indexedDB.databases()).some((d) => d.name === name);
  // Without databases(): open it and look (an empty version-1 database made here is deleted again).
  const db = await openRaw(name);
  const found = db.objectStoreNames.contains(META);
  db.close();
  if (!found) await deleteRaw(name);
  return found;
}

async function phaseOf(move: IDBDatabase): Promise<Phase | undefined> {
  if (!move.objectStoreNames.contains(META)) return undefined;
  const tx = move.transaction(META, 'readonly');
  return (await ask(tx.objectStore(META).get('phase'))) as Phase | undefined;
}

async function setPhase(move: IDBDatabase, phase: Phase): Promise<void> {
  const tx = move.transaction(META, 'readwrite');
  tx.objectStore(META).put(phase, 'phase');
  await done(tx);
}

/** Every record of every store of `from` into the same-named stores of `to`, as stored, CHUNK at a time. */
async function copyAll(from: IDBDatabase, to: IDBDatabase, stores: string[]): Promise<number> {
  let n = 0;
  for (const name of stores) {
    let after: IDBValidKey | undefined;
    for (;;) {
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const rtx = from.transaction(name, 'readonly');
      const src = rtx.objectStore(name);
      const [keys, values] = await Promise.all([ask(src.getAllKeys(range, CHUNK)), ask(src.getAll(range, CHUNK))]);
      if (!keys.length) break;
      const wtx = to.transaction(name, 'readwrite');
      const dst = wtx.objectStore(name);
      keys.forEach((k, i) => (dst.keyPath === null ? dst.put(values[i], k) : dst.put(values[i])));
      await done(wtx);
      n += keys.length;
      after = keys[keys.length - 1];
    }
  }
  return n;
}

/** Steps 3–5 from a whole copy. */
async function moveBack(db: SaqtaDB, scratch: Scratch): Promise<void> {
  const name = db.name;
  if (!db.isOpen()) await db.open();
  await scratch(db.backendDB());
  // Dexie closes the other pages' connections (their versionchange), deletes, and reopens here at the current schema.
  await db.delete({ disableAutoOpen: false });
  await db.open();
  const target = db.backendDB();
  const move = await openRaw(moveName(name));
  try {
    await copyAll(move, target, [...target.objectStoreNames].filter((s) => move.objectStoreNames.contains(s)));
  } finally {
    move.close();
  }
  await deleteRaw(moveName(name));
  // Once more in the new database: LevelDB removes the table files its compactions made obsolete at its next flush.
  await scratch(db.backendDB());
}

/**
 * Writes random bytes into the database (native IndexedDB, no key needed) and removes them; run just
 * before the delete (it spreads the database's range over several table files, so the compaction
 * rewrites them all) and after the copy back (a flush: LevelDB then removes the files it made obsolete).
 */
export type Scratch = (idb: IDBDatabase) => Promise<void>;

/** Move the sealed library through a fresh copy (steps 1–5 above). */
export async function relocate(db: SaqtaDB, scratch: Scratch): Promise<void> {
  const name = db.name;
  if (!db.isOpen()) await db.open();
  const source = db.backendDB();
  const stores = [...source.objectStoreNames];
  const movePath = moveName(name);
  let move = (await exists(movePath)) ? await openRaw(movePath) : undefined;
  const phase = move ? await phaseOf(move) : undefined;
  if (phase !== 'back') {
    // A copy cut off before it was whole (or an older one): start it again.
    move?.close();
    if (move) await deleteRaw(movePath);
    move = await openRaw(movePath, 1, (m) => {
      m.createObjectStore(META);
      for (const s of stores) {
        const store = source.transaction(s, 'readonly').objectStore(s);
        m.createObjectStore(s, { keyPath: store.keyPath, autoIncrement: store.autoIncrement });
      }
    });
    await copyAll(source, move, stores);
    await setPhase(move, 'whole');
    await setPhase(move, 'back');
  }
  move!.close();
  await moveBack(db, scratch);
}

/** At start, before any request: a relocation stopped after its copy became the library is finished. */
export async function resumeRelocation(db: SaqtaDB, scratch: Scratch): Promise<boolean> {
  const movePath = moveName(db.name);
  if (!(await exists(movePath))) return false;
  const move = await openRaw(movePath);
  const phase = await phaseOf(move);
  move.close();
  if (phase === 'back') {
    await moveBack(db, scratch);
    return true;
  }
  // Not whole: the library was never touched; the copy is dropped (the migration's finish makes a new one).
  await deleteRaw(movePath);
  return false;
}

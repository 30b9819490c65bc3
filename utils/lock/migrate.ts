/**
 * Turning the lock on seals the library already there, in place, in the
 * background (docs/lock.md, "Migration"): table by table, in primary-key
 * order, chunks of CHUNK rows read and put back through the lock middleware
 * (which seals them), each chunk in one transaction, then the position saved.
 * Stopped anywhere (a crash, the browser closed), it starts again from the
 * last saved position: a chunk is sealed whole or not at all, and sealing a
 * row twice is harmless, so nothing is lost or left half-written.
 *
 * The signing key made before the lock is non-extractable and cannot be
 * sealed: it is deleted, and a new one is made (sealed) on next use.
 */
import type { SaqtaDB } from '../db';
import type { Item, MigrationState } from './store';
import { prepare } from './envelope';

const CHUNK = 200;

/** Tables sealed, in order (the middleware leaves `stamps` in clear). */
function tablesToSeal(db: SaqtaDB): string[] {
  return db.tables.map((t) => t.name).filter((n) => n !== 'stamps').sort();
}

export async function startMigration(db: SaqtaDB, progress: Item<MigrationState | null>): Promise<MigrationState> {
  let total = 0;
  for (const name of tablesToSeal(db)) total += await db.table(name).count();
  const state: MigrationState = { table: 0, done: 0, total };
  await progress.set(state);
  return state;
}

/**
 * Seal what is left; `onProgress` after each chunk; `stop()` asked between chunks (locking pauses it);
 * `finish()` once every row is sealed, before the state is cleared.
 * Resolves true when every table is sealed (and the state cleared), false when stopped.
 */
export async function runMigration(
  db: SaqtaDB,
  progress: Item<MigrationState | null>,
  opts: { onProgress?(s: MigrationState): void; stop?(): boolean; finish?(): Promise<void> } = {},
): Promise<boolean> {
  const names = tablesToSeal(db);
  let state = await progress.get();
  if (!state) return true;
  db.keyring.migrating = true;
  while (state.table < names.length) {
    if (opts.stop?.()) return false;
    const name = names[state.table]!;
    const table = db.table(name);
    const pk = table.schema.primKey.name;
    type Row = Record<string, unknown>;
    const rows: Row[] = await (state.after === undefined ? table.orderBy(':id') : table.where(':id').above(state.after)).limit(CHUNK).toArray();
    if (!rows.length) {
      state = { ...state, table: state.table + 1, after: undefined };
    } else {
      const last = rows[rows.length - 1]![pk] as string | number;
      // Blobs' bytes (and extractable keys) read before the transaction, not inside it.
      const sealable = name === 'keys' ? rows.filter((r) => (r.privateKey as CryptoKey | undefined)?.extractable !== false) : rows;
      await prepare(sealable);
      if (name === 'keys') {
        const stale = rows.filter((r) => (r.privateKey as CryptoKey | undefined)?.extractable === false);
        await db.transaction('rw', table, async () => {
          await table.bulkDelete(stale.map((r) => r[pk] as string));
          await table.bulkPut(rows.filter((r) => !stale.includes(r)));
        });
      } else {
        await db.transaction('rw', table, () => table.bulkPut(rows));
      }
      state = { ...state, after: last, done: state.done + rows.length };
    }
    await progress.set(state);
    opts.onProgress?.(state);
  }
  // What lives outside the sealed rows (team credentials; the plain copies a browser keeps in its files) before
  // the state is cleared: interrupted here, the next start finishes it again.
  await opts.finish?.();
  await progress.set(null);
  db.keyring.migrating = false;
  return true;
}

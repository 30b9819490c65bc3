/**
 * Quick wipe, the platform's part (issue 28, docs/wipe.md; rules in
 * utils/wipe.ts). Order matters: the passphrase lock's key material goes
 * first — every `storage.local` key starting with `lock.` and all of
 * `storage.session` — so that, if the browser is killed half-way, what is
 * left is ciphertext without a key. Then the database, then the rest of
 * extension storage (settings, the team folder, user name, app password and
 * passphrase), then the alarms (team sync, watching, timestamps).
 *
 * Cookies: none to clear, and no `cookies` permission asked. Team sync
 * requests are sent with `credentials: 'omit'` (utils/team/dav.ts; a unit
 * test holds every request there to it), so the browser neither sends nor
 * stores cookies of the team server for Saqta. Clearing the server's
 * cookies with `cookies` or `browsingData` would instead sign the person out
 * of their own browser session on that server — not Saqta's to touch.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import type { BlobRecord, SaqtaDB } from '../db';
import type { WipeHost } from '../background/types';
import { relocate, resumeRelocation } from '../lock/relocate';
import { DEFAULT_WIPE, LOCK_FAILURES_KEY, lockKeysOf, shouldWipeAfterFailures, type WipeSettings } from '../wipe';

const settingsItem = storage.defineItem<WipeSettings>('local:wipe', { fallback: DEFAULT_WIPE, version: 1 });

/** Destroy everything Saqta keeps in this profile (see the header for the order). */
export async function wipeEverything(db: SaqtaDB): Promise<void> {
  const stored = await browser.storage.local.get(null);
  const lockKeys = lockKeysOf(Object.keys(stored));
  if (lockKeys.length) await browser.storage.local.remove(lockKeys);
  await browser.storage.session.clear();
  // Chromium: make sure deleting leaves no record behind in LevelDB's files (below).
  const leveldb = !isFirefox();
  if (leveldb) await pushOutDeleted(db);
  // Dexie closes the other pages' connections (their versionchange), deletes, and reopens here on next use.
  await db.delete({ disableAutoOpen: false });
  await browser.storage.local.clear();
  await browser.storage.session.clear();
  await browser.alarms.clearAll();
  // Once more in the new, empty database: LevelDB removes the table files the compaction made
  // obsolete only at its next flush or compaction (or the next start); this is that flush.
  if (leveldb) {
    await pushOutDeleted(db);
    await db.blobs.clear();
  }
}

/** Firefox (runtime.getBrowserInfo is Firefox's alone): IndexedDB in SQLite, whose file deleteDatabase removes. */
const isFirefox = () => typeof (browser.runtime as { getBrowserInfo?: unknown }).getBrowserInfo === 'function';

/** Enough for a few of LevelDB's 4 MiB write buffers. */
const SCRATCH_BYTES = 12 * 1024 * 1024;
/** Small enough to stay inside LevelDB (Chromium moves larger IndexedDB values to blob files). */
const SCRATCH_RECORD = 32 * 1024;

/**
 * Chromium keeps IndexedDB in LevelDB, which deletes by writing tombstones. At deleteDatabase it
 * compacts the database's key range — but a range held by a single table file is only moved down a
 * level, not rewritten, so a small library's records stayed on disk beside their tombstones
 * (tests/e2e/wipe.e2e.ts found them). Writing 12 MiB of random bytes into the database first
 * spreads its range over several table files, so that compaction rewrites them and drops every
 * deleted record; a second pass after the delete makes LevelDB remove the table files that
 * compaction left obsolete (the scratch bytes are random: nothing to read in them). Firefox deletes
 * the database's SQLite file itself: there both passes are skipped (its wipe E2E scans clean without them).
 */
async function pushOutDeleted(db: SaqtaDB): Promise<void> {
  for (const batch of scratchBatches()) {
    await db.blobs.bulkPut(
      batch.map(({ n, data }) => ({ id: `wipe-scratch-${n}`, pageId: 'wipe-scratch', captureId: 'wipe-scratch', kind: 'html', sha256: '', size: data.length, mime: 'application/octet-stream', data }) as unknown as BlobRecord),
    );
  }
}

/** SCRATCH_BYTES of random records, 64 to a write. */
function* scratchBatches(): Generator<{ n: number; data: Uint8Array }[]> {
  for (let n = 0; n * SCRATCH_RECORD < SCRATCH_BYTES; n += 64) {
    yield Array.from({ length: 64 }, (_, i) => ({ n: n + i, data: crypto.getRandomValues(new Uint8Array(SCRATCH_RECORD)) }));
  }
}

/**
 * For the lock (issue 28), once the library is sealed: in Chromium the records as they were before
 * (plain) stay in LevelDB's table files until a compaction happens to merge them with their sealed
 * versions — scratch writes alone did not make that happen reliably (lock.e2e found pre-lock claims
 * in an old `.ldb` in 1 run of 2). So the sealed library is moved through a fresh copy and the
 * database deleted, which compacts its whole range (utils/lock/relocate.ts; docs/lock.md). Then the
 * same scratch passes as before push the team's pre-lock credentials out of extension storage's files.
 */
export async function pushOutPlainCopies(db: SaqtaDB): Promise<void> {
  // Firefox (SQLite): the pre-lock Blobs stay as files in `<db>.files/` and deleted rows in the file's free
  // pages (lock-firefox.e2e found both); deleting the database removes its file and folder. No scratch needed there.
  if (isFirefox()) return relocate(db, noScratch);
  await relocate(db, scratchRaw);
  for (let pass = 0; pass < 2; pass++) {
    const keys: string[] = [];
    for (const batch of scratchBatches()) {
      const items: Record<string, string> = {};
      for (const { n, data } of batch) {
        // Keys spread over the whole key space (every first character from ! to z), so the new table files
        // overlap every old one and compaction must rewrite it — not only move it down a level.
        const key = `${String.fromCharCode(33 + (n % 90))}scratch.${n}`;
        keys.push(key);
        // Hex (half the random bytes): base64's letters and "/" once made the profile scan see a JWK's "d" near a "kty".
        items[key] = hex(data.subarray(0, data.length / 2));
      }
      await browser.storage.local.set(items);
    }
    await browser.storage.local.remove(keys);
  }
}

/** At the background's start, before any request: a relocation cut off after its copy became the library is finished. */
export const resumePlainCopiesPushOut = (db: SaqtaDB): Promise<boolean> => resumeRelocation(db, isFirefox() ? noScratch : scratchRaw);

const noScratch = async () => undefined;

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The scratch records written natively into the blobs store (no key needed: the relocation may run while locked), then removed. */
async function scratchRaw(idb: IDBDatabase): Promise<void> {
  const ids: string[] = [];
  for (const batch of scratchBatches()) {
    const tx = idb.transaction('blobs', 'readwrite');
    const store = tx.objectStore('blobs');
    for (const { n, data } of batch) {
      ids.push(`wipe-scratch-${n}`);
      store.put({ id: `wipe-scratch-${n}`, pageId: 'wipe-scratch', data });
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }
  const tx = idb.transaction('blobs', 'readwrite');
  tx.objectStore('blobs').delete(IDBKeyRange.bound('wipe-scratch-', 'wipe-scratch-\uffff'));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

/**
 * For the lock (issue 28): call after a wrong passphrase. Reads the lock's failure counter
 * (`lock.failures`) and the reader's setting, and wipes everything when the count is reached.
 */
export async function wipeIfTooManyFailures(db: SaqtaDB): Promise<boolean> {
  const failures = (await browser.storage.local.get(LOCK_FAILURES_KEY))[LOCK_FAILURES_KEY];
  if (!shouldWipeAfterFailures(failures, await settingsItem.getValue())) return false;
  await wipeEverything(db);
  return true;
}

export function wipeHost(db: SaqtaDB): WipeHost {
  return {
    everything: () => wipeEverything(db),
    settings: {
      get: () => settingsItem.getValue(),
      async set(next) {
        await settingsItem.setValue(next);
        return next;
      },
    },
  };
}

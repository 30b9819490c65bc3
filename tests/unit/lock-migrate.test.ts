import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { LockController, WrongSecret } from '../../utils/lock/controller';
import { runMigration } from '../../utils/lock/migrate';
import { memoryLockStore, type Item, type MigrationState } from '../../utils/lock/store';
import { search } from '../../utils/search/query';
import type { Keyring } from '../../utils/lock/middleware';

const CHEAP = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const N = 1000;

async function rawRows(name: string, table: string): Promise<unknown[]> {
  const raw = new Dexie(name);
  await raw.open();
  const rows = await raw.table(table).toArray();
  raw.close();
  return rows;
}

async function library(name: string): Promise<SaqtaDB> {
  const db = new SaqtaDB(name, { state: 'off' });
  const now = new Date().toISOString();
  await db.pages.bulkAdd(Array.from({ length: N }, (_, i) => ({
    id: `p${String(i).padStart(4, '0')}`, url: `https://news.example/a/${i}`, normalizedUrl: `news.example/a/${i}`, aliases: [],
    title: `Article canary${i} title`, createdAt: now, updatedAt: now,
  })));
  await db.annotations.bulkAdd(Array.from({ length: N }, (_, i) => ({
    '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: `a${String(i).padStart(4, '0')}`, pageId: `p${String(i).padStart(4, '0')}`,
    created: now, modified: now, anchor: 'unknown',
    target: { source: `https://news.example/a/${i}`, selector: [{ type: 'TextQuoteSelector', exact: `quote canaryq${i}`, prefix: '', suffix: '' }] },
    body: { note: `note canaryn${i}`, tags: ['tagged'], color: 'yellow' },
  }) as never));
  return db;
}

/** A progress item that "crashes" (throws) on its `failAt`-th write: the chunk before it was put, its position not saved. */
function crashing(inner: Item<MigrationState | null>, failAt: number): Item<MigrationState | null> & { writes: number } {
  const item = {
    writes: 0,
    get: () => inner.get(),
    async set(v: MigrationState | null) {
      if (++item.writes === failAt) throw new Error('killed');
      await inner.set(v);
    },
  };
  return item;
}

describe('turning the lock on over a 1,000-article library', () => {
  it('is interrupted mid-way (killed between a chunk and its saved position), resumes after a restart, and loses nothing', async () => {
    const name = `migrate-${Math.random()}`;
    const plain = await library(name);
    const before = { pages: await plain.pages.toArray(), claims: await plain.annotations.toArray() };
    plain.close();

    const store = memoryLockStore();
    const keyring: Keyring = { state: 'off' };
    const db = new SaqtaDB(name, keyring);
    const lock = new LockController(db, store, { kdf: CHEAP });
    // Set up without letting the background run: the test drives the migration.
    lock.resume = () => Promise.resolve(false);
    const recovery = await lock.setUp('пароль');
    expect((await lock.status()).migration).toEqual({ done: 0, total: 2 * N + (await db.claimTerms.count()) + (await db.tags.count()) });
    await expect(runMigration(db, crashing(store.migration, 4))).rejects.toThrow('killed');
    const partial = await store.migration.get();
    expect(partial!.done).toBeGreaterThan(0);
    expect(partial!.done).toBeLessThan(partial!.total);
    db.close();

    // Restart: a new connection and controller; the key is still in the session.
    const keyring2: Keyring = { state: 'off' };
    const db2 = new SaqtaDB(name, keyring2);
    const lock2 = new LockController(db2, store, { kdf: CHEAP });
    await lock2.init();
    expect(keyring2.state).toBe('open');
    await lock2.resume();
    expect(await store.migration.get()).toBeNull();
    expect(keyring2.migrating).toBe(false);

    expect(await db2.pages.toArray()).toEqual(before.pages);
    expect(await db2.annotations.toArray()).toEqual(before.claims);
    for (const t of ['pages', 'annotations', 'claimTerms']) {
      const dump = JSON.stringify(await rawRows(name, t));
      expect(dump).not.toMatch(/canary|news\.example/);
    }
    expect((await search(db2, 'canaryq517')).hits.map((h) => h.id)).toEqual(['a0517']);

    // Locked: nothing reads; a wrong passphrase changes nothing but the counter; the recovery key opens.
    await lock2.lockNow();
    await expect(db2.pages.count().then(() => db2.pages.get('p0001'))).rejects.toThrow();
    await expect(lock2.unlock('wrong', 'passphrase')).rejects.toThrow(WrongSecret);
    expect((await lock2.status())).toMatchObject({ state: 'locked', failures: 1 });
    await lock2.unlock(recovery, 'recovery');
    expect((await db2.pages.get('p0001'))?.title).toBe('Article canary1 title');
    expect((await lock2.status()).failures).toBe(0);
  });
});

/**
 * The move of the sealed library through a fresh copy (utils/lock/relocate.ts): every record comes
 * back as stored, indexes work, and a move cut off at any step loses nothing.
 */
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { moveName, relocate, resumeRelocation, type Scratch } from '../../utils/lock/relocate';

const N = 450; // more than two of the move's chunks

async function library(name: string): Promise<SaqtaDB> {
  const db = new SaqtaDB(name, { state: 'off' });
  const now = new Date().toISOString();
  await db.pages.bulkAdd(Array.from({ length: N }, (_, i) => ({
    id: `p${String(i).padStart(4, '0')}`, url: `https://news.example/a/${i}`, normalizedUrl: `news.example/a/${i}`, aliases: [],
    title: `Article ${i}`, createdAt: now, updatedAt: now,
  })));
  await db.annotations.bulkAdd(Array.from({ length: N }, (_, i) => ({
    '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', id: `a${String(i).padStart(4, '0')}`, pageId: `p${String(i).padStart(4, '0')}`,
    created: now, modified: now, anchor: 'unknown',
    target: { source: `https://news.example/a/${i}`, selector: [{ type: 'TextQuoteSelector', exact: `quote ${i}`, prefix: '', suffix: '' }] },
    body: { note: `note ${i}`, tags: ['tagged'], color: 'yellow' },
  }) as never));
  return db;
}

async function raw(name: string): Promise<Record<string, unknown[]>> {
  const db = new Dexie(name);
  await db.open();
  const out: Record<string, unknown[]> = {};
  for (const t of db.tables) out[t.name] = await t.toArray();
  db.close();
  return out;
}

const databases = async () => (await indexedDB.databases()).map((d) => d.name);
const scratched: string[] = [];
const scratch: Scratch = async (idb) => void scratched.push(idb.name);

describe('moving the sealed library through a fresh copy', () => {
  it('brings every record back as stored, with its indexes, and leaves no copy behind', async () => {
    const name = `relocate-${Math.random()}`;
    const db = await library(name);
    db.close();
    const before = await raw(name);
    scratched.length = 0;
    await relocate(db, scratch);
    expect(scratched).toEqual([name, name]);
    expect(await databases()).not.toContain(moveName(name));
    expect(await raw(name)).toEqual(before);
    expect(await db.annotations.where('pageId').equals('p0042').count()).toBe(1);
    expect(await db.pages.count()).toBe(N);
    db.close();
  });

  it('cut off after the copy became the library (the database deleted, half copied back): the next start finishes it', async () => {
    const name = `relocate-${Math.random()}`;
    const db = await library(name);
    db.close();
    const before = await raw(name);
    // "Killed" just before the database is deleted (the copy whole and marked as the library)…
    await expect(relocate(db, async () => {
      throw new Error('killed');
    })).rejects.toThrow('killed');
    expect(await databases()).toContain(moveName(name));
    // …as if the delete had happened and the copy back stopped half-way: half the pages gone from the library.
    await db.pages.where('id').above('p0200').delete();
    db.close();
    const next = new SaqtaDB(name, { state: 'off' });
    expect(await resumeRelocation(next, scratch)).toBe(true);
    expect(await raw(name)).toEqual(before);
    expect(await databases()).not.toContain(moveName(name));
    next.close();
  });

  it('cut off before the copy was whole: the library is untouched and the half copy is dropped', async () => {
    const name = `relocate-${Math.random()}`;
    const db = await library(name);
    db.close();
    const before = await raw(name);
    // A half-made copy, as a crash during step 1 leaves it (no phase mark).
    const half = new Dexie(moveName(name));
    half.version(1).stores({ pages: 'id', _move: '' });
    await half.table('pages').bulkAdd((before.pages as { id: string }[]).slice(0, 10));
    half.close();
    const next = new SaqtaDB(name, { state: 'off' });
    expect(await resumeRelocation(next, scratch)).toBe(false);
    expect(await databases()).not.toContain(moveName(name));
    expect(await raw(name)).toEqual(before);
    next.close();
  });
});

/**
 * Schema v60 (issue 29): claims refer to tags by id. A library sealed by the lock before v60 opens while
 * locked (its claims cannot be read then), keeps every claim's tags, and stores them by id once unlocked.
 */
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { SaqtaDB, SCHEMA } from '../../utils/db';
import { recordKeys } from '../../utils/lock/envelope';
import { LockedError, lockMiddleware, type Keyring } from '../../utils/lock/middleware';
import { claimsTagged, convertNamedTagClaims } from '../../utils/store/tag-ids';
import { NAMED } from '../../utils/store/tag-id-core';
import { renameTag, mergeTags } from '../../utils/store/tag-admin';
import { listTags } from '../../utils/store/tags';
import { search } from '../../utils/search/query';

const now = '2026-01-01T00:00:00.000Z';
const claim = (i: number, tags: string[]) => ({
  id: `a${i}`, pageId: 'p1', created: now, modified: now, anchor: 'anchored',
  target: { source: 'https://x.example/a', selector: [{ type: 'TextQuoteSelector', exact: `quote ${i}`, prefix: '', suffix: '' }] },
  body: { tags, note: '', color: 'yellow' },
});

describe('tag ids (v60)', () => {
  it('a library sealed at v50 opens locked, keeps every claim\'s tags, and stores them by id after the unlock', async () => {
    const name = `tagids-sealed-${Math.random()}`;
    const keys = recordKeys(crypto.getRandomValues(new Uint8Array(32)));
    const old = new Dexie(name);
    old.use(lockMiddleware({ state: 'open', keys }));
    for (const v of [1, 2, 3, 20, 30, 40, 50] as const) old.version(v).stores(SCHEMA[v]);
    await old.open();
    await old.table('tags').bulkAdd([{ id: 't1', name: 'Сот', key: 'сот', created: now }, { id: 't2', name: 'арест', key: 'арест', created: now }]);
    await old.table('annotations').bulkAdd([claim(1, ['Сот', 'арест']), claim(2, ['арест']), claim(3, [])]);
    old.close();

    const keyring: Keyring = { state: 'locked' };
    const db = new SaqtaDB(name, keyring);
    await db.open();
    expect(db.verno).toBe(60);
    await expect(db.annotations.get('a1')).rejects.toBeInstanceOf(LockedError);
    Object.assign(keyring, { state: 'open', keys });
    // Marked by the upgrade for later, on the clear index only.
    expect(await db.annotations.where('body.tagIds').equals(NAMED).count()).toBe(3);
    expect((await db.annotations.get('a1'))?.body.tags).toEqual(['Сот', 'арест']);
    expect(await convertNamedTagClaims(db)).toBe(3);
    expect(await convertNamedTagClaims(db)).toBe(0);
    expect(await db.annotations.where('body.tagIds').equals(NAMED).count()).toBe(0);
    expect(await db.annotations.where('body.tagIds').equals('t2').count()).toBe(2);
    expect((await db.annotations.bulkGet(['a1', 'a2', 'a3'])).map((a) => a?.body.tags)).toEqual([['Сот', 'арест'], ['арест'], []]);
    expect(await db.tags.count()).toBe(2);
    // A rename writes the tags row only; search finds the claims by the new name.
    expect(await renameTag(db, 'арест', 'қамау')).toEqual({ claims: 2, merged: false });
    expect((await search(db, 'qamau')).hits.map((h) => h.id).sort()).toEqual(['a1', 'a2']);
    db.close();
  });

  it('merges without writing a claim; a merged name is free again; deleting the target clears both', async () => {
    const db = new SaqtaDB(`tagids-merge-${Math.random()}`, { state: 'off' });
    await db.pages.add({ id: 'p1', url: 'https://x.example/a', normalizedUrl: 'x.example/a', aliases: [], title: 'A', createdAt: now, updatedAt: now });
    // Claims written with names, as every writer does (an import, a colleague's part): tags are made for them.
    await db.annotations.bulkAdd([claim(1, ['A', 'B']), claim(2, ['b']), claim(3, ['C'])] as never);
    expect((await db.tags.toArray()).map((t) => t.name).sort()).toEqual(['A', 'B', 'C']);
    expect((await db.annotations.get('a2'))?.body.tags).toEqual(['B']);
    const modified = (await db.annotations.toArray()).map((a) => a.modified);

    expect(await mergeTags(db, ['A', 'C'], 'B')).toBe(2);
    expect((await db.annotations.toArray()).map((a) => a.modified)).toEqual(modified);
    expect((await db.annotations.bulkGet(['a1', 'a2', 'a3'])).map((a) => a?.body.tags)).toEqual([['B'], ['B'], ['B']]);
    expect((await listTags(db)).map((t) => [t.name, t.count])).toEqual([['B', 3]]);
    expect(await (await claimsTagged(db, ['b'])).count()).toBe(3);
    expect((await search(db, 'b')).hits.filter((h) => h.field === 'tag').length).toBe(3);

    // "A" can be a tag again, on a new claim only.
    await db.annotations.add(claim(4, ['A']) as never);
    expect(await (await claimsTagged(db, ['A'])).primaryKeys()).toEqual(['a4']);
    // A claim written again holds the live tag's id.
    const a1 = (await db.annotations.get('a1'))!;
    await db.annotations.put({ ...a1, body: { ...a1.body, note: 'x' } });
    expect(await db.annotations.where('body.tagIds').equals((await db.tags.where('key').equals('b').first())!.id).count()).toBe(2);

    const { deleteTag } = await import('../../utils/store/tag-admin');
    expect(await deleteTag(db, 'B')).toBe(3);
    expect((await db.annotations.bulkGet(['a1', 'a2', 'a3', 'a4'])).map((a) => a?.body.tags)).toEqual([[], [], [], ['A']]);
    expect((await db.tags.toArray()).map((t) => t.name)).toEqual(['A']);
    db.close();
  });

  it('with the lock open, a claim reads its tags through a chain of merges, each read opening only the tag rows it needs', async () => {
    const db = new SaqtaDB(`tagids-chain-${Math.random()}`, { state: 'open', keys: recordKeys(crypto.getRandomValues(new Uint8Array(32))) });
    await db.pages.add({ id: 'p1', url: 'https://x.example/a', normalizedUrl: 'x.example/a', aliases: [], title: 'A', createdAt: now, updatedAt: now });
    await db.annotations.bulkAdd([claim(1, ['A']), claim(2, ['B', 'Ж']), claim(3, ['C'])] as never);
    expect(await mergeTags(db, ['A'], 'B')).toBe(1);
    expect(await mergeTags(db, ['B'], 'D')).toBe(2);
    // get, getMany and a query each: A → B → D.
    expect((await db.annotations.get('a1'))?.body.tags).toEqual(['D']);
    expect((await db.annotations.bulkGet(['a1', 'a2', 'a3'])).map((a) => a?.body.tags)).toEqual([['D'], ['D', 'Ж'], ['C']]);
    expect((await db.annotations.where('pageId').equals('p1').toArray()).map((a) => a.body.tags)).toEqual([['D'], ['D', 'Ж'], ['C']]);
    // A claim written with a name that exists (any case) gets that tag; a new name makes one tag, once.
    await db.annotations.bulkAdd([claim(4, ['d', 'Жаңа']), claim(5, ['жаңа'])] as never);
    expect((await db.annotations.bulkGet(['a4', 'a5'])).map((a) => a?.body.tags)).toEqual([['D', 'Жаңа'], ['Жаңа']]);
    expect((await db.tags.toArray()).filter((t) => !t.mergedInto).map((t) => t.name).sort()).toEqual(['C', 'D', 'Жаңа', 'Ж'].sort());
    // Nothing in clear on the sealed rows.
    const raw = await new Promise<unknown[]>((resolve) => {
      const req = indexedDB.open(db.name);
      req.onsuccess = () => {
        const all = req.result.transaction('tags').objectStore('tags').getAll();
        all.onsuccess = () => resolve(all.result);
      };
    });
    expect(JSON.stringify(raw)).not.toContain('Жаңа');
    db.close();
  });
});

import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { SaqtaDB, SCHEMA } from '../../utils/db';
import { search } from '../../utils/search/query';
import { claimsTagged } from '../../utils/store/tag-ids';

/** Open the database as version 1 declared it, with records in v1's shape. */
async function makeV1(name: string) {
  const v1 = new Dexie(name);
  v1.version(1).stores(SCHEMA[1]);
  await v1.open();
  await v1.table('pages').add({
    id: 'p1',
    url: 'https://example.com/a',
    normalizedUrl: 'example.com/a',
    aliases: [],
    title: 'A',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
  await v1.table('annotations').add({
    id: 'a1',
    pageId: 'p1',
    target: { source: 'https://example.com/a', selector: [{ type: 'TextQuoteSelector', exact: 'x', prefix: '', suffix: '' }] },
    body: { tags: ['arrest'], note: 'n', color: 'yellow' },
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
  });
  v1.close();
}

describe('schema migrations', () => {
  it('upgrades a v1 database to the current version without losing records', async () => {
    const name = `migrate-${Math.random()}`;
    await makeV1(name);

    const db = new SaqtaDB(name);
    await db.open();
    expect(db.verno).toBe(Math.max(...Object.keys(SCHEMA).map(Number))); // versions need not be consecutive
    expect(await db.pages.get('p1')).toMatchObject({ title: 'A' });
    const a = await db.annotations.get('a1');
    expect(a).toMatchObject({ body: { tags: ['arrest'], note: 'n' }, anchor: 'unknown' });
    // The v2 index works on upgraded records.
    expect(await db.annotations.where('anchor').equals('unknown').count()).toBe(1);
    expect(await (await claimsTagged(db, ['arrest'])).count()).toBe(1);
    db.close();
  });
});

describe('schema v3 (search terms)', () => {
  it('backfills folded terms on claims and pages from v2, and the index finds them', async () => {
    const name = `migrate-v3-${Math.random()}`;
    const v2 = new Dexie(name);
    v2.version(1).stores(SCHEMA[1]);
    v2.version(2).stores(SCHEMA[2]);
    await v2.open();
    await v2.table('pages').add({
      id: 'p1', url: 'https://www.azattyq.org/a/1.html', normalizedUrl: 'azattyq.org/a/1.html', aliases: [],
      title: 'Роза Ақылбековамен сұхбат', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    });
    await v2.table('annotations').add({
      id: 'a1', pageId: 'p1',
      target: { source: 'https://www.azattyq.org/a/1.html', selector: [{ type: 'TextQuoteSelector', exact: 'Қазақстан президенті', prefix: '', suffix: '' }] },
      body: { tags: ['Еуроодақ'], note: '', color: 'yellow' },
      created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', anchor: 'anchored',
    });
    v2.close();

    const db = new SaqtaDB(name);
    await db.open();
    // Since v50 the claim's text terms are in claimTerms and its tag is found by name.
    expect((await db.claimTerms.get('a1'))?.terms).toEqual(['qazaqstan', 'prezidentі'.replace('і', 'i')]);
    expect(await db.claimTerms.where('terms').equals('qazaqstan').primaryKeys()).toEqual(['a1']);
    // The claim's tag was missing from the tags table (written straight, as no Saqta writer would):
    // the v50 upgrade adds it there, since tags are searched by the table's names.
    expect((await db.tags.toArray()).map((t) => [t.name, t.key])).toEqual([['Еуроодақ', 'еуроодақ']]);
    expect((await search(db, 'euroodaq')).hits.map((h) => [h.id, h.field])).toEqual([['a1', 'tag']]);
    expect(await db.pages.where('terms').startsWith('aqylbekova').primaryKeys()).toEqual(['p1']);
    expect(await db.texts.count()).toBe(0);
    db.close();
  });
});

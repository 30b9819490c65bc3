import { beforeAll, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { claimIds, claimList, FIRST_WINDOW, pageIds, pageList, siteNames, type Filters } from '../../utils/library/query';
import type { Annotation } from '../../utils/annotation';

let db: SaqtaDB;
beforeAll(async () => {
  db = new SaqtaDB(`q-${Math.random()}`);
  const sites = ['Азаттық', 'Vlast.kz', undefined];
  await db.pages.bulkAdd(
    [0, 1, 2, 3, 4, 5].map((i) => ({
      id: `p${i}`, url: `https://s${i % 3}.example/${i}`, normalizedUrl: `s${i % 3}.example/${i}`, aliases: [], title: `Page ${i}`,
      siteName: sites[i % 3], createdAt: `2026-06-0${i + 1}T10:00:00.000Z`, updatedAt: `2026-06-0${i + 1}T10:00:00.000Z`,
    })),
  );
  const claims: Annotation[] = [];
  for (let i = 0; i < 18; i++) {
    claims.push({
      id: `a${String(i).padStart(2, '0')}`, pageId: `p${i % 6}`,
      target: { source: 'https://x/', selector: [{ type: 'TextQuoteSelector', exact: `q${i}`, prefix: '', suffix: '' }] },
      body: { tags: i % 2 ? ['сот'] : [], note: '', color: i % 3 ? 'yellow' : 'blue' },
      created: `2026-06-${String(10 + i).padStart(2, '0')}T00:00:00.000Z`, modified: '2026-06-30T00:00:00.000Z',
      anchor: i === 4 ? 'orphan' : 'anchored',
    });
  }
  await db.annotations.bulkAdd(claims);
});

describe('library lists on indexes', () => {
  it('orders claims by date and intersects filters', async () => {
    expect((await claimIds(db, { sort: 'date-desc' })).slice(0, 3)).toEqual(['a17', 'a16', 'a15']);
    expect(await claimIds(db, { sort: 'date-asc', tag: 'сот', color: 'blue' })).toEqual(['a03', 'a09', 'a15']);
    expect(await claimIds(db, { sort: 'date-asc', from: '2026-06-12', to: '2026-06-13' })).toEqual(['a02', 'a03']);
    expect(await claimIds(db, { sort: 'date-asc', orphans: true })).toEqual(['a04']);
    expect(await claimIds(db, { sort: 'date-asc', site: 'Vlast.kz', tag: 'сот' })).toEqual(['a01', 'a07', 'a13']);
  });

  it('groups claims by site, and lists articles with the same filters', async () => {
    const bySite = await claimIds(db, { sort: 'site' });
    expect(bySite).toHaveLength(18);
    // Vlast.kz sorts before Азаттық (code point order); pages without a site come last.
    expect(bySite.slice(0, 6).every((id) => Number(id.slice(1)) % 3 === 1)).toBe(true);
    expect(bySite.slice(-6).every((id) => Number(id.slice(1)) % 3 === 2)).toBe(true);
    expect(await pageIds(db, { sort: 'date-desc' })).toEqual(['p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
    expect(await pageIds(db, { sort: 'date-asc', orphans: true })).toEqual(['p4']);
    expect(await pageIds(db, { sort: 'date-asc', color: 'blue', from: '2026-06-02' })).toEqual(['p3']);
    expect(await pageIds(db, { sort: 'site' })).toEqual(['p1', 'p4', 'p0', 'p3', 'p5', 'p2']);
    expect(await siteNames(db)).toEqual(['Vlast.kz', 'Азаттық']);
  });

  it('reads any window of a list, filtered or not, in the same order as the whole list', async () => {
    const windows = async (src: { total: number; ids(o: number, l: number): Promise<string[]> }, size: number) => {
      const out: string[] = [];
      for (let o = 0; o < src.total; o += size) out.push(...(await src.ids(o, size)));
      return out;
    };
    const filters: Filters[] = [{ sort: 'date-desc' }, { sort: 'date-asc' }, { sort: 'site' }, { sort: 'date-desc', tag: 'сот' }, { sort: 'date-asc', color: 'yellow', orphans: true }];
    for (const f of filters) {
      const claims = await claimList(db, f);
      expect(claims.total).toBe((await claimIds(db, f)).length);
      expect(await windows(claims, 4)).toEqual(await claimIds(db, f));
      const pages = await pageList(db, f);
      expect(pages.total).toBe((await pageIds(db, f)).length);
      expect(await windows(pages, 4)).toEqual(await pageIds(db, f));
    }
    const newest = await claimList(db, { sort: 'date-desc' });
    expect(newest.total).toBe(18);
    expect(await newest.ids(16, 10)).toEqual(['a01', 'a00']);
  });

  it('shows a long list by its first window before counting it (issue 29), then counts it', async () => {
    const many = new SaqtaDB(`lib-many-${Math.random()}`);
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    await many.pages.bulkAdd(Array.from({ length: FIRST_WINDOW * 2 + 7 }, (_, i) => ({ id: `p${String(i).padStart(3, '0')}`, url: `https://x.example/${i}`, normalizedUrl: `x.example/${i}`, aliases: [], title: `T${i}`, createdAt: at(i), updatedAt: at(i) })));
    const list = await pageList(many, { sort: 'date-desc' });
    expect(list.total).toBe(FIRST_WINDOW);
    expect(await list.counted!()).toBe(FIRST_WINDOW * 2 + 7);
    expect(await list.ids(0, 3)).toEqual(['p106', 'p105', 'p104']);
    expect(await list.ids(FIRST_WINDOW * 2 + 5, 10)).toEqual(['p001', 'p000']);
    many.close();
  });
});

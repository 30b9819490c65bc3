import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { createAnnotation } from '../../utils/store/annotations';
import { listTags } from '../../utils/store/tags';
import { pageKeys } from '../../utils/url';
import type { Event } from '../../utils/messages';
import { claimTextTerms } from '../../utils/search/terms';
import { search } from '../../utils/search/query';
import { claimsTagged } from '../../utils/store/tag-ids';

let deps: HandlerDeps & { events: Event[] };
let ids: string[];
const tagsOf = async () => (await deps.db.annotations.toArray()).sort((a, b) => a.created.localeCompare(b.created)).map((a) => a.body.tags);

beforeEach(async () => {
  const events: Event[] = [];
  deps = { db: new SaqtaDB(`tags-${Math.random()}`), version: '1', broadcast: (e) => events.push(e), storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }), events };
  const page = { keys: pageKeys('https://x.example/a'), title: 'A' };
  const q = (exact: string) => [{ type: 'TextQuoteSelector' as const, exact, prefix: '', suffix: '' }];
  ids = [];
  for (const [exact, tags] of [['one', ['қамау', 'сот']], ['two', ['сот']], ['three', ['Сот ісі']]] as const) {
    ids.push((await createAnnotation(deps.db, page, q(exact), { tags: [...tags], note: '', color: 'yellow' })).annotation.id);
    await new Promise((r) => setTimeout(r, 2));
  }
});

describe('tag housekeeping', () => {
  it('renames a tag on every claim, and merges when the new name is taken', async () => {
    expect(await handle({ type: 'tags.rename', name: 'сот', newName: 'Сот' }, deps)).toEqual({ ok: true, value: { claims: 2, merged: false } });
    expect(await tagsOf()).toEqual([['қамау', 'Сот'], ['Сот'], ['Сот ісі']]);
    expect(await handle({ type: 'tags.rename', name: 'сот ісі', newName: 'сот' }, deps)).toEqual({ ok: true, value: { claims: 1, merged: true } });
    expect(await tagsOf()).toEqual([['қамау', 'Сот'], ['Сот'], ['Сот']]);
    expect((await listTags(deps.db)).map((t) => [t.name, t.count])).toEqual([['Сот', 3], ['қамау', 1]]);
    expect(deps.events).toContainEqual({ event: 'tags.changed' });
  });

  it('merges, recolours and deletes in one go each', async () => {
    await handle({ type: 'tags.merge', names: ['қамау', 'Сот ісі'], into: 'іс' }, deps);
    expect(await tagsOf()).toEqual([['іс', 'сот'], ['сот'], ['іс']]);
    await handle({ type: 'tags.recolor', name: 'іс', color: 'purple' }, deps);
    expect((await deps.db.tags.where('key').equals('іс').first())?.color).toBe('purple');
    expect(await handle({ type: 'tags.recolor', name: 'іс', color: 'black' as never }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await handle({ type: 'tags.delete', name: 'СОТ' }, deps)).toEqual({ ok: true, value: { claims: 2 } });
    expect(await tagsOf()).toEqual([['іс'], [], ['іс']]);
    expect(await (await claimsTagged(deps.db, ['сот'])).count()).toBe(0);
    expect(await handle({ type: 'tags.delete', name: 'сот' }, deps)).toMatchObject({ ok: false, error: { message: 'This tag no longer exists.' } });
  });

  it('bulk-tags a selection, and search terms follow', async () => {
    expect(await handle({ type: 'annotations.bulkTag', ids: ids.slice(0, 2), add: ['Тексеру'], remove: ['СОТ'] }, deps)).toEqual({ ok: true, value: { pages: 1 } });
    expect(await tagsOf()).toEqual([['қамау', 'Тексеру'], ['Тексеру'], ['Сот ісі']]);
    const found = await search(deps.db, 'tekseru');
    expect(found.hits.map((h) => [h.id, h.field, h.snippet.match]).sort()).toEqual([[ids[0], 'tag', 'Тексеру'], [ids[1], 'tag', 'Тексеру']].sort());
  });
});

describe('search after tag changes (v50: tags are found by name, claims keep only text terms)', () => {
  const sorted = (xs: string[]) => [...xs].sort();

  it('a rename is found by its new name at once, the old name finds only the words still in quotes, and no text term is rewritten', async () => {
    const page = { keys: pageKeys('https://x.example/b'), title: 'B' };
    const { annotation } = await createAnnotation(deps.db, page, [{ type: 'TextQuoteSelector', exact: 'сот шешімі', prefix: '', suffix: '' }], { tags: ['сот'], note: '', color: 'yellow' });
    const before = await deps.db.claimTerms.toArray();
    await handle({ type: 'tags.rename', name: 'сот', newName: 'қамау' }, deps);
    const row = await deps.db.annotations.get(annotation.id);
    expect(row?.body.tags).toEqual(['қамау']);
    expect((row as { terms?: unknown }).terms).toBeUndefined();
    // The text terms are the quote's and note's only, and the rename left every row as it was.
    expect(sorted((await deps.db.claimTerms.get(annotation.id))!.terms)).toEqual(sorted(claimTextTerms(row!)));
    expect(await deps.db.claimTerms.toArray()).toEqual(before);
    // 'қамау' was taken: the claims of "сот" (one already had it) now carry it, and search says so.
    const qamau = await search(deps.db, 'Qamau');
    expect(qamau.hits.filter((h) => h.field === 'tag').length).toBe(3);
    // "сот" is no tag any more, but still a word of this claim's quote.
    const sot = await search(deps.db, 'сот');
    expect(sot.hits.map((h) => [h.id, h.field])).toContainEqual([annotation.id, 'quote']);
    expect(sot.hits.filter((h) => h.field === 'tag').map((h) => h.id)).toEqual([ids[2]]); // its tag "Сот ісі"
  });

  it('deleting a claim deletes its terms; editing its quote rewrites them', async () => {
    const all = await deps.db.claimTerms.count();
    expect(all).toBe(3);
    await deps.db.annotations.delete(ids[0]);
    expect(await deps.db.claimTerms.get(ids[0])).toBeUndefined();
    await deps.db.annotations.where('id').anyOf(ids.slice(1)).delete();
    expect(await deps.db.claimTerms.count()).toBe(0);
  });
});

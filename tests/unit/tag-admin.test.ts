import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { createAnnotation } from '../../utils/store/annotations';
import { listTags } from '../../utils/store/tags';
import { pageKeys } from '../../utils/url';
import type { Event } from '../../utils/messages';
import fc from 'fast-check';
import { annotationTerms, retaggedTerms } from '../../utils/search/terms';

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
    expect(await deps.db.annotations.where('body.tags').equals('сот').count()).toBe(0);
    expect(await handle({ type: 'tags.delete', name: 'сот' }, deps)).toMatchObject({ ok: false, error: { message: 'This tag no longer exists.' } });
  });

  it('bulk-tags a selection, and search terms follow', async () => {
    expect(await handle({ type: 'annotations.bulkTag', ids: ids.slice(0, 2), add: ['Тексеру'], remove: ['СОТ'] }, deps)).toEqual({ ok: true, value: { pages: 1 } });
    expect(await tagsOf()).toEqual([['қамау', 'Тексеру'], ['Тексеру'], ['Сот ісі']]);
    expect(await deps.db.annotations.where('terms').equals('tekseru').count()).toBe(2);
  });
});

describe('search terms after tag changes', () => {
  const claim = (exact: string, note: string, tags: string[]) => {
    const a = { target: { source: 'https://x/', selector: [{ type: 'TextQuoteSelector' as const, exact, prefix: '', suffix: '' }] }, body: { tags, note, color: 'yellow' as const } };
    return { ...a, terms: annotationTerms(a) };
  };
  const sorted = (xs: string[]) => [...xs].sort();

  it('swaps tag terms, and keeps a word the quote still has', () => {
    const a = claim('Сот қамау туралы шешім шығарды', '', ['сот', 'Қамау']);
    // "сот" leaves the tags but stays a word of the quote.
    expect(sorted(retaggedTerms(a, ['Тексеру']))).toEqual(sorted(['sot', 'qamau', 'turaly', 'sheshim', 'shygardy', 'tekseru']));
    const b = claim('A ruling', 'no court here', ['court case']);
    expect(sorted(retaggedTerms(b, ['trial']))).toEqual(sorted(['a', 'ruling', 'no', 'court', 'here', 'trial']));
    const c = claim('A ruling', '', ['court case']);
    expect(sorted(retaggedTerms(c, ['trial']))).toEqual(sorted(['a', 'ruling', 'trial']));
  });

  it('always equals deriving the terms from scratch', () => {
    const word = fc.constantFrom('сот', 'Сот', 'қамау', 'Qamau', 'арест', 'court', 'ёлка', 'елка', 'ruling', 'суд', 'sot', 'тексеру');
    const text = fc.array(word, { maxLength: 6 }).map((w) => w.join(' '));
    const tags = fc.uniqueArray(fc.array(word, { minLength: 1, maxLength: 2 }).map((w) => w.join(' ')), { maxLength: 3 });
    fc.assert(
      fc.property(text, text, tags, tags, (exact, note, before, after) => {
        const a = claim(exact, note, before);
        const full = annotationTerms({ ...a, body: { ...a.body, tags: after } });
        expect(sorted(retaggedTerms(a, after))).toEqual(sorted(full));
      }),
      { numRuns: 300 },
    );
  });

  it('a rename keeps the index exact for words shared by quote and tag', async () => {
    const page = { keys: pageKeys('https://x.example/b'), title: 'B' };
    const { annotation } = await createAnnotation(deps.db, page, [{ type: 'TextQuoteSelector', exact: 'сот шешімі', prefix: '', suffix: '' }], { tags: ['сот'], note: '', color: 'yellow' });
    await handle({ type: 'tags.rename', name: 'сот', newName: 'қамау' }, deps);
    const row = await deps.db.annotations.get(annotation.id);
    expect(row?.body.tags).toEqual(['қамау']);
    expect(sorted(row?.terms ?? [])).toEqual(sorted(annotationTerms(row!)));
    expect(await deps.db.annotations.where('terms').equals('sot').primaryKeys()).toContain(annotation.id);
    // 'қамау' was taken: the claims of "сот" (two from beforeEach and this one) now carry it.
    expect(await deps.db.annotations.where('terms').equals('qamau').count()).toBe(3);
  });
});

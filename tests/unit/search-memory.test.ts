/**
 * The in-memory search index (utils/search/memory.ts) stays what the
 * database says after every kind of write: each query answers the same from
 * memory as from the IndexedDB indexes, and the same set as a brute-force
 * scan of the records. With the lock on it is built from opened records and
 * forgotten when the lock locks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import type { Keyring } from '../../utils/lock/middleware';
import { createAnnotation, deleteAnnotation, updateAnnotation } from '../../utils/store/annotations';
import { mergeTags, renameTag } from '../../utils/store/tag-admin';
import { mergeIntoLibrary } from '../../utils/bundle/merge';
import { fromJsonLd } from '../../utils/export/jsonld';
import { queryTerms, search, termScore } from '../../utils/search/query';
import { buildSearchIndex, dropSearchIndex, memoryIndex } from '../../utils/search/memory';
import { annotationTerms, pageTerms } from '../../utils/search/terms';
import { terms } from '../../utils/search/fold';
import { recordKeys } from '../../utils/lock/envelope';
import { TermIndex, topSlots } from '../../utils/search/term-index';
import { pageKeys } from '../../utils/url';

const sel = (exact: string) => [{ type: 'TextQuoteSelector' as const, exact, prefix: '', suffix: '' }];
const QUERIES = ['қазақстан', 'Qazaqstan', 'сот', 'sot', 'court ruling', 'арест', 'qamau', 'тексеру', 'жаңа', 'ё', 'елка', 'almaty сот', 'euroodaq'];
const dbs: SaqtaDB[] = [];
let db: SaqtaDB;

function open(name = `search-mem-${Math.random()}`, keyring?: Keyring) {
  const d = keyring ? new SaqtaDB(name, keyring) : new SaqtaDB(name);
  dbs.push(d);
  return d;
}

/** Every record that has every word of the query (terms recomputed from the records themselves). */
async function bruteForce(d: SaqtaDB, q: string): Promise<string[]> {
  const qt = queryTerms(q);
  const out: string[] = [];
  for (const a of await d.annotations.toArray()) if (termScore(annotationTerms(a), qt)) out.push(`claim:${a.id}`);
  for (const p of await d.pages.toArray()) if (termScore(pageTerms(p), qt)) out.push(`page:${p.id}`);
  for (const t of await d.texts.toArray()) if (termScore(terms(t.text), qt)) out.push(`text:${t.pageId}`);
  return out.sort();
}

/** Memory and disk answer every query alike, and find exactly the brute-force set. */
async function expectConsistent(d: SaqtaDB, when: string) {
  for (const q of QUERIES) {
    const mem = (await search(d, q, 1000, { index: 'memory' })).hits;
    const disk = (await search(d, q, 1000, { index: 'disk' })).hits;
    const key = (h: { kind: string; id: string }) => `${h.kind}:${h.id}`;
    expect(mem.map(key).sort(), `${when}: "${q}" vs brute force`).toEqual(await bruteForce(d, q));
    expect(mem.map((h) => [key(h), h.field, h.score.toFixed(6), h.snippet.match]), `${when}: "${q}" memory vs disk`).toEqual(disk.map((h) => [key(h), h.field, h.score.toFixed(6), h.snippet.match]));
  }
}

async function seed(d: SaqtaDB) {
  const kk = { keys: pageKeys('https://www.azattyq.org/a/1.html'), title: 'Қазақстан соты: жаңа іс', lang: 'kk' };
  const ru = { keys: pageKeys('https://rus.azattyq.org/a/2.html'), title: 'Ёлка в Алматы', lang: 'ru' };
  const en = { keys: pageKeys('https://en.example/3'), title: 'Court ruling in Almaty', lang: 'en' };
  await createAnnotation(d, kk, sel('Қазақстан сотының шешімі бойынша қамауда қалды'), { tags: ['сот', 'Еуроодақ'], note: 'тексеру керек', color: 'yellow' });
  await createAnnotation(d, kk, sel('Сот отырысы Алматыда өтті'), { tags: ['арест'], note: '', color: 'green' });
  await createAnnotation(d, ru, sel('Суд отправил его под арест'), { tags: ['арест'], note: 'Qazaqstan sotynda', color: 'blue' });
  await createAnnotation(d, en, sel('The court ruling was appealed'), { tags: ['court'], note: '', color: 'pink' });
}

beforeEach(async () => {
  db = open();
  await seed(db);
});

afterEach(async () => {
  for (const d of dbs.splice(0)) {
    dropSearchIndex(d);
    await d.delete();
  }
});

describe('in-memory search index', () => {
  it('answers as the IndexedDB indexes and brute force do, after adds, edits, deletes, tag renames and merges, imports and bulk writes', async () => {
    const index = (await buildSearchIndex(db))!;
    const claims = index.kinds.claim;
    await expectConsistent(db, 'built');

    const en = { keys: pageKeys('https://en.example/3'), title: 'Court ruling in Almaty', lang: 'en' };
    const { annotation: added } = await createAnnotation(db, en, sel('A new claim about Qazaqstan courts'), { tags: ['жаңа'], note: '', color: 'yellow' });
    await expectConsistent(db, 'add');
    // One claim added: read again by itself, not a rebuild.
    expect(index.kinds.claim).toBe(claims);

    await updateAnnotation(db, added.id, { note: 'тексеру: ёлка' });
    await expectConsistent(db, 'edit note');
    const [blue] = await db.annotations.where('body.color').equals('blue').toArray();
    await db.annotations.update(blue!.id, { target: { ...blue!.target, selector: sel('Текст изменён: Алматы сот') } });
    await expectConsistent(db, 'edit quote');

    await deleteAnnotation(db, added.id);
    await expectConsistent(db, 'delete');

    await renameTag(db, 'арест', 'қамау');
    await expectConsistent(db, 'tag rename');
    await mergeTags(db, ['court'], 'сот');
    await expectConsistent(db, 'tag merge');

    const page = (await db.pages.toArray()).find((p) => p.title.startsWith('Ёлка'))!;
    await db.pages.update(page.id, { title: 'Жаңа тақырып Qazaqstan' });
    await expectConsistent(db, 'page title');
    await db.texts.put({ pageId: page.id, blobId: 'b1', text: 'Мақала мәтіні: сот және арест туралы', terms: terms('Мақала мәтіні: сот және арест туралы') });
    await expectConsistent(db, 'article text');

    const hyp = {
      annotations: [
        { id: 'hyp-1', uri: 'https://kz.example/news/9', text: 'Жаңа дерек', tags: ['Еуроодақ', 'ИМПОРТ'], document: { title: ['Алматы жаңалықтары'] }, target: [{ source: 'https://kz.example/news/9', selector: sel('Сот Алматыда Еуроодақ өкілдерімен кездесті') }] },
        { id: 'hyp-2', uri: 'https://kz.example/news/9', text: '', tags: [], document: { title: ['Алматы жаңалықтары'] }, target: [{ source: 'https://kz.example/news/9', selector: sel('Ёлка на площади') }] },
      ],
    };
    await mergeIntoLibrary(db, [], fromJsonLd(JSON.stringify(hyp)));
    await expectConsistent(db, 'import');

    // A bulk write (≥ 50 records: Dexie reports the whole table) rebuilds the claims' part.
    const bulk = Array.from({ length: 60 }, (_, i) => ({
      id: `bulk-${i}`, pageId: page.id, target: { source: page.url, selector: sel(`Қазақстан сот ісі нөмірі ${i}`) },
      body: { tags: i % 2 ? ['сот'] : [], note: '', color: 'yellow' as const }, created: '2026-03-01T00:00:00.000Z', modified: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z`, anchor: 'anchored' as const,
    }));
    await db.annotations.bulkAdd(bulk);
    expect(await memoryIndex(db, false)).toBeNull();
    await expectConsistent(db, 'bulk add');
    expect(index.kinds.claim).not.toBe(claims);
    await db.annotations.bulkDelete(bulk.slice(0, 55).map((a) => a.id));
    await expectConsistent(db, 'bulk delete');
  });

  it('sees writes made through another connection (as the background makes them)', async () => {
    await buildSearchIndex(db);
    const other = open(db.name);
    const en = { keys: pageKeys('https://other.example/x'), title: 'Другое', lang: 'ru' };
    await createAnnotation(other, en, sel('Совершенно уникальноеслово'), { tags: [], note: '', color: 'yellow' });
    const index = await memoryIndex(db, false);
    expect(index).not.toBeNull();
    expect((await search(db, 'уникальноеслово')).hits.map((h) => h.kind)).toEqual(['claim']);
  });

  it("remembers the saved texts it read for snippets, and forgets one as soon as it is written again (here or in another connection)", async () => {
    const page = (await db.pages.toArray())[0]!;
    const put = (d: SaqtaDB, text: string) => d.texts.put({ pageId: page.id, blobId: `b-${text.length}`, text, terms: terms(text) });
    await put(db, 'Бірінші нұсқа: сот шешімі күшінде қалды');
    const index = (await buildSearchIndex(db))!;
    const textHit = async (q: string) => (await search(db, q)).hits.find((h) => h.kind === 'text');
    expect((await textHit('күшінде'))?.snippet.match).toBe('күшінде');
    expect(index.texts.get(page.id)).toMatch(/^Бірінші/);
    // The background (another connection) stores a newer text of the page.
    const other = open(db.name);
    await put(other, 'Екінші нұсқа: сот шешімі өзгертілді');
    await memoryIndex(db, false).then((i) => i?.update());
    expect(index.texts.get(page.id)).toBeUndefined();
    expect(await textHit('күшінде')).toBeUndefined();
    expect((await textHit('өзгертілді'))?.snippet.match).toBe('өзгертілді');
    // Written here, deleted: forgotten at once.
    await db.texts.delete(page.id);
    expect(index.texts.get(page.id)).toBeUndefined();
    expect(await textHit('өзгертілді')).toBeUndefined();
    await expectConsistent(db, 'after text writes');
  });

  it('with the lock on: built from opened records, answers alike, and forgotten when the lock locks', async () => {
    const dataKey = crypto.getRandomValues(new Uint8Array(32));
    const keyring: Keyring = { state: 'open', keys: recordKeys(dataKey) };
    const locked = open(`search-lock-${Math.random()}`, keyring);
    await seed(locked);
    const index = (await buildSearchIndex(locked))!;
    expect(index.kinds.claim!.size).toBe(4);
    await expectConsistent(locked, 'locked library, open');
    // The library page remakes its keyring on every lock.* change: the same key keeps the index.
    keyring.keys = recordKeys(dataKey);
    expect(await memoryIndex(locked, false)).toBe(index);
    keyring.state = 'locked';
    keyring.keys = undefined;
    expect(await memoryIndex(locked)).toBeNull();
    expect(index.dropped).toBe(true);
    expect(index.kinds.claim).toBeNull();
    await expect(search(locked, 'сот')).rejects.toThrow(/locked/i);
    keyring.state = 'open';
    keyring.keys = recordKeys(new Uint8Array(32).fill(1));
    // Other keys: a new index, never the old one.
    const again = await buildSearchIndex(locked).catch(() => null);
    expect(again).not.toBe(index);
  });

  it('answers from IndexedDB until the index is built, and the same', async () => {
    expect(await memoryIndex(db, false)).toBeNull();
    const first = await search(db, 'сот');
    const built = await buildSearchIndex(db);
    expect(built).not.toBeNull();
    expect((await search(db, 'сот')).hits).toEqual(first.hits);
  });

  it('TermIndex scores as termScore does over every record, after replacements and removals; topSlots keeps the best', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const vocab = ['sot', 'sotty', 'sottyn', 'qamau', 'qamauda', 'arest', 'court', 'courts', 'almaty', 'al', 'a'];
    const idx = new TermIndex();
    const truth = new Map<string, string[]>();
    for (let i = 0; i < 400; i++) {
      const id = `r${Math.floor(rand() * 150)}`;
      if (rand() < 0.15) {
        idx.remove(id);
        truth.delete(id);
        continue;
      }
      const ts = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => vocab[Math.floor(rand() * vocab.length)]!);
      idx.set(id, ts, rand() / 2);
      truth.set(id, ts);
    }
    expect(idx.size).toBe(truth.size);
    for (const q of [['sot'], ['so'], ['a'], ['court', 'al'], ['qamau', 'sott'], ['x'], ['courts', 'courts']]) {
      const { slots, score } = idx.match(q);
      const got = new Map(slots.map((at) => [idx.ids[at]!, score[at]!]));
      const want = new Map([...truth].map(([id, ts]) => [id, termScore(ts, q)] as const).filter(([, v]) => v > 0));
      expect(got, q.join(' ')).toEqual(want);
    }
    const slots = Array.from({ length: 1000 }, (_, i) => i);
    const key = (at: number) => (at * 7919) % 1009;
    expect(topSlots(slots, key, 25)).toEqual(slots.slice().sort((a, b) => key(b) - key(a) || a - b).slice(0, 25));
  });
});

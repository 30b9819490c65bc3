import { Blob as NodeBlob } from 'node:buffer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { createAnnotation, updateAnnotation } from '../../utils/store/annotations';
import { queryTerms, search, snippetOf, termScore } from '../../utils/search/query';
import { fold, terms } from '../../utils/search/fold';
import { dropSearchIndex } from '../../utils/search/memory';
import { quoteOf } from '../../utils/annotation';
import { indexArticleTexts } from '../../utils/search/articles';
import { htmlToText } from '../../utils/search/html-text';
import { annotationTerms } from '../../utils/search/terms';
import { pageKeys } from '../../utils/url';

const q = (exact: string) => [{ type: 'TextQuoteSelector' as const, exact, prefix: '', suffix: '' }];
let db: SaqtaDB;

beforeEach(async () => {
  db = new SaqtaDB(`search-${Math.random()}`);
  const kk = { keys: pageKeys('https://www.azattyq.org/a/33000001.html'), title: '«Мақсат – кінәлау емес». Роза Ақылбековамен сұхбат', lang: 'kk' };
  const ru = { keys: pageKeys('https://rus.azattyq.org/a/2.html'), title: 'Ёлка на площади', lang: 'ru' };
  await createAnnotation(db, kk, q('Қазақстан президенті Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен барды'), {
    tags: ['Еуроодақ'], note: 'check the date', color: 'yellow',
  });
  await createAnnotation(db, ru, q('Жители всё ещё ждут ответа'), { tags: ['ответ'], note: '', color: 'blue' });
});

describe.each(['disk', 'memory'] as const)('library search (%s index)', (mode) => {
  const used = new Set<SaqtaDB>();
  const find = (d: SaqtaDB, query: string, limit?: number) => (used.add(d), search(d, query, limit, { index: mode }));
  afterEach(() => {
    used.forEach(dropSearchIndex);
    used.clear();
  });

  it('finds Kazakh Cyrillic from Latin Kazakh and the reverse, in titles and quotes', async () => {
    const latin = await find(db, 'Aqylbekova');
    expect(latin.hits.map((h) => [h.kind, h.snippet.match])).toEqual([['page', 'Ақылбековамен']]);
    const qaz = await find(db, 'Qazaqstan');
    expect(qaz.hits[0]).toMatchObject({ kind: 'claim', field: 'quote', snippet: { match: 'Қазақстан' } });
    const cyr = await find(db, 'ақылбекова');
    expect(cyr.hits).toHaveLength(1);
  });

  it('folds ё/е, matches tags and notes, and needs every word', async () => {
    expect((await find(db, 'все')).hits[0].snippet.match).toBe('всё');
    expect((await find(db, 'елка')).hits[0]).toMatchObject({ kind: 'page', snippet: { match: 'Ёлка' } });
    expect((await find(db, 'euroodaq')).hits[0]).toMatchObject({ field: 'tag' });
    expect((await find(db, 'date')).hits[0]).toMatchObject({ field: 'note', snippet: { match: 'date' } });
    expect((await find(db, 'Тоқаев ответа')).hits).toEqual([]);
    expect((await find(db, '')).hits).toEqual([]);
  });

  it('keeps terms in step when a claim is edited', async () => {
    const [a] = await db.annotations.where('body.color').equals('blue').toArray();
    await updateAnnotation(db, a.id, { note: 'Shymkent sources' });
    expect((await find(db, 'Шымкент')).hits[0]).toMatchObject({ id: a.id, field: 'note' });
  });

  it('indexes saved article text and shows the match in context, exact words first', async () => {
    const page = (await db.pages.toArray()).find((p) => p.lang === 'kk')!;
    const html = '<html><head><title>x</title><script>var Qazaqstan=1</script></head><body><p>Бірінші абзац.</p><p>Роза Ақылбекова &laquo;Қазақстан&raquo; туралы айтты.</p></body></html>';
    await db.captures.add({ id: 'c1', pageId: page.id, url: page.url, finalUrl: page.url, capturedAt: '2026-06-24T10:00:00Z', browser: 'x', extensionVersion: '0', artifacts: [] });
    await db.blobs.add({ id: 'b1', pageId: page.id, captureId: 'c1', kind: 'article', sha256: '', size: html.length, mime: 'text/html', data: new NodeBlob([html]) as unknown as Blob });
    expect(await indexArticleTexts(db)).toBe(1);
    expect(await indexArticleTexts(db)).toBe(0);
    const res = await find(db, 'Ақылбекова туралы');
    expect(res.hits.map((h) => h.kind)).toEqual(['text']);
    expect(res.hits[0].snippet).toEqual({ before: 'Бірінші абзац. Роза ', match: 'Ақылбекова', after: ' «Қазақстан» туралы айтты.' });
    const both = await find(db, 'aqylbekova');
    // An exact word in the article outranks a prefix (Ақылбековамен) in the title.
    expect(both.hits.map((h) => h.kind)).toEqual(['text', 'page']);
  });

  it('cuts context at word boundaries', () => {
    const s = snippetOf('one two three four five six seven eight nine ten Qazaqstan eleven twelve thirteen', ['qazaqstan'], 12)!;
    expect(s.match).toBe('Qazaqstan');
    expect(s.before.startsWith('…')).toBe(true);
    expect(htmlToText('<p>a&nbsp;b</p><p>c &#1178; &amp;</p>')).toBe('a b\nc Қ &');
  });

  it('reads only what can still make the list, and ranks as scoring every match would', async () => {
    const big = new SaqtaDB(`search-big-${Math.random()}`);
    const words = ['сот', 'соттың', 'қамау', 'qamauda', 'арест', 'суд', 'court', 'courts', 'ёлка', 'almaty'];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const phrase = (n: number) => Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');
    const pages = Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, url: `https://s.example/${i}`, normalizedUrl: `s.example/${i}`, aliases: [], title: phrase(4), createdAt: '2026-01-01T00:00:00.000Z', updatedAt: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z` }));
    await big.pages.bulkAdd(pages);
    // Every claim's tags are in the tags table, as every writer keeps them (ensureTags; since v60 a claim written
    // with a name the table lacks makes its row): search finds tags by its names.
    await big.tags.bulkAdd(words.map((name, i) => ({ id: `t${i}`, name, key: name, created: '2026-01-01T00:00:00.000Z' })));
    await big.annotations.bulkAdd(
      Array.from({ length: 40 }, (_, i) => ({
        id: `a${i}`, pageId: `p${i % 30}`,
        target: { source: 'https://s.example/', selector: [{ type: 'TextQuoteSelector' as const, exact: phrase(6), prefix: '', suffix: '' }] },
        body: { tags: [phrase(1)], note: i % 3 ? '' : phrase(3), color: 'yellow' as const },
        created: '2026-01-01T00:00:00.000Z', modified: `2026-02-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z`, anchor: 'anchored' as const,
      })),
    );
    await big.texts.bulkAdd(Array.from({ length: 20 }, (_, i) => {
      const text = `${phrase(20)}\n${phrase(20)}`;
      return { pageId: `p${i}`, blobId: `b${i}`, text, terms: terms(text) };
    }));
    // The reference: every record that has every word, scored as search() scores one.
    const reference = async (query: string) => {
      const qt = queryTerms(query);
      const scores: number[] = [];
      const ph = fold(query).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      const bonus = (t: string) => (ph.includes(' ') && fold(t).replace(/[^\p{L}\p{N}]+/gu, ' ').includes(ph) ? 2 : 0);
      const rec = (iso: string) => Math.min(0.5, Math.max(0, (Date.parse(iso) - 1.5e12) / 1e12));
      for (const a of await big.annotations.toArray()) {
        const s = termScore(annotationTerms(a), qt);
        if (!s) continue;
        for (const [field, w, text] of [['quote', 1.4, quoteOf(a)!.exact], ['tag', 1.3, a.body.tags.join(', ')], ['note', 1.1, a.body.note]] as const) {
          if (text && snippetOf(text, qt)) {
            scores.push((s + bonus(text)) * w + rec(a.modified));
            void field;
            break;
          }
        }
      }
      for (const p of await big.pages.toArray()) {
        const s = termScore(p.terms ?? [], qt);
        if (s) scores.push((s + bonus(p.title)) * 1.6 + rec(p.updatedAt));
      }
      for (const t of await big.texts.toArray()) {
        const s = termScore(t.terms, qt);
        if (s && snippetOf(t.text, qt)) scores.push((s + bonus(t.text)) * 1);
      }
      return scores.sort((x, y) => y - x);
    };
    for (const query of ['сот', 'court', 'қамау', 'сот қамау', 'courts court', 'qamau', 'ёлка almaty', 'арест суд', 'co']) {
      // From 15 up, 3 × limit covers every record of a kind, so the per-kind cut by term score does not bite.
      for (const limit of [15, 20, 200]) {
        const got = (await find(big, query, limit)).hits.map((h) => h.score);
        const want = (await reference(query)).slice(0, limit);
        expect(got.map((x) => x.toFixed(6)), `${query} / ${limit}`).toEqual(want.map((x) => x.toFixed(6)));
      }
    }
    await big.delete();
  });

  it('a common word with a word of a tag: the claims of the tag count as having it, read from the tag index (v50)', async () => {
    const big = new SaqtaDB(`search-tagword-${Math.random()}`);
    await big.pages.add({ id: 'p', url: 'https://s.example/', normalizedUrl: 's.example/', aliases: [], title: 'Page', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    await big.tags.bulkAdd([{ id: 't1', name: 'Appeals court', key: 'appeals court', created: '2026-01-01T00:00:00.000Z' }, { id: 't2', name: 'other', key: 'other', created: '2026-01-01T00:00:00.000Z' }]);
    const claim = (i: number, tags: string[]) => ({
      id: `a${i}`, pageId: 'p', target: { source: 'https://s.example/', selector: [{ type: 'TextQuoteSelector' as const, exact: `The ruling number ${i}`, prefix: '', suffix: '' }] },
      body: { tags, note: '', color: 'yellow' as const }, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', anchor: 'anchored' as const,
    });
    // 2,100 claims say "ruling" (past the first read of 2,000 keys: checked on the other word's claims); 300 are tagged "Appeals court", 50 "other".
    await big.annotations.bulkAdd(Array.from({ length: 2100 }, (_, i) => claim(i, i < 300 ? ['Appeals court'] : i >= 2050 ? ['other'] : [])));
    // The reference: every claim whose quote, note and tag terms (one list, as before v50) have every word.
    for (const query of ['ruling appeals', 'ruling appeal', 'appeals court ruling', 'court number']) {
      const qt = queryTerms(query);
      const want = (await big.annotations.toArray()).filter((a) => termScore(annotationTerms(a), qt) > 0).length;
      const got = (await find(big, query, 3000)).hits.filter((h) => h.kind === 'claim');
      expect(got.length, query).toBe(want);
      expect(want, query).toBe(300);
    }
    // A word only the other tag has: just its 50 claims.
    expect((await find(big, 'ruling other', 3000)).hits.filter((h) => h.kind === 'claim')).toHaveLength(50);
    await big.delete();
  });

  it('words too common to intersect on keys are checked on the rarer word\'s records', async () => {
    const big = new SaqtaDB(`search-common-${Math.random()}`);
    await big.pages.add({ id: 'p', url: 'https://s.example/', normalizedUrl: 's.example/', aliases: [], title: 'Court', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    const claim = (i: number, exact: string) => ({
      id: `a${i}`, pageId: 'p', target: { source: 'https://s.example/', selector: [{ type: 'TextQuoteSelector' as const, exact, prefix: '', suffix: '' }] },
      body: { tags: [], note: '', color: 'yellow' as const }, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', anchor: 'anchored' as const,
    });
    // 2,100 claims say "court ruling", 40 say "court appeal": "court" and "ruling" are past the first read of 2,000 keys.
    await big.annotations.bulkAdd([...Array.from({ length: 2100 }, (_, i) => claim(i, `The court ruling number ${i}`)), ...Array.from({ length: 40 }, (_, i) => claim(5000 + i, `The court appeal number ${i}`))]);
    const appeal = await find(big, 'court appeal', 100);
    expect(appeal.hits.filter((h) => h.kind === 'claim')).toHaveLength(40);
    expect(appeal.hits.every((h) => h.kind !== 'claim' || /court appeal/.test(h.snippet.match))).toBe(true);
    const ruling = await find(big, 'court ruling', 100);
    expect(ruling.hits).toHaveLength(100);
    expect(ruling.hits.every((h) => h.kind === 'claim' && h.snippet.match === 'court ruling')).toBe(true);
    await big.delete();
  });
});

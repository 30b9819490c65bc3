import { Blob as NodeBlob } from 'node:buffer';
import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { createAnnotation, updateAnnotation } from '../../utils/store/annotations';
import { search, snippetOf } from '../../utils/search/query';
import { indexArticleTexts } from '../../utils/search/articles';
import { htmlToText } from '../../utils/search/html-text';
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

describe('library search', () => {
  it('finds Kazakh Cyrillic from Latin Kazakh and the reverse, in titles and quotes', async () => {
    const latin = await search(db, 'Aqylbekova');
    expect(latin.hits.map((h) => [h.kind, h.snippet.match])).toEqual([['page', 'Ақылбековамен']]);
    const qaz = await search(db, 'Qazaqstan');
    expect(qaz.hits[0]).toMatchObject({ kind: 'claim', field: 'quote', snippet: { match: 'Қазақстан' } });
    const cyr = await search(db, 'ақылбекова');
    expect(cyr.hits).toHaveLength(1);
  });

  it('folds ё/е, matches tags and notes, and needs every word', async () => {
    expect((await search(db, 'все')).hits[0].snippet.match).toBe('всё');
    expect((await search(db, 'елка')).hits[0]).toMatchObject({ kind: 'page', snippet: { match: 'Ёлка' } });
    expect((await search(db, 'euroodaq')).hits[0]).toMatchObject({ field: 'tag' });
    expect((await search(db, 'date')).hits[0]).toMatchObject({ field: 'note', snippet: { match: 'date' } });
    expect((await search(db, 'Тоқаев ответа')).hits).toEqual([]);
    expect((await search(db, '')).hits).toEqual([]);
  });

  it('keeps terms in step when a claim is edited', async () => {
    const [a] = await db.annotations.where('body.color').equals('blue').toArray();
    await updateAnnotation(db, a.id, { note: 'Shymkent sources' });
    expect((await search(db, 'Шымкент')).hits[0]).toMatchObject({ id: a.id, field: 'note' });
  });

  it('indexes saved article text and shows the match in context, exact words first', async () => {
    const page = (await db.pages.toArray()).find((p) => p.lang === 'kk')!;
    const html = '<html><head><title>x</title><script>var Qazaqstan=1</script></head><body><p>Бірінші абзац.</p><p>Роза Ақылбекова &laquo;Қазақстан&raquo; туралы айтты.</p></body></html>';
    await db.captures.add({ id: 'c1', pageId: page.id, url: page.url, finalUrl: page.url, capturedAt: '2026-06-24T10:00:00Z', browser: 'x', extensionVersion: '0', artifacts: [] });
    await db.blobs.add({ id: 'b1', pageId: page.id, captureId: 'c1', kind: 'article', sha256: '', size: html.length, mime: 'text/html', data: new NodeBlob([html]) as unknown as Blob });
    expect(await indexArticleTexts(db)).toBe(1);
    expect(await indexArticleTexts(db)).toBe(0);
    const res = await search(db, 'Ақылбекова туралы');
    expect(res.hits.map((h) => h.kind)).toEqual(['text']);
    expect(res.hits[0].snippet).toEqual({ before: 'Бірінші абзац. Роза ', match: 'Ақылбекова', after: ' «Қазақстан» туралы айтты.' });
    const both = await search(db, 'aqylbekova');
    // An exact word in the article outranks a prefix (Ақылбековамен) in the title.
    expect(both.hits.map((h) => h.kind)).toEqual(['text', 'page']);
  });

  it('cuts context at word boundaries', () => {
    const s = snippetOf('one two three four five six seven eight nine ten Qazaqstan eleven twelve thirteen', ['qazaqstan'], 12)!;
    expect(s.match).toBe('Qazaqstan');
    expect(s.before.startsWith('…')).toBe(true);
    expect(htmlToText('<p>a&nbsp;b</p><p>c &#1178; &amp;</p>')).toBe('a b\nc Қ &');
  });
});

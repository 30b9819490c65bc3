// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { parseBundle, readArchive } from '../../utils/bundle/read';
import { listEntries, unzipStrict } from '../../utils/zip/read';
import { mergeIntoLibrary } from '../../utils/bundle/merge';
import { fromJsonLd } from '../../utils/export/jsonld';
import { markClaims } from '../../utils/export/html';
import { bundleFileName } from '../../utils/export/portable';
import { seedLibrary, exportBytes, dump } from './bundle-helpers';

const text = (files: Map<string, Uint8Array>, path: string) => new TextDecoder().decode(files.get(path));

describe('bundle export', () => {
  it('writes a zip with a manifest of every file, JSON-LD, Markdown, an index and per-article copies', async () => {
    const db = await seedLibrary();
    const bytes = await exportBytes(db);
    const names = (await listEntries(bytes)).map((e) => e.name);
    expect(names.at(-1)).toBe('datapackage.json');
    expect(names).toEqual(expect.arrayContaining(['annotations.jsonld', 'claims.md', 'index.html']));
    const dir = names.find((n) => n.endsWith('/reader.html') && n.includes('azattyq'))!.replace('/reader.html', '');
    expect(dir).toBe('articles/001-azattyq.org-maqsat-kinalau-emes-roza-aqylbekovamen-suhbat');
    expect(names).toEqual(expect.arrayContaining([`${dir}/page.json`, `${dir}/capture-1/article.html.txt`, `${dir}/capture-1/screenshot.png`, `${dir}/capture-1/capture.json`]));

    const { manifest } = await readArchive(bytes);
    const files = await unzipStrict(bytes);
    expect(manifest).toMatchObject({ format: { name: 'saqta-bundle', version: '1.0.0' }, created: '2026-06-25T08:00:00.000Z', software: 'Saqta 0.1.0 (test)' });
    expect(manifest.resources.map((r) => r.path).sort()).toEqual(names.filter((n) => n !== 'datapackage.json').sort());
    for (const r of manifest.resources) expect(r.hash).toMatch(/^sha256:[0-9a-f]{64}$/);

    const ld = JSON.parse(text(files, 'annotations.jsonld'));
    expect(ld.type).toBe('AnnotationCollection');
    expect(ld.first.items).toHaveLength(3);
    const green = ld.first.items.find((i: { 'saqta:color': string }) => i['saqta:color'] === 'green');
    expect(green.body).toEqual([
      { type: 'TextualBody', value: 'Еуроодақ', purpose: 'tagging' },
      { type: 'TextualBody', value: 'сапар', purpose: 'tagging' },
      { type: 'TextualBody', value: 'Check: 22–23 June', purpose: 'commenting', format: 'text/plain' },
    ]);
    expect(green.target.selector[0]).toMatchObject({ type: 'TextQuoteSelector', exact: 'Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен' });

    const reader = text(files, `${dir}/reader.html`);
    expect(reader).toContain('<mark class="saqta-claim saqta-green"');
    expect(reader).toMatch(/<mark[^>]*saqta-yellow[^>]*>Біздің мақсатымыз – кінәлау емес<\/mark>/);
    expect(reader).not.toMatch(/<script|onerror/i);
    expect(reader).toContain("Content-Security-Policy");

    const md = text(files, 'claims.md');
    expect(md).toContain('## «Мақсат – кінәлау емес». Роза Ақылбековамен сұхбат');
    expect(md).toContain('> Қасым-Жомарт Тоқаев Бельгияға екі күндік сапармен');
    expect(md).toContain('#Еуроодақ #сапар');
    expect(md).toContain('- Captured: 24 Jun 2026, 11:12 UTC');

    const index = text(files, 'index.html');
    expect(index).toContain('Story &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(index).not.toContain('<script');
  });

  it('names files by what and when', () => {
    expect(bundleFileName('tag Еуроодақ', new Date('2026-06-24T11:12:30Z'))).toBe('saqta-tag-euroodaq-2026-06-24T1112Z.zip');
  });

  it('marks a quote that spans elements and reports quotes it cannot find', () => {
    const html = '<p>Роза Ақылбекова: <em>«Біздің</em> мақсатымыз»</p>';
    const a = (exact: string) => ({ id: exact, pageId: 'p', target: { source: 'https://x/', selector: [{ type: 'TextQuoteSelector' as const, exact, prefix: '', suffix: '' }] }, body: { tags: [], note: '', color: 'blue' as const }, created: '', modified: '', anchor: 'unknown' as const });
    const out = markClaims(html, [a('Ақылбекова: «Біздің мақсатымыз'), a('not there')]);
    expect(out.missing).toEqual(['not there']);
    expect(out.html).toBe('<p>Роза <mark class="saqta-claim saqta-blue" data-claim="Ақылбекова: «Біздің мақсатымыз" title="">Ақылбекова: </mark><em><mark class="saqta-claim saqta-blue" data-claim="Ақылбекова: «Біздің мақсатымыз" title="">«Біздің</mark></em><mark class="saqta-claim saqta-blue" data-claim="Ақылбекова: «Біздің мақсатымыз" title=""> мақсатымыз</mark>»</p>');
  });
});

describe('bundle import', () => {
  it('imports into a fresh library with everything, then merges a second import without duplicates', async () => {
    const src = await seedLibrary();
    const bytes = await exportBytes(src);
    const parsed = await parseBundle(bytes);
    const dst = new SaqtaDB(`dst-${Math.random()}`);
    const first = await mergeIntoLibrary(dst, parsed.articles, parsed.claims);
    expect(first).toEqual({ pages: { added: 2, merged: 0 }, claims: { added: 3, merged: 0, skipped: 0 }, captures: { added: 1, skipped: 0 }, tags: { added: 4 } });
    // Same claims, pages, captures and artifact bytes as the source.
    const [a, b] = [JSON.parse(await dump(src)), JSON.parse(await dump(dst))];
    expect(b.annotations.map((x: { id: string }) => x.id)).toEqual(a.annotations.map((x: { id: string }) => x.id));
    expect(b.blobs.map((x: { data: string }) => x.data)).toEqual(a.blobs.map((x: { data: string }) => x.data));
    expect(b.tags.map((x: { name: string }) => x.name).sort()).toEqual(a.tags.map((x: { name: string }) => x.name).sort());
    const again = await mergeIntoLibrary(dst, parsed.articles, parsed.claims);
    expect(again).toEqual({ pages: { added: 0, merged: 2 }, claims: { added: 0, merged: 0, skipped: 3 }, captures: { added: 0, skipped: 1 }, tags: { added: 0 } });
    // A re-export of the imported library is itself a valid bundle with the same claims.
    const round = await parseBundle(await exportBytes(dst));
    expect(round.claims.map((c) => c.id).sort()).toEqual(parsed.claims.map((c) => c.id).sort());
  });

  it('merges the same page+quote under another id: tags united by name, note filled', async () => {
    const dst = await seedLibrary();
    const claim = (await dst.annotations.toArray()).find((x) => x.body.color === 'yellow')!;
    const page = (await dst.pages.get(claim.pageId))!;
    const hyp = {
      annotations: [{
        id: 'hyp-123', uri: page.url, text: 'From a colleague', tags: ['ДӘЙЕКСӨЗ', 'new tag'],
        target: [{ source: page.url, selector: [{ type: 'RangeSelector', startContainer: '/p[2]' }, { type: 'TextQuoteSelector', exact: 'Біздің мақсатымыз – кінәлау емес', prefix: '«', suffix: '»' }] }],
        document: { title: ['ignored'] }, created: '2026-06-26T10:00:00Z', updated: '2026-06-26T10:00:00Z',
      }, {
        id: 'hyp-456', uri: 'https://other.example/news/1', text: '', tags: [], document: { title: ['Other news'] },
        target: [{ source: 'https://other.example/news/1', selector: [{ type: 'TextQuoteSelector', exact: 'Another claim', prefix: '', suffix: '' }] }],
      }],
    };
    const claims = fromJsonLd(JSON.stringify(hyp));
    const s = await mergeIntoLibrary(dst, [], claims);
    expect(s).toMatchObject({ pages: { added: 1 }, claims: { added: 1, merged: 1, skipped: 0 }, tags: { added: 1 } });
    const merged = (await dst.annotations.get(claim.id))!;
    expect(merged.body.tags).toEqual(['дәйексөз', 'new tag']);
    expect(merged.body.note).toBe('From a colleague');
    const other = await dst.pages.where('normalizedUrl').equals('other.example/news/1').first();
    expect(other?.title).toBe('Other news');
    // Re-importing the same Hypothesis file changes nothing (stable ids).
    expect(await mergeIntoLibrary(dst, [], fromJsonLd(JSON.stringify(hyp)))).toMatchObject({ claims: { added: 0, merged: 0, skipped: 2 } });
  });
});

describe('verify', () => {
  it('fails, naming the saved article, when a quote does not occur in it', async () => {
    const { verifyBundle } = await import('../../utils/bundle/verify');
    const db = await seedLibrary();
    const claim = (await db.annotations.toArray()).find((a) => a.body.color === 'green')!;
    await db.annotations.update(claim.id, { 'target.selector': [{ type: 'TextQuoteSelector', exact: 'Тоқаев Пекинге барды', prefix: '', suffix: '' }] });
    const report = await verifyBundle(await exportBytes(db));
    expect(report.ok).toBe(false);
    const fail = report.lines.find((l) => l.level === 'fail')!;
    expect(fail.file).toMatch(/^articles\/001-azattyq\.org-[a-z-]+\/capture-1\/article\.html\.txt$/);
    expect(fail.message).toContain('Тоқаев Пекинге барды');
    // The quote that is in the article (across <em> and with other quote marks) is found.
    expect(report.lines.find((l) => l.level === 'ok' && l.message.includes('found in its saved article'))?.message).toBe('1 quote found in its saved article.');
  });
});

describe('export cancel', () => {
  it('stops with an AbortError and writes nothing more once cancelled', async () => {
    const { writeBundle } = await import('../../utils/bundle/write');
    const { collectArticles, selectionPages } = await import('../../utils/export/collect');
    const db = await seedLibrary();
    const { pageIds } = await selectionPages(db, { kind: 'all' });
    const abort = new AbortController();
    const chunks: Uint8Array[] = [];
    const run = writeBundle(collectArticles(db, pageIds), { title: 't', created: new Date(), software: 's', signal: abort.signal, onProgress: () => abort.abort() }, (c) => {
      chunks.push(c);
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    const after = chunks.length;
    expect(after).toBeGreaterThan(0);
    // Some of the first article was written, but no table of contents: not a usable archive.
    await expect(listEntries(concatAll(chunks))).rejects.toThrow(/cut short/);
  });
});

function concatAll(chunks: Uint8Array[]) {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

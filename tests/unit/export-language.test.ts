// @vitest-environment node
/**
 * Exported files speak the reader's language (index.html, reader.html,
 * claims.md from the kk interface are in Kazakh) and reader.html carries the
 * saved image bytes, so it shows them opened from disk under its own policy.
 */
import { describe, expect, it } from 'vitest';
import { Blob as NodeBlob } from 'node:buffer';
import { writeBundle } from '../../utils/bundle/write';
import { collectArticles, selectionPages } from '../../utils/export/collect';
import { concatBytes, unzipStrict } from '../../utils/zip/read';
import { sha256Hex } from '../../utils/bundle/read';
import { readerFile, inlineImages, CSP } from '../../utils/export/html';
import { claimsMarkdown } from '../../utils/export/markdown';
import { exportLang, exportTime } from '../../utils/export/i18n';
import { seedLibrary, exportBytes } from './bundle-helpers';
import { formatReport, verifyBundle } from '../../utils/bundle/verify';
import type { SaqtaDB } from '../../utils/db';

const PNG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31, 21, 196, 137]);

/** The seed library with the article's image saved as a capture artifact. */
async function withImage(): Promise<SaqtaDB> {
  const db = await seedLibrary();
  const cap = (await db.captures.toArray())[0]!;
  const ref = { kind: 'image' as const, blobId: 'blob-img', sha256: sha256Hex(PNG), size: PNG.length, mime: 'image/png', sourceUrl: 'https://cdn.example/x.png' };
  await db.captures.update(cap.id, { artifacts: [...cap.artifacts, ref] });
  await db.blobs.add({ id: 'blob-img', pageId: cap.pageId, captureId: cap.id, kind: 'image', sha256: ref.sha256, size: PNG.length, mime: 'image/png', data: new NodeBlob([PNG], { type: 'image/png' }) as unknown as Blob });
  return db;
}

async function exportIn(db: SaqtaDB, lang?: string): Promise<Map<string, Uint8Array>> {
  const { pageIds } = await selectionPages(db, { kind: 'all' });
  const chunks: Uint8Array[] = [];
  await writeBundle(collectArticles(db, pageIds), { title: 'Saqta: кітапхана', created: new Date('2026-11-27T13:43:27.183Z'), software: 'Saqta 0.1.0', lang }, (c) => {
    chunks.push(c);
  });
  return unzipStrict(concatBytes(chunks));
}
const text = (files: Map<string, Uint8Array>, name: string) => new TextDecoder().decode(files.get(name));
const readerOf = (files: Map<string, Uint8Array>) => new TextDecoder().decode([...files].find(([n]) => n.endsWith('/reader.html') && n.includes('azattyq'))![1]);

describe('exports in the reader’s language', () => {
  it('kk: index.html, reader.html and claims.md are in Kazakh, with times in UTC', async () => {
    const files = await exportIn(await withImage(), 'kk');
    const index = text(files, 'index.html');
    const reader = readerOf(files);
    const md = text(files, 'claims.md');
    expect(index).toContain('<html lang="kk">');
    expect(index).toContain('<h2>Дәйектер</h2>');
    expect(index).toContain('Файлдар:');
    expect(index).toContain('27.11.2026, 13:43 UTC');
    expect(index).toContain('Saqta бастапқы код репозиторийін');
    expect(index).toContain('<code>npm run verify -- топтама.wacz</code>');
    expect(reader).toContain('<html lang="kk">');
    expect(reader).toContain('Сақталған уақыты: 24.06.2026, 11:12 UTC');
    expect(reader).toContain('<h2>Дәйектер</h2>');
    expect(md).toContain('Saqta арқылы экспортталды: 27.11.2026, 13:43 UTC.');
    expect(md).toContain('- Мекенжайы: <https://www.azattyq.org/a/33000001.html>');
    expect(md).toContain('- Сақталған уақыты: 24.06.2026, 11:12 UTC');
    expect(md).toContain('түсі: жасыл');
    for (const doc of [index, reader, md]) expect(doc).not.toMatch(/\b(Claims|Captured|Exported by|Saved:|Files:|colour:)/);
  });

  it('ru and en have their own words; any other language gets English', async () => {
    const ru = await exportIn(await seedLibrary(), 'ru-RU');
    expect(text(ru, 'claims.md')).toContain('Экспортировано из Saqta: 27.11.2026, 13:43 UTC.');
    expect(text(ru, 'index.html')).toContain('<h2>Утверждения</h2>');
    const en = await exportIn(await seedLibrary());
    expect(text(en, 'claims.md')).toContain('Exported by Saqta on 27 Nov 2026, 13:43 UTC.');
    expect(text(en, 'index.html')).toContain('get the Saqta source repository');
    expect(exportLang('de')).toBe('en');
    expect(exportTime('not a time', 'kk')).toBe('not a time');
  });

  it('claims.md from the library’s “All claims as Markdown” takes the language too', () => {
    const md = claimsMarkdown([], 'Saqta: барлық дәйек', '2026-11-27T13:43:27.183Z', 'kk');
    expect(md).toBe('# Saqta: барлық дәйек\n\nSaqta арқылы экспортталды: 27.11.2026, 13:43 UTC.\n');
  });
});

describe('reader.html carries its images', () => {
  it('inlines the saved bytes as a data: URL the file’s policy allows', async () => {
    const files = await exportIn(await withImage(), 'en');
    const reader = readerOf(files);
    const b64 = Buffer.from(PNG).toString('base64');
    expect(reader).toContain(`<img src="data:image/png;base64,${b64}" data-source="https://cdn.example/x.png"`);
    expect(reader).not.toContain('src="https://cdn.example');
    expect(reader).not.toMatch(/onerror/i);
    expect(CSP).toContain('img-src data:');
  });

  it('an image that was not saved becomes its alt text, never a live URL', async () => {
    const db = await seedLibrary();
    let html = '';
    for await (const article of collectArticles(db, (await selectionPages(db, { kind: 'all' })).pageIds)) if (article.articleHtml) html = await readerFile(article, 'kk');
    expect(html).not.toContain('cdn.example/x.png"');
    expect(html).toContain('<span class="saqta-missing-image">Сурет сақталмаған</span>');
    const out = inlineImages('<img alt="A &amp; B" srcset="https://a/1.png 2x" src="https://a/1.png"><img src="https://a/2.png" srcset="https://a/2b.png 2x" width="5">', new Map([['https://a/2.png', 'data:image/png;base64,AA==']]), 'en');
    expect(out).toBe('<span class="saqta-missing-image">A &amp; B</span><img src="data:image/png;base64,AA==" data-source="https://a/2.png" width="5">');
  });
});

describe('a PDF’s claims in reader.html (docs/pdf.md)', () => {
  it('each claim says its page; an area claim is named by its page and shows its cropped picture, and is not "not found"', async () => {
    const db = await seedLibrary();
    const a0 = (await db.annotations.toArray())[0]!;
    const area = {
      ...a0,
      id: 'urn:uuid:00000000-0000-4000-8000-0000000000a1',
      created: '2030-01-01T00:00:00.000Z',
      target: {
        source: a0.target.source,
        selector: [
          { type: 'FragmentSelector' as const, conformsTo: 'http://tools.ietf.org/rfc/rfc3778', value: 'page=3&viewrect=10,10,100,50' },
          { type: 'PageSelector' as const, index: 2, label: '3' },
        ],
      },
    };
    await db.annotations.put(area);
    await db.annotations.update(a0.id, { target: { ...a0.target, selector: [...a0.target.selector, { type: 'PageSelector', index: 1, label: '2' }] } });
    await db.blobs.add({ id: `pdf-area:${area.id}`, pageId: a0.pageId, captureId: '', kind: 'image', sha256: sha256Hex(PNG), size: PNG.length, mime: 'image/png', data: new NodeBlob([PNG], { type: 'image/png' }) as unknown as Blob });
    let html = '';
    for await (const article of collectArticles(db, [a0.pageId])) html = await readerFile(article, 'ru');
    const item = html.slice(html.indexOf(`<li id="${area.id}"`));
    expect(item).toMatch(/^<li id="[^"]+"><mark class="saqta-claim saqta-\w+">Область на странице 3<\/mark> <small class="saqta-page">\(с\. 3\)<\/small><br><img class="saqta-area" src="data:image\/png;base64,iVBORw0KGgo/);
    expect(item.slice(0, item.indexOf('</li>'))).not.toContain('не найден');
    expect(html).toContain('<small class="saqta-page">(с. 2)</small>');
  });
});

describe('npm run verify counts in good English', () => {
  it('says "1 article", "1 quote", never "1 articles"', async () => {
    const db = await seedLibrary();
    const kkPage = (await db.pages.toArray()).find((p) => p.lang === 'kk')!;
    const bytes = await exportBytes(db, { kind: 'pages', pageIds: [kkPage.id] });
    const report = formatReport(await verifyBundle(bytes), 'one.zip');
    expect(report).toContain('2 W3C Web Annotations, 1 article;');
    expect(report).toContain('2 quotes found in their saved articles.');
    expect(report).not.toMatch(/\b1 (articles|quotes|files)\b/);
    const en = (await db.pages.toArray()).find((p) => p.lang === 'en')!;
    const single = formatReport(await verifyBundle(await exportBytes(db, { kind: 'pages', pageIds: [en.id] })), 'en.zip');
    expect(single).toContain('1 W3C Web Annotation, 1 article;');
    expect(single).toContain('1 quote cannot be checked');
  });
});

/**
 * Bundles at scale through the library UI: a library of 200 saved articles
 * (each with a 256 KB screenshot, 2,000 claims) is exported with the progress
 * bar, a fresh profile starts importing it and cancels (nothing changes), then
 * imports it whole; a hostile bundle is refused with its detail in Russian.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { verifyAny } from '../../utils/wacz/verify';
import { memorySource } from '../../utils/zip/read';
import { extractEverywhere, listedBy } from '../differential';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launch, artifactPath, dbCounts, ROOT, type Session } from './harness';

const ARTICLES = 200;
const SHOT_KB = 256;

/** Raw IndexedDB writes in the library page (the schema is open): pages, claims, captures and blobs with true hashes. */
async function generate(lib: Page) {
  await lib.evaluate(
    async ({ articles, shotKb }) => {
      const db: IDBDatabase = await new Promise((res, rej) => {
        const r = indexedDB.open('saqta');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const hex = async (b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>))].map((x) => x.toString(16).padStart(2, '0')).join('');
      const words = ['сот', 'қамау', 'хат', 'Еуроодақ', 'журналист', 'азаптау', 'митинг', 'адвокат', 'сапар', 'президент'];
      for (let p = 0; p < articles; p++) {
        const url = `https://news${p % 7}.example/kk/${p}`;
        const id = `gen-page-${p}`;
        const sentences = Array.from({ length: 10 }, (_, c) => `${p}-мақаладағы ${c}-сөйлем: ${words[(p + c) % 10]} ${words[(p * 3 + c) % 10]} туралы хабар.`);
        const html = new TextEncoder().encode(`<article><h1>Мақала ${p}</h1>${sentences.map((s) => `<p>${s}</p>`).join('')}</article>`);
        const shot = new Uint8Array(shotKb * 1024);
        for (let i = 0; i < shot.length; i += 65536) crypto.getRandomValues(shot.subarray(i, i + 65536));
        const when = new Date(Date.UTC(2026, 5, 1) + p * 3_600_000).toISOString();
        const cap = `gen-cap-${p}`;
        const artifacts = [
          { kind: 'article', blobId: `gen-art-${p}`, sha256: await hex(html), size: html.length, mime: 'text/html' },
          { kind: 'screenshot', blobId: `gen-shot-${p}`, sha256: await hex(shot), size: shot.length, mime: 'image/png' },
        ];
        await new Promise<void>((res, rej) => {
          const tx = db.transaction(['pages', 'annotations', 'captures', 'blobs'], 'readwrite');
          tx.objectStore('pages').put({ id, url, normalizedUrl: url.replace('https://', ''), aliases: [], title: `Мақала ${p}`, lang: 'kk', createdAt: when, updatedAt: when, savedAt: when, terms: [] });
          sentences.forEach((exact, c) =>
            tx.objectStore('annotations').put({ id: `urn:uuid:00000000-0000-4000-8000-${String(p * 10 + c).padStart(12, '0')}`, pageId: id, target: { source: url, selector: [{ type: 'TextQuoteSelector', exact, prefix: '', suffix: '' }] }, body: { tags: [words[c]], note: '', color: 'yellow' }, created: when, modified: when, anchor: 'anchored', terms: [] }),
          );
          tx.objectStore('captures').put({ id: cap, pageId: id, url, finalUrl: url, capturedAt: when, browser: 'test', extensionVersion: '0.1.0', artifacts });
          tx.objectStore('blobs').put({ id: `gen-art-${p}`, pageId: id, captureId: cap, kind: 'article', sha256: artifacts[0]!.sha256, size: html.length, mime: 'text/html', data: new Blob([html], { type: 'text/html' }) });
          tx.objectStore('blobs').put({ id: `gen-shot-${p}`, pageId: id, captureId: cap, kind: 'screenshot', sha256: artifacts[1]!.sha256, size: shot.length, mime: 'image/png', data: new Blob([shot], { type: 'image/png' }) });
          tx.oncomplete = () => res();
          tx.onerror = () => rej(tx.error);
        });
      }
      db.close();
    },
    { articles: ARTICLES, shotKb: SHOT_KB },
  );
}

describe('bundles at scale through the library', () => {
  let bundle = '';
  let a: Session;
  beforeAll(async () => {
    a = await launch({ lang: 'en' });
  });
  afterAll(async () => {
    await a?.close();
  });

  it('exports 200 saved articles with progress; the bundle verifies', { timeout: 300_000 }, async () => {
    const lib = await a.openExtensionPage('library.html');
    await lib.getByTestId('empty').waitFor();
    await generate(lib);
    await lib.reload();
    await lib.getByTestId('count').filter({ hasText: `Articles: ${ARTICLES}` }).waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      lib.waitForEvent('download', { timeout: 240_000 }),
      (async () => {
        await lib.getByTestId('export-all').click();
        await lib.getByTestId('export-progress').waitFor();
        await lib.screenshot({ path: artifactPath('bundle-export-progress-en.png') });
      })(),
    ]);
    bundle = artifactPath('bundle-scale.wacz');
    await download.saveAs(bundle);
    const ok = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite-node/dist/cli.mjs'), 'scripts/verify.ts', bundle], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.stdout).toContain('RESULT: the bundle is intact.');
    expect(ok.stdout).toContain(`${ARTICLES * 10} W3C Web Annotations, ${ARTICLES} articles`);
    expect(ok.status).toBe(0);
    // What verify accepted, unzip and Python extract file for file, byte for byte (issue 12).
    const exported = new Uint8Array(readFileSync(bundle));
    const listed = listedBy(await verifyAny(memorySource(exported), { window: new JSDOM('').window as unknown as Window & typeof globalThis }));
    // One web archive per article, every one listed.
    expect([...listed.keys()].filter((k) => /^archive\/.+\.warc\.gz$/.test(k))).toHaveLength(ARTICLES);
    const everywhere = extractEverywhere(exported);
    expect(everywhere.unzip).toEqual(listed);
    expect(everywhere.python).toEqual(listed);
  });

  it('a fresh profile cancels an import (nothing changes), then imports the whole bundle; a hostile one is refused in Russian', { timeout: 300_000 }, async () => {
    expect(bundle).not.toBe('');
    const b = await launch({ lang: 'ru' });
    try {
      const lib = await b.openExtensionPage('library.html');
      await lib.getByTestId('empty').waitFor();
      const before = await dbCounts(b);

      // Start, see the progress, cancel.
      await lib.getByTestId('import-file').setInputFiles(bundle);
      await lib.getByTestId('import-progress').waitFor();
      await lib.screenshot({ path: artifactPath('bundle-import-progress-ru.png') });
      expect(await lib.getByTestId('import-progress').textContent()).toMatch(/Проверка bundle-scale\.wacz: [\d,]+ \/ [\d,]+ МБ…|Запись в библиотеку/);
      await lib.getByTestId('import-cancel').click();
      await lib.getByTestId('status').filter({ hasText: 'Импорт отменён. Ничего не импортировано, библиотека не изменилась.' }).waitFor({ timeout: 60_000 });
      await lib.getByTestId('import-progress').waitFor({ state: 'detached' });
      expect(await dbCounts(b)).toEqual(before);
      await lib.getByTestId('empty').waitFor();

      // The whole import.
      await lib.getByTestId('import-file').setInputFiles(bundle);
      await lib.getByTestId('import-summary').waitFor({ timeout: 240_000 });
      expect(await lib.getByTestId('import-summary').textContent()).toContain(`Утверждения: добавлено ${ARTICLES * 10}, объединено 0, уже были 0. Статьи: добавлено ${ARTICLES}, объединено 0.`);
      // The imported articles' text is indexed for search at once (issue 22), in the page's idle time:
      // every article has its row before the library is compared across the hostile import below.
      await expect.poll(async () => (await dbCounts(b)).texts, { timeout: 120_000, interval: 500 }).toBe(ARTICLES);
      const counts = await dbCounts(b);
      expect(counts).toMatchObject({ pages: ARTICLES, annotations: ARTICLES * 10, captures: ARTICLES, blobs: ARTICLES * 2 });
      await lib.getByTestId('count').filter({ hasText: String(ARTICLES) }).waitFor();

      // A hostile bundle: refused, the detail in Russian, the library unchanged.
      await lib.getByTestId('import-file').setInputFiles(join(ROOT, 'tests/fixtures/hostile/overlapping.zip'));
      await lib.getByTestId('error').waitFor();
      const text = await lib.getByTestId('error').textContent();
      expect(text).toContain('Ничего не импортировано, библиотека не изменилась.');
      expect(text).toContain('Файлы "claims.md" и "datapackage.json" занимают в архиве одни и те же байты: это zip-бомба или повреждённый файл.');
      expect(text).not.toMatch(/share bytes|\$\d/);
      expect(await dbCounts(b)).toEqual(counts);
      await lib.screenshot({ path: artifactPath('bundle-refused-ru.png') });
    } finally {
      await b.close();
    }
  });
});

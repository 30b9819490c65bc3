/**
 * How the extension pages look to a reader, in English and Kazakh, light and
 * dark: body text is readable (14–16 px, not the 10.5 px Chromium's extension
 * stylesheet makes of a size set on :root), the library's list is as tall as
 * its rows, claim rows are compact, the popup has one primary action and does
 * not jump while saving. Screenshots of every page go to
 * test-artifacts/look/<phase>-<page>-<lang>-<scheme>.png (phase: SAQTA_SHOTS,
 * "after" by default) to compare before and after a change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { SEED } from '../paths';
import { pathToFileURL } from 'node:url';
import { artifactPath, launch, request, serveFixtures, tabIdOf, type Session } from './harness';
import { unzipStrict } from '../../utils/zip/read';
import { selectWithMouse, uiText, waitControl } from './highlight-helpers';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_DIR } from './harness';
import { chromeArgs, findChrome, startArgs, unpackedExtensionId, writeStartProfile } from '../../scripts/chrome.mjs';
import type { FixtureServer } from '../../scripts/server.mjs';

const PHASE = process.env.SAQTA_SHOTS || 'after';
const shot = (name: string) => artifactPath(`look/${PHASE}-${name}.png`);

let server: FixtureServer;
beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await server?.close();
});

/** Computed font size (px) of the body text of a page. */
const bodyPx = (page: Page) => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
/** Computed font size (px) of the first element matching the selector. */
const px = (page: Page, sel: string) => page.locator(sel).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));

for (const lang of ['en', 'kk'] as const) {
  describe(`extension pages in ${lang}`, () => {
    let session: Session;
    let tabId: number;
    let pageId: string;
    beforeAll(async () => {
      session = await launch({ lang });
      const article = await session.context.newPage();
      await article.goto(`${server.origin}/seed/index.html`, { waitUntil: 'load' });
      tabId = await tabIdOf(session, article);
      await session.worker.evaluate(
        (id) => chrome.tabs.sendMessage(id, { command: 'highlight-spans', spans: [{ start: 400, end: 520 }, { start: 900, end: 1000 }], tags: ['torture', 'EU letter'] }),
        tabId,
      );
      const saved = await request<{ ok: boolean; value: { pageId: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
      if (!saved.ok) throw new Error(`save failed: ${JSON.stringify(saved)}`);
      pageId = saved.value.pageId;
    }, 180_000);
    afterAll(async () => {
      await session?.close();
    });

    const open = async (path: string, ready: string, scheme: 'light' | 'dark', size?: { width: number; height: number }) => {
      const page = await session.context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      if (size) await page.setViewportSize(size);
      await page.goto(`chrome-extension://${session.extensionId}/${path}`);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      return page;
    };

    it('popup, side panel, settings: readable body text, one primary action', async () => {
      const sizes: Record<string, number> = {};
      for (const scheme of ['light', 'dark'] as const) {
        const popup = await open(`popup.html?tab=${tabId}`, '[data-testid=copy-status]', scheme, { width: 340, height: 480 });
        await popup.screenshot({ path: shot(`popup-${lang}-${scheme}`) });
        sizes.popup = await bodyPx(popup);
        sizes.popupPrimary = await popup.locator('button.primary').count();
        await popup.close();
        const panel = await open(`sidepanel.html?tab=${tabId}`, '[data-testid=claims] li', scheme, { width: 400, height: 760 });
        await panel.screenshot({ path: shot(`sidepanel-${lang}-${scheme}`) });
        sizes.sidepanel = await bodyPx(panel);
        await panel.close();
        const options = await open('options.html', '[data-testid=persisted]', scheme);
        await options.screenshot({ path: shot(`options-${lang}-${scheme}`) });
        sizes.options = await bodyPx(options);
        // Sizes in the reader's units and number format.
        expect(await options.locator('main').textContent()).toMatch(lang === 'kk' ? /\d,\d\u00a0ГБ/ : /\d\.\d\u00a0GB/);
        await options.close();
      }
      for (const k of ['popup', 'sidepanel', 'options']) {
        expect(sizes[k], `${k} body text`).toBeGreaterThanOrEqual(14);
        expect(sizes[k], `${k} body text`).toBeLessThanOrEqual(16);
      }
      expect(sizes.popupPrimary, 'primary buttons in the popup').toBe(1);
    });

    it('popup: saving again moves nothing', async () => {
      const popup = await open(`popup.html?tab=${tabId}`, '[data-testid=copy-status]', 'light', { width: 340, height: 480 });
      const boxes = () => popup.locator('button').evaluateAll((els) => els.map((el) => { const r = el.getBoundingClientRect(); return `${el.textContent}@${Math.round(r.top)}`; }));
      const before = await boxes();
      await popup.getByTestId('save-page').click();
      await popup.locator('[data-testid=save-page][aria-disabled=true]').waitFor();
      const during = await boxes();
      await popup.screenshot({ path: shot(`popup-saving-${lang}`) });
      await popup.locator('[data-testid=save-page][aria-disabled=false]').waitFor({ timeout: 90_000 });
      expect(await popup.getByTestId('save-status').textContent()).toMatch(/2/);
      // The screenshot follows the ✓; its state shows in the same status line, which keeps its height.
      await popup.locator('[data-testid=screenshot-state][data-state=ok]').waitFor({ timeout: 90_000 });
      const after = await boxes();
      await popup.close();
      expect(during).toEqual(before);
      expect(after).toEqual(before);
    }, 150_000);

    it('library: readable text, compact claim rows, the list as tall as its rows', async () => {
      const seen: { body: number; h1: number; listHeight: number; rowHeight: number }[] = [];
      for (const scheme of ['light', 'dark'] as const) {
        const lib = await open('library.html', '[data-testid=articles] [data-page-id]', scheme);
        await lib.screenshot({ path: shot(`library-${lang}-${scheme}`) });
        // The search placeholder fits its field, even in a narrow window.
        await lib.setViewportSize({ width: 800, height: 900 });
        const fits = await lib.getByTestId('search').evaluate((el) => {
          const input = el as HTMLInputElement;
          const cs = getComputedStyle(input);
          const ctx = document.createElement('canvas').getContext('2d')!;
          ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
          return ctx.measureText(input.placeholder).width <= input.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        });
        expect(fits, 'the whole search placeholder is visible at 800 px').toBe(true);
        await lib.setViewportSize({ width: 1280, height: 900 });
        // Date filters in the reader's pattern; labels and controls of every filter on one line.
        const hint = await lib.getByTestId('filter-from').getAttribute('placeholder');
        expect(hint).toBe(lang === 'kk' ? 'кк.аа.жжжж' : 'yyyy-mm-dd');
        // Per line of filters (they wrap in a narrow window or long labels): the labels start level and the controls end level.
        const boxes = await lib.locator('.filters > label').evaluateAll((els) =>
          els.map((el) => {
            const check = el.classList.contains('check');
            const control = check ? el : el.querySelector('select, input')!;
            return { top: check ? null : Math.round(el.getBoundingClientRect().top), bottom: Math.round(control.getBoundingClientRect().bottom) };
          }),
        );
        // Lines of the wrapped row: boxes whose bottoms are within 20 px belong to one line.
        const lines: (typeof boxes)[] = [];
        for (const b of [...boxes].sort((x, y) => x.bottom - y.bottom)) {
          const last = lines.at(-1);
          if (last && b.bottom - last[0]!.bottom < 20) last.push(b);
          else lines.push([b]);
        }
        for (const line of lines) {
          expect(new Set(line.map((b) => b.bottom)).size, `filter controls of one line end level: ${JSON.stringify(boxes)}`).toBe(1);
          expect(new Set(line.flatMap((b) => (b.top === null ? [] : [b.top]))).size, `filter labels of one line start level: ${JSON.stringify(boxes)}`).toBeLessThanOrEqual(1);
        }
        const body = await bodyPx(lib);
        const h1 = await px(lib, 'h1');
        const listHeight = await lib.getByTestId('articles').evaluate((el) => el.getBoundingClientRect().height);
        await lib.getByTestId('tab-claims').click();
        await lib.locator('[data-testid=claims] [data-claim-id]').first().waitFor();
        await lib.screenshot({ path: shot(`library-claims-${lang}-${scheme}`) });
        const rowHeight = await lib.locator('[data-testid=claims] .vrow').first().evaluate((el) => el.getBoundingClientRect().height);
        await lib.getByTestId('tab-tags').click();
        await lib.getByTestId('tags').waitFor();
        await lib.screenshot({ path: shot(`library-tags-${lang}-${scheme}`) });
        await lib.close();
        seen.push({ body, h1, listHeight, rowHeight });
      }
      for (const { body, h1, listHeight, rowHeight } of seen) {
        expect(body).toBeGreaterThanOrEqual(14);
        expect(body).toBeLessThanOrEqual(16);
        expect(h1, 'the heading stands above the body text').toBeGreaterThan(body * 1.2);
        // One article: the list box holds its row, not a screen of empty space.
        expect(listHeight).toBeLessThan(200);
        expect(rowHeight, 'a one-line claim row').toBeLessThanOrEqual(64);
      }
    });

    // In both languages (it ran only in Kazakh, and nothing said the English run skipped it: issue 22).
    it(`exports from the ${lang} library are in ${lang === 'kk' ? 'Kazakh' : 'English'}, and reader.html shows its saved images offline`, async () => {
      const L = lang === 'kk'
        ? { title: '<title>Saqta: кітапхана</title>', claims: '<h2>Дәйектер</h2>', verify: 'Saqta бастапқы код репозиторийін', saved: /Сақталған уақыты: \d\d\.\d\d\.\d{4}, \d\d:\d\d UTC/, exportedBy: 'Saqta арқылы экспортталды:', captured: '- Сақталған уақыты:', other: /\b(Claims|Captured|Exported by|Saved|Files:)/ }
        : { title: '<title>Saqta: library</title>', claims: '<h2>Claims</h2>', verify: 'get the Saqta source repository', saved: /Saved: [^<\n]*\d{4}[^<\n]*UTC/, exportedBy: 'Exported by Saqta on', captured: '- Captured', other: /Дәйектер|Сақталған|экспортталды|Файлдар/ };
      const lib = await open('library.html', '[data-testid=articles] [data-page-id]', 'light');
      const tabsTop = () => lib.getByTestId('tab-articles').evaluate((el) => el.getBoundingClientRect().top);
      const before = await tabsTop();
      const [download] = await Promise.all([lib.waitForEvent('download'), lib.getByTestId('export-all').click()]);
      // "Saved as …zip" shows without pushing the tabs down.
      await lib.getByTestId('status').filter({ hasText: '.wacz' }).waitFor();
      await lib.screenshot({ path: shot(`library-exported-${lang}`) });
      expect(await tabsTop()).toBe(before);
      const zipPath = artifactPath(`look/export-${lang}.wacz`);
      await download.saveAs(zipPath);
      const files = await unzipStrict(new Uint8Array(readFileSync(zipPath)));
      const textOf = (suffix: string) => new TextDecoder().decode([...files].find(([n]) => n.endsWith(suffix))![1]);
      const index = textOf('index.html');
      const reader = textOf('/reader.html');
      const md = textOf('claims.md');
      expect(index).toContain(L.title);
      expect(index).toContain(L.claims);
      expect(index).toContain(L.verify);
      expect(reader).toContain(L.claims);
      expect(reader).toMatch(L.saved);
      expect(md).toContain(L.exportedBy);
      expect(md).toContain(L.captured);
      for (const doc of [index, reader, md]) expect(doc).not.toMatch(L.other);
      // The saved image bytes are in reader.html itself; no live URL is left.
      // The export is a WACZ: the saved images live in its web archive, and reader.html carries their bytes.
      // They are the seed's own image files, byte for byte, as the site served them.
      const seedImages = readdirSync(join(SEED, 'img')).filter((n) => n.endsWith('.png')).map((n) => readFileSync(join(SEED, 'img', n)));
      const saved = seedImages.filter((bytes) => reader.includes(Buffer.from(bytes).toString('base64')));
      expect(saved.length).toBeGreaterThanOrEqual(2);
      expect(reader).not.toMatch(/<img[^>]+src="http/);

      // The library's per-article "HTML file" is the same self-contained file.
      const [single] = await Promise.all([lib.waitForEvent('download'), lib.locator('[data-page-id] button.link').first().click()]);
      const singlePath = artifactPath(`look/article-${lang}.html`);
      await single.saveAs(singlePath);
      const singleHtml = readFileSync(singlePath, 'utf8');
      expect(singleHtml).toContain(Buffer.from(saved[0]!).toString('base64'));
      expect(singleHtml).toContain(L.claims);
      await lib.close();

      // Opened from disk, under its own policy, the images render.
      const readerPath = artifactPath(`look/export-${lang}-reader.html`);
      writeFileSync(readerPath, reader);
      for (const file of [readerPath, singlePath]) {
        const page = await session.context.newPage();
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const widths = await page.locator('article img').evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((i) => i.naturalWidth));
        expect(widths.length).toBeGreaterThan(0);
        for (const w of widths) expect(w).toBeGreaterThan(0);
        await page.screenshot({ path: shot(file === readerPath ? `export-reader-${lang}` : `export-article-html-${lang}`) });
        await page.close();
      }
    }, 120_000);

    it('library date filters take dates typed in the reader’s pattern', async () => {
      const lib = await open('library.html', '[data-testid=articles] [data-page-id]', 'light');
      const from = lib.getByTestId('filter-from');
      const [past, future, wrong] = lang === 'kk' ? ['01.01.2020', '01.01.2099', '31.02.2026'] : ['2020-01-01', '2099-01-01', '2026-02-31'];
      await from.fill(past);
      await lib.locator('[data-testid=articles] [data-page-id]').waitFor();
      await from.fill(future);
      await lib.getByTestId('empty').waitFor();
      await from.fill(wrong);
      await from.blur();
      expect(await from.getAttribute('aria-invalid')).toBe('true');
      await lib.screenshot({ path: shot(`library-date-invalid-${lang}`) });
      await from.fill('');
      await lib.locator('[data-testid=articles] [data-page-id]').waitFor();
      expect(await from.getAttribute('aria-invalid')).toBe('false');
      await lib.close();
    });

    it('the in-page toolbar says what its colour buttons do', async () => {
      const page = await session.context.newPage();
      await page.goto(`${server.origin}/seed/index.html`, { waitUntil: 'load' });
      await selectWithMouse(page, 'Сапар қарсаңында құқық қорғау ұйымдары', 1);
      await waitControl(page, 'c-yellow');
      expect(await uiText(page)).toContain(lang === 'kk' ? 'Бояу:' : 'Highlight:');
      await page.screenshot({ path: shot(`toolbar-${lang}`) });
      await page.close();
    });

    it('reader', async () => {
      const sides: number[] = [];
      for (const scheme of ['light', 'dark'] as const) {
        const reader = await open(`reader.html?page=${encodeURIComponent(pageId)}`, '[data-testid=claims] li', scheme);
        await reader.screenshot({ path: shot(`reader-${lang}-${scheme}`) });
        sides.push(await px(reader, '.side'));
        await reader.close();
      }
      for (const side of sides) expect(side, 'the reader’s side column').toBeGreaterThanOrEqual(14);
    });
  });
}

describe('npm start’s browser profile', () => {
  it('pins Saqta’s icon (so its badge shows), turns Translate off, and keeps the root-only sandbox bar away', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'saqta-start-test-'));
    const id = unpackedExtensionId(EXTENSION_DIR);
    writeStartProfile(profile, id);
    const args = startArgs(EXTENSION_DIR, profile, 'about:blank');
    if (process.getuid?.() === 0) expect(args).toEqual(expect.arrayContaining(['--no-sandbox', '--test-type']));
    expect(args.join(' ')).toMatch(/--disable-features=[^ ]*Translate/);
    const context = await chromium.launchPersistentContext(profile, { executablePath: findChrome()!, headless: true, args: chromeArgs(EXTENSION_DIR) });
    try {
      const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
      expect(new URL(worker.url()).host, 'the id computed from the folder is the one Chromium gave').toBe(id);
      const settings = await worker.evaluate(() => (chrome.action as unknown as { getUserSettings(): Promise<{ isOnToolbar: boolean }> }).getUserSettings());
      expect(settings.isOnToolbar).toBe(true);
    } finally {
      await context.close();
    }
    const prefs = JSON.parse(readFileSync(join(profile, 'Default', 'Preferences'), 'utf8'));
    expect(prefs.translate.enabled).toBe(false);
    expect(prefs.extensions.pinned_extensions).toContain(id);
    rmSync(profile, { recursive: true, force: true });
  });
});

/**
 * What a lawyer or an editor notices (issue 22), in Kazakh and English:
 * the evidence sheet, the reader's capture record, the library's Claims and
 * Tags tabs at 900 and 1280 px, the timeline, the toolbar in edit mode and
 * the popup after Save. Pictures of each view go to
 * docs/screens/issue22/<view>-<lang>-<width>-<phase>.png (phase: SAQTA_SHOTS,
 * "after" by default); the assertions are what a person sees — labels, dates
 * and units in their language, nothing cut or pushed off the page, readable
 * secondary text. Driven with the mouse and the keyboard only; the article's
 * claims are set up (as a person made them earlier) with the harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, artifactPath, launch, request, serveFixtures, tabIdOf, type Session } from './harness';
import { clickControl, selectWithMouse, uiText, waitControl } from './highlight-helpers';
import type { FixtureServer } from '../../scripts/server.mjs';

const PHASE = process.env.SAQTA_SHOTS || 'after';
const SCREENS = join(ROOT, 'docs', 'screens', 'issue22');
mkdirSync(SCREENS, { recursive: true });
const shot = (view: string, lang: string, width: number | string) => join(SCREENS, `${view}-${lang}-${width}-${PHASE}.png`);

let server: FixtureServer;
beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await server?.close();
});

/** Elements inside `root` (a selector) whose content is cut: wider than their box with hidden/scrolling overflow, or outside the viewport. */
async function clipped(page: Page, root: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    for (const scope of document.querySelectorAll(sel)) {
      for (const el of [scope, ...scope.querySelectorAll('*')] as HTMLElement[]) {
        if (!el.checkVisibility?.() || el.closest('.visually-hidden')) continue;
        const cs = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const name = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : ''}[${(el.textContent ?? '').trim().slice(0, 30)}]`;
        if (cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA' && el.tagName !== 'SELECT' && !el.matches('.vlist, .vlist *'))
          out.push(`${name} scrolls sideways ${el.scrollWidth}>${el.clientWidth}`);
        if (cs.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1 && el.tagName !== 'TEXTAREA' && !el.matches('.vlist, body, html'))
          out.push(`${name} scrolls down ${el.scrollHeight}>${el.clientHeight}`);
        if (r.right > vw + 1 && el.children.length === 0) out.push(`${name} ends at ${Math.round(r.right)} past ${vw}`);
      }
    }
    return out;
  }, root);
}

/** Relative luminance contrast of an element's text against the first opaque background behind it. */
function contrastOf(el: Element): { size: number; ratio: number; text: string } {
  const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
  const lum = ([r, g, b]: number[]) => {
    const f = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
  };
  const cs = getComputedStyle(el);
  let bg = [255, 255, 255];
  for (let e: Element | null = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length >= 3 && (c.length === 3 || c[3]! > 0.5)) {
      bg = c.slice(0, 3);
      break;
    }
    if (!e.parentElement) bg = matchMedia('(prefers-color-scheme: dark)').matches && !document.documentElement.matches('[data-theme=light]') ? [0, 0, 0] : [255, 255, 255];
  }
  const fg = rgb(cs.color);
  // A translucent colour over the background.
  const a = fg.length > 3 ? fg[3]! : 1;
  const mixed = [0, 1, 2].map((i) => fg[i]! * a + bg[i]! * (1 - a));
  const [l1, l2] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
  return { size: parseFloat(cs.fontSize), ratio: (l1! + 0.05) / (l2! + 0.05), text: `${el.tagName}.${el.className}: ${(el.textContent ?? '').trim().slice(0, 30)}` };
}

/** Secondary text (the selectors) under 13 px or under 4.5:1. */
async function smallOrFaint(page: Page, selectors: string): Promise<string[]> {
  const found = await page.locator(selectors).evaluateAll(
    (els, fn) => {
      const contrast = new Function(`return (${fn})`)() as (el: Element) => { size: number; ratio: number; text: string };
      return els.filter((el) => (el as HTMLElement).checkVisibility?.() && (el.textContent ?? '').trim()).map((el) => contrast(el));
    },
    contrastOf.toString(),
  );
  expect(found.length, `secondary text found for ${selectors}`).toBeGreaterThan(0);
  return found.filter((f) => f.size < 13 || f.ratio < 4.5).map((f) => `${f.text} ${f.size}px ${f.ratio.toFixed(2)}:1`);
}

for (const lang of ['kk', 'en', 'ru'] as const) {
  describe(`what a reader sees, in ${lang}`, () => {
    let session: Session;
    let tabId: number;
    let pageId: string;
    let article: Page;
    const exported = artifactPath(`person-ui/export-${lang}.wacz`);
    beforeAll(async () => {
      session = await launch({ lang });
      article = await session.context.newPage();
      await article.goto(`${server.origin}/seed/index.html`, { waitUntil: 'load' });
      tabId = await tabIdOf(session, article);
      // Claims a person made earlier: a long quote (Cite/MD must stay on screen) and a short one with tags.
      await session.worker.evaluate(
        (id) => chrome.tabs.sendMessage(id, { command: 'highlight-spans', spans: [{ start: 400, end: 1100 }, { start: 1300, end: 1400 }], tags: ['torture', 'EU letter', 'азаптау туралы есеп'] }),
        tabId,
      );
      const saved = await request<{ ok: boolean; value: { pageId: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
      if (!saved.ok) throw new Error(`save failed: ${JSON.stringify(saved)}`);
      pageId = saved.value.pageId;
    }, 180_000);
    afterAll(async () => {
      await session?.close();
    });

    const open = async (path: string, ready: string, width = 1280, height = 900) => {
      const page = await session.context.newPage();
      await page.setViewportSize({ width, height });
      await page.goto(`chrome-extension://${session.extensionId}/${path}`);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      return page;
    };

    it('pictures of every view (before and after the fixes)', async () => {
      // The evidence sheet: the PDF that Print gives, its first two pages.
      const reader = await open(`reader.html?page=${encodeURIComponent(pageId)}`, '[data-testid=claims] li');
      await reader.waitForFunction(() => document.querySelectorAll('.evidence-sheet .ev-mark').length > 0);
      const pdf = artifactPath(`person-ui/sheet-${lang}.pdf`);
      mkdirSync(join(ROOT, 'test-artifacts', 'person-ui'), { recursive: true });
      await reader.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
      for (const p of [1, 2]) {
        execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', '-f', String(p), '-l', String(p), pdf, shot(`evidence-sheet-p${p}`, lang, 'a4').replace(/\.png$/, '')]);
      }
      // The reader's capture record.
      await reader.getByTestId('capture').scrollIntoViewIfNeeded();
      await reader.screenshot({ path: shot('reader-capture', lang, 1280) });
      await reader.setViewportSize({ width: 900, height: 900 });
      await reader.getByTestId('capture').scrollIntoViewIfNeeded();
      await reader.screenshot({ path: shot('reader-capture', lang, 900) });
      await reader.close();
      // The library's Claims and Tags tabs, and the timeline.
      for (const width of [900, 1280]) {
        const lib = await open('library.html', '[data-testid=articles] [data-page-id]', width);
        await lib.screenshot({ path: shot('library-articles', lang, width) });
        await lib.getByTestId('tab-claims').click();
        await lib.locator('[data-testid=claims] [data-claim-id]').first().waitFor();
        await lib.screenshot({ path: shot('library-claims', lang, width) });
        await lib.getByTestId('tab-tags').click();
        await lib.getByTestId('tags').waitFor();
        await lib.screenshot({ path: shot('library-tags', lang, width) });
        await lib.close();
      }
      const lib = await open('library.html', '[data-testid=articles] [data-page-id]', 1280);
      await lib.getByTestId('open-timeline').first().click();
      await lib.getByTestId('timeline-capture').first().waitFor();
      await lib.getByTestId('timeline').screenshot({ path: shot('library-timeline', lang, 1280) });
      await lib.close();
      // The toolbar in edit mode, with its cite panel open.
      await article.bringToFront();
      await article.reload({ waitUntil: 'load' });
      await selectWithMouse(article, 'Сапар қарсаңында құқық қорғау ұйымдары', 1);
      await clickControl(article, 'c-yellow');
      await waitControl(article, 'delete');
      await article.screenshot({ path: shot('toolbar-edit', lang, 1280) });
      await clickControl(article, 'cite');
      await waitControl(article, 'cite-text');
      await article.screenshot({ path: shot('toolbar-cite', lang, 1280) });
      await article.keyboard.press('Escape');
      // The popup after Save.
      const popup = await open(`popup.html?tab=${tabId}`, '[data-testid=copy-status]', 340, 520);
      await popup.getByTestId('save-page').click();
      await popup.locator('[data-testid=save-page]:not([disabled])').waitFor({ timeout: 90_000 });
      await popup.waitForTimeout(1500);
      await popup.screenshot({ path: shot('popup-saved', lang, 340) });
      await popup.close();
      // Settings (dates inside the UI's language).
      const options = await open('options.html', '[data-testid=persisted]');
      await options.screenshot({ path: shot('settings', lang, 1280), fullPage: true });
      await options.close();
    }, 300_000);

    it('the evidence sheet: labels by MIME type, dates and units in the reader’s language, the zone once, whole fingerprint groups, no near-empty page, « » in Kazakh', async () => {
      const reader = await open(`reader.html?page=${encodeURIComponent(pageId)}`, '[data-testid=claims] li');
      await reader.waitForFunction(() => document.querySelectorAll('.evidence-sheet .ev-mark').length > 0);
      await reader.waitForFunction(() => /[0-9A-F]{4}/.test(document.querySelector('.ev-fingerprint')?.textContent ?? ''));
      await reader.emulateMedia({ media: 'print' });
      const items = await reader.locator('.ev-artifacts li').allTextContents();
      const css = items.find((x) => x.includes('text/css'));
      expect(css, 'the sheet lists the page’s style sheet').toBeTruthy();
      expect(css).toContain({ kk: 'Стиль кестесі (CSS)', ru: 'Таблица стилей (CSS)', en: 'Style sheet (CSS)' }[lang]);
      for (const item of items) {
        const label = item.split(' · ')[0]!;
        if (label === { kk: 'Сурет', ru: 'Изображение', en: 'Image' }[lang]) expect(item, 'only images are called images').toMatch(/ · image\//);
      }
      // Units: one formatter, the reader's number format.
      const sizes = items.map((x) => x.split(' · ')[1]!);
      for (const size of sizes) expect(size).toMatch(lang !== 'en' ? /^\d+(,\d)?\u00a0(Б|КБ|МБ)$/ : /^\d+(\.\d)?\u00a0(B|KB|MB)$/);
      // Local time: unambiguous, in the reader's pattern, the zone named once.
      const local = (await reader.locator('.ev-record dd').nth(3).textContent())!;
      expect(local).toMatch(lang !== 'en' ? /^\d\d\.\d\d\.\d{4}, \d\d:\d\d:\d\d UTC([+-]\d\d:\d\d)?$/ : /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC([+-]\d\d:\d\d)?$/);
      expect(local.match(/UTC/g)).toHaveLength(1);
      // Every group of the key's fingerprint on one line.
      const groups = await reader.locator('.ev-fingerprint .ev-group').evaluateAll((els) => els.map((el) => el.getClientRects().length));
      expect(groups).toHaveLength(16);
      for (const lines of groups) expect(lines, 'a fingerprint group broken across lines').toBe(1);
      // Quotation marks of the sheet's language.
      const claims = (await reader.locator('.ev-claims').textContent())!;
      expect(claims).toContain(lang !== 'en' ? '«' : '“');
      expect(claims).not.toContain(lang !== 'en' ? '“' : '«');
      await reader.emulateMedia({ media: null });
      const pdf = artifactPath(`person-ui/sheet-check-${lang}.pdf`);
      await reader.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
      await reader.close();
      const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
      const pages = text.split('\f').filter((p) => p.trim());
      // No page but the last is nearly empty (a forced break once left page 2 with a few lines).
      // The article follows the claims on the same page (a forced break once left page 2 with a few lines of claims).
      const heading = { kk: 'Мақала, тұжырымдар белгіленген', ru: 'Статья с отмеченными утверждениями', en: 'The article, with the claims marked' }[lang];
      const marked = { kk: 'Белгіленген уақыты', ru: 'Отмечено ', en: 'Marked 20' }[lang];
      const lastMarked = pages.findLastIndex((p) => p.includes(marked));
      const articleAt = pages.findIndex((p) => p.includes(heading));
      expect(lastMarked).toBeGreaterThanOrEqual(0);
      expect(articleAt, 'the article starts on the page where the claims end').toBe(lastMarked);
      if (lang === 'kk') {
        // «Жазба» is the note, and only the note: the capture record has its own word.
        expect(text.toLowerCase().replace(/жазба:/g, '')).not.toContain('жазба');
      }
    });

    it('the reader’s capture record: nothing cut, no scrollbars of its own, at 1280 and 900 px; the publication time names its zone', async () => {
      for (const width of [1280, 900]) {
        const reader = await open(`reader.html?page=${encodeURIComponent(pageId)}`, '[data-testid=claims] li', width);
        await reader.getByTestId('capture').scrollIntoViewIfNeeded();
        expect(await clipped(reader, '[data-testid=capture]'), `capture record at ${width}`).toEqual([]);
        expect(await clipped(reader, '.side'), `side column at ${width}`).toEqual([]);
        // The whole address (with its port) and the time are inside the column.
        const inside = await reader.evaluate(() => {
          const col = document.querySelector('[data-testid=capture]')!.getBoundingClientRect();
          return [...document.querySelectorAll('[data-testid=capture] dd')].map((dd) => {
            const r = dd.getBoundingClientRect();
            return { text: dd.textContent, ok: r.left >= col.left - 1 && r.right <= col.right + 1 };
          });
        });
        for (const dd of inside) expect(dd.ok, `${dd.text} inside the record`).toBe(true);
        expect(inside[0]!.text).toBe(`${server.origin}/seed/index.html`);
        const published = (await reader.locator('article header time').textContent())!;
        expect(published).toMatch(lang !== 'en' ? /24\.06\.2026, 11:12 UTC\+05:00/ : /2026-06-24 11:12 UTC\+05:00/);
        await reader.close();
      }
    });

    it('the library: Cite/MD on screen beside a long quote, the row’s Timeline clickable at 900 px, the Tags table inside the page, one date pattern', async () => {
      for (const width of [900, 1280]) {
        const lib = await open('library.html', '[data-testid=articles] [data-page-id]', width);
        const vw = await lib.evaluate(() => document.documentElement.clientWidth);
        // The date a row shows is one the From filter takes back, typed as shown.
        const meta = (await lib.locator('[data-testid=articles] .meta').first().textContent())!;
        const shown = meta.match(lang !== 'en' ? /\d\d\.\d\d\.\d{4}/ : /\d{4}-\d\d-\d\d/)?.[0];
        expect(shown, `a date in the filters’ pattern in “${meta}”`).toBeTruthy();
        expect(meta).not.toMatch(lang !== 'en' ? /\d{4}-\d\d-\d\d/ : /\d\d?\/\d\d?\/\d{4}/);
        await lib.getByTestId('filter-from').click();
        await lib.keyboard.type(shown!);
        await lib.keyboard.press('Enter');
        await lib.locator('[data-testid=articles] [data-page-id]').waitFor();
        expect(await lib.getByTestId('filter-from').getAttribute('aria-invalid')).toBe('false');
        await lib.getByTestId('filter-from').click({ clickCount: 3 });
        await lib.keyboard.press('Backspace');
        // Timeline: a click on the link opens it.
        await lib.locator('[data-testid=articles] [data-page-id]').first().getByTestId('open-timeline').click({ timeout: 5000 });
        await lib.getByTestId('timeline-capture').first().waitFor();
        const timeline = (await lib.getByTestId('timeline').textContent())!;
        expect(timeline).not.toMatch(/\b(article|resource|snapshot|raw|screenshot|image):/);
        expect(timeline).toContain({ kk: 'Стиль кестесі (CSS) style.css', ru: 'Таблица стилей (CSS) style.css', en: 'Style sheet (CSS) style.css' }[lang]);
        await lib.keyboard.press('Escape');
        // Claims: every row's Cite and MD are on screen and take the click.
        await lib.getByTestId('tab-claims').click();
        await lib.locator('[data-testid=claims] [data-claim-id]').first().waitFor();
        const cites = await lib.locator('[data-testid=claims] [data-claim-id]').evaluateAll((rows) =>
          rows.map((row) => {
            const md = row.querySelector('[data-testid=cite-md]')!.getBoundingClientRect();
            const hit = document.elementFromPoint(md.left + md.width / 2, md.top + md.height / 2);
            return { right: md.right, width: md.width, hit: !!hit?.closest('[data-testid=cite-md]') };
          }),
        );
        expect(cites.length).toBeGreaterThanOrEqual(2);
        for (const c of cites) {
          expect(c.width).toBeGreaterThan(0);
          expect(c.right, `MD inside ${vw} px`).toBeLessThanOrEqual(vw);
          expect(c.hit, 'MD takes the click').toBe(true);
        }
        expect(await clipped(lib, '.filters')).toEqual([]);
        // Tags: the table ends inside the page.
        await lib.getByTestId('tab-tags').click();
        await lib.getByTestId('tags').waitFor();
        const table = await lib.getByTestId('tags').evaluate((el) => ({ right: el.getBoundingClientRect().right, scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
        expect(table.right, `Tags table at ${width}`).toBeLessThanOrEqual(table.client);
        expect(table.scroll).toBeLessThanOrEqual(table.client);
        await lib.close();
      }
    });

    it('the toolbar: the quote preview ends in an ellipsis, × never on a row of its own, the citation the library gives', async () => {
      await article.bringToFront();
      await article.reload({ waitUntil: 'load' });
      await selectWithMouse(article, 'Сапар қарсаңында құқық қорғау ұйымдары', 1);
      await clickControl(article, 'c-yellow');
      await waitControl(article, 'delete');
      const close = (await waitControl(article, 'close'))!;
      const del = (await waitControl(article, 'delete'))!;
      const first = (await waitControl(article, 'c-yellow'))!;
      expect(Math.abs(del.y - first.y), 'the buttons on one row').toBeLessThan(2);
      expect(close.y, '× above the buttons, beside the quote').toBeLessThan(first.y);
      const clamp = await quoteStyle(article);
      expect(clamp['-webkit-line-clamp']).toBe('2');
      expect(clamp['overflow-y'] ?? clamp.overflow).toBe('hidden');
      expect(parseFloat(clamp['font-size']!)).toBeGreaterThanOrEqual(13);
      await clickControl(article, 'cite');
      await waitControl(article, 'cite-text');
      const ui = await uiText(article);
      expect(ui).toContain('Мәншүк Асаутай');
      expect(ui).toContain('https://news.example.kz/a/maqsat-kinalau-emes/33456789.html');
      expect(ui).toContain({ kk: '24.06.2026', ru: '24 июня 2026', en: 'June 24, 2026' }[lang]);
      expect(ui).not.toMatch(/Not saved|сақталмаған|не сохранено/i);
      await article.keyboard.press('Escape');
      // The library copies the same citation of that claim.
      const lib = await open('library.html', '[data-testid=articles] [data-page-id]');
      await lib.getByTestId('tab-claims').click();
      const row = lib.locator('[data-testid=claims] [data-claim-id]').filter({ hasText: 'Сапар қарсаңында құқық қорғау ұйымдары' }).first();
      await row.getByTestId('cite-text').click();
      await row.locator('.cite-status').filter({ hasText: /./ }).waitFor();
      // Pasted where a person would see it (the search field folds the lines).
      await lib.getByTestId('search').click();
      await lib.keyboard.press('Control+V');
      const copied = await lib.getByTestId('search').inputValue();
      await lib.close();
      expect(copied).toContain('Мәншүк Асаутай');
      const fold = (x: string) => x.replace(/\s+/g, ' ').trim();
      expect(fold(ui)).toContain(fold(copied));
    });

    it('the popup: Save moves nothing below it; turning Watch on says how often and that the site sees your address; the ✓ comes from the toolbar icon', async () => {
      // The first save of an article with a claim: nothing below Save moves.
      const fresh = await session.context.newPage();
      await fresh.goto(`${server.origin}/fixtures/readability/001/source.html`, { waitUntil: 'load' });
      const freshTab = await tabIdOf(session, fresh);
      await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'highlight-spans', spans: [{ start: 200, end: 260 }] }), freshTab);
      const popup = await open(`popup.html?tab=${freshTab}`, '[data-testid=copy-status]', 340, 600);
      await popup.getByTestId('watch-toggle').waitFor();
      const top = () => popup.getByTestId('watch-toggle').evaluate((el) => Math.round(el.getBoundingClientRect().top));
      const before = await top();
      const started = Date.now();
      await popup.getByTestId('save-page').click();
      let badge = '';
      while (badge !== '✓' && Date.now() - started < 60_000) badge = await session.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), freshTab);
      const tick = Date.now() - started;
      console.log(`[person-ui] ${lang}: save ✓ on the toolbar icon after ${tick} ms (load ${(await import('node:os')).loadavg()[0]!.toFixed(2)})`);
      expect(badge).toBe('✓');
      await popup.getByTestId('open-copy').waitFor();
      const during = await top();
      await popup.locator('[data-testid=screenshot-state][data-state=ok]').waitFor({ timeout: 90_000 });
      const after = await top();
      expect([during, after], 'the Watch switch stays where it was').toEqual([before, before]);
      await popup.screenshot({ path: shot('popup-first-save', lang, 340) });
      await popup.getByTestId('watch-toggle').click();
      const hint = popup.getByTestId('watch-on-hint');
      await hint.waitFor();
      expect(await hint.textContent()).toMatch({ kk: /Тексеру жиілігі: .+IP/, ru: /Проверка раз в .+IP-адрес/, en: /Checked every .+IP address/ }[lang]);
      await popup.screenshot({ path: shot('popup-watch-on', lang, 340) });
      await popup.getByTestId('watch-toggle').click();
      await popup.close();
    }, 150_000);

    it('Settings writes dates in the reader’s language', async () => {
      // An export gives Settings a date to show.
      const lib = await open('library.html', '[data-testid=articles] [data-page-id]');
      const [download] = await Promise.all([lib.waitForEvent('download', { timeout: 60_000 }), lib.getByTestId('export-all').click()]);
      await download.saveAs(exported);
      await lib.close();
      const options = await open('options.html', '[data-testid=persisted]');
      const last = (await options.getByTestId('last-export').textContent())!;
      expect(last).toMatch(lang !== 'en' ? /\d\d\.\d\d\.\d{4}, \d\d:\d\d/ : /\d{4}-\d\d-\d\d \d\d:\d\d/);
      const text = (await options.locator('main').textContent())!;
      expect(text).not.toMatch(/\d\d?\/\d\d?\/\d{4}|\b(AM|PM)\b/);
      await options.close();
    });

    it('after an import on a second browser, the article’s text is searchable at once (no reopening the library)', async () => {
      const second = await launch({ lang });
      try {
        // The colleague's library already holds an article of their own, and is open when they import.
        const own = await second.context.newPage();
        await own.goto(`${server.origin}/fixtures/readability/002/source.html`, { waitUntil: 'load' });
        const saved = await request<{ ok: boolean }>(second, { type: 'save.page', tabId: await tabIdOf(second, own) });
        expect(saved.ok).toBe(true);
        const lib = await second.openExtensionPage('library.html');
        await lib.locator('[data-testid=articles] [data-page-id]').first().waitFor();
        // Import…, then the file, as a person picks it in the file dialog.
        const [chooser] = await Promise.all([lib.waitForEvent('filechooser'), lib.getByText({ kk: 'Импорттау…', ru: 'Импорт…', en: 'Import…' }[lang]).click()]);
        await chooser.setFiles(exported);
        await lib.getByTestId('import-summary').waitFor({ timeout: 90_000 });
        // A word of the article's text only (not its title, claims or tags).
        await lib.getByTestId('search').click();
        await lib.keyboard.type('Partnership');
        const results = lib.locator('[data-testid="search-results"][data-query="Partnership"] li');
        await results.first().waitFor({ timeout: 15_000 });
        expect(await results.count()).toBeGreaterThan(0);
      } finally {
        await second.close();
      }
    }, 150_000);

    it('secondary text is at least 13 px with 4.5:1 contrast, light and dark', async () => {
      const bad: string[] = [];
      for (const scheme of ['light', 'dark'] as const) {
        const lib = await open('library.html', '[data-testid=articles] [data-page-id]');
        await lib.emulateMedia({ colorScheme: scheme });
        bad.push(...(await smallOrFaint(lib, '[data-testid=articles] .meta, .filters label')));
        await lib.getByTestId('tab-claims').click();
        await lib.locator('[data-testid=claims] .chip').first().waitFor();
        bad.push(...(await smallOrFaint(lib, '[data-testid=claims] .chip, [data-testid=claims] .meta, [data-testid=claims] .cite-buttons button')));
        await lib.getByTestId('tab-articles').click();
        await lib.getByTestId('open-timeline').first().click();
        await lib.getByTestId('timeline-capture').first().waitFor();
        bad.push(...(await smallOrFaint(lib, '[data-testid=timeline] .hash, [data-testid=timeline] .when')));
        await lib.close();
        const reader = await open(`reader.html?page=${encodeURIComponent(pageId)}`, '[data-testid=claims] li');
        await reader.emulateMedia({ colorScheme: scheme });
        bad.push(...(await smallOrFaint(reader, '.capture dt, .hash-label, .capture .small, .capture .muted, article .byline, article .site, .evidence-status .ev-small, .claim .small')));
        await reader.close();
        const panel = await open(`sidepanel.html?tab=${tabId}`, '[data-testid=claims] li', 400, 760);
        await panel.emulateMedia({ colorScheme: scheme });
        bad.push(...(await smallOrFaint(panel, '.claim .small, .claim .chip, .muted')));
        await panel.close();
      }
      expect(bad).toEqual([]);
    }, 120_000);
  });
}

/** The computed style of the toolbar's quote preview (inside the closed root: through the DevTools protocol). */
async function quoteStyle(page: Page): Promise<Record<string, string>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  type N = { nodeId: number; localName?: string; attributes?: string[]; children?: N[]; shadowRoots?: N[] };
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: N };
  const find = (n: N): N | null => {
    const a = n.attributes ?? [];
    for (let i = 0; i < a.length; i += 2) if (a[i] === 'class' && a[i + 1]!.split(' ').includes('quote') && n.localName === 'p') return n;
    for (const c of [...(n.shadowRoots ?? []), ...(n.children ?? [])]) {
      const f = find(c);
      if (f) return f;
    }
    return null;
  };
  const node = find(root);
  if (!node) throw new Error('no quote preview in the toolbar');
  const { computedStyle } = (await cdp.send('CSS.getComputedStyleForNode', { nodeId: node.nodeId })) as { computedStyle: { name: string; value: string }[] };
  await cdp.detach();
  return Object.fromEntries(computedStyle.map((p) => [p.name, p.value]));
}

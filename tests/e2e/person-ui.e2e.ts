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

for (const lang of ['kk', 'en'] as const) {
  describe(`what a reader sees, in ${lang}`, () => {
    let session: Session;
    let tabId: number;
    let pageId: string;
    let article: Page;
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
  });
}

/**
 * The journey of journey.e2e.ts in Firefox (Debian's firefox-esr, with its
 * Kazakh language pack for the Kazakh story): first run → highlight → tag with
 * type-ahead → note → cite (pasted with Ctrl+V) → save → the saved copy →
 * library search → export → import on a second profile. English with the
 * mouse, Kazakh with the keyboard only (the text itself still selected with
 * the mouse: see journey.e2e.ts), through the person layer (person-firefox.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { artifactPath, serveFixtures, ROOT } from './harness';
import { downloaded, launchFirefox, pageAt, type FirefoxSession } from './firefox-session';
import {
  activate, chord, hasFocus, openFileDialog, clickControl, escapeToolbar, focusedControl, selectWithMouse, tabToControl, textOf, typeInto, uiText, until, waitControl, waitFocus,
} from './person-firefox';
import type { FixtureServer } from '../../scripts/server.mjs';

const FIRST = 'Бельгия астанасы Брюссельде болып';
const SECOND = 'Қазақстан Еуропаға қажет 34 сирек металдың 21-ін бере алады';
const STORY = {
  en: { tag: 'minerals', prefix: 'min', note: 'Check the 21 of 34 figure with the ministry', search: 'ministry' },
  kk: { tag: 'минерал', prefix: 'мин', note: 'Министрліктен 34 саны бойынша сұрау', search: 'Министрліктен' },
};
type Lang = 'en' | 'kk';
type Mode = 'mouse' | 'keyboard';

function words(lang: Lang): (key: string, ...args: string[]) => string {
  const messages = JSON.parse(readFileSync(join(ROOT, 'public', '_locales', lang, 'messages.json'), 'utf8')) as Record<string, { message: string }>;
  return (key, ...args) => messages[key].message.replace(/\$(\d)/g, (_, n) => args[Number(n) - 1] ?? '');
}

let server: FixtureServer;
beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await server?.close();
});

async function openPanel(page: Page, key: 'tag' | 'note' | 'cite', mode: Mode): Promise<void> {
  if (mode === 'mouse') return clickControl(page, key);
  await tabToControl(page, key);
  await page.keyboard.press(key === 'note' ? ' ' : 'Enter');
}

async function highlight(page: Page, mode: Mode, say: ReturnType<typeof words>): Promise<void> {
  if (mode === 'mouse') await clickControl(page, 'c-green');
  else await chord(page, 'Alt', 'Shift', 'KeyH');
  await waitControl(page, 'delete');
  await until('“highlighted”', async () => (await uiText(page)).includes(say('hlToastCreated')));
}

function journey(lang: Lang, mode: Mode) {
  const say = words(lang);
  const story = STORY[lang];
  let a: FirefoxSession | undefined;
  let b: FirefoxSession | undefined;
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it(`${lang}, ${mode}: first run → highlight → tag (type-ahead) → note → cite → save → reader → library search → export → import on a second profile`, { timeout: 300_000 }, async () => {
    a = await launchFirefox(lang);
    // First run: the library is empty and says so (in the browser's language).
    const library = await a.openExtensionPage('library.html');
    await until('the empty library', async () => (await textOf(library, '[data-testid=empty]')) === say('libraryEmpty'));

    const article = await a.browser.newPage();
    await article.setViewport({ width: 1100, height: 900 });
    await article.goto(`${server.origin}/seed/index.html`, { waitUntil: 'load' });
    await article.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);

    await selectWithMouse(article, FIRST, 1);
    await highlight(article, mode, say);
    await openPanel(article, 'tag', mode);
    await waitFocus(article, 'tag-input');
    await article.keyboard.type(story.tag);
    await article.keyboard.press('Enter');
    await waitControl(article, `rm-${story.tag}`);
    await article.keyboard.press('Escape');
    await until('the focus back on Tag', async () => (await focusedControl(article)) === 'tag');
    await escapeToolbar(article);

    await selectWithMouse(article, SECOND, 1);
    await highlight(article, mode, say);
    await openPanel(article, 'tag', mode);
    await waitFocus(article, 'tag-input');
    await article.keyboard.type(story.prefix);
    await until('the type-ahead', async () => (await uiText(article)).includes(story.tag));
    await article.keyboard.press('Enter');
    await waitControl(article, `rm-${story.tag}`);
    await article.keyboard.press('Escape');
    await until('the focus back on Tag', async () => (await focusedControl(article)) === 'tag');

    await openPanel(article, 'note', mode);
    await waitFocus(article, 'note-input');
    await article.keyboard.type(story.note);
    await chord(article, 'Control', 'Enter');
    await until('“claim changed”', async () => (await uiText(article)).includes(say('hlToastUpdated')));
    await article.keyboard.press('Escape');
    await until('the focus back on Note', async () => (await focusedControl(article)) === 'note');

    await openPanel(article, 'cite', mode);
    await waitFocus(article, 'cite-text');
    if (mode === 'mouse') await clickControl(article, 'cite-text');
    else await article.keyboard.press('Enter');
    await until('“copied”', async () => (await uiText(article)).includes(say('citeCopied')));
    await article.keyboard.press('Escape');
    await until('the focus back on Cite', async () => (await focusedControl(article)) === 'cite');
    await article.screenshot({ path: artifactPath(`journey-firefox-${lang}-${mode}-page.png`) });
    await escapeToolbar(article);

    // The citation, pasted into the library's search field (Ctrl+V), reads as the quote and the address.
    await library.bringToFront();
    if (mode === 'mouse') await library.click('[data-testid=search]');
    else await typeInto(library, '[data-testid=search]', '', 'keyboard');
    await chord(library, 'Control', 'KeyV');
    const citation = await library.$eval('[data-testid=search]', (el) => (el as HTMLInputElement).value);
    expect(citation).toContain(SECOND);
    // The citation names the article's own address (its canonical link), not the mirror it was read on.
    expect(citation).toContain('https://news.example.kz/a/maqsat-kinalau-emes/33456789.html');
    await chord(library, 'Control', 'KeyA');
    await library.keyboard.press('Backspace');

    // Save: the popup's button (mouse) or Alt+Shift+S on the page (keyboard).
    await article.bringToFront();
    let popup: Page;
    if (mode === 'mouse') {
      popup = await a.openPopupFor(article);
      await popup.click('[data-testid=save-page]');
      await until('“saved”', async () => (await textOf(popup, '[data-testid=save-status]')) === say('saveDone', '1'), 90_000);
    } else {
      await chord(article, 'Alt', 'Shift', 'KeyS');
      popup = await a.openPopupFor(article);
    }
    await popup.waitForSelector('[data-testid=open-copy]', { timeout: 90_000 });
    expect(await textOf(popup, '[data-testid=claim-count]')).toContain('2');
    await activate(popup, '[data-testid=open-copy]', mode);
    const reader = await pageAt(a.browser, (u) => u.includes('/reader.html'));
    // The quotes as shown at one moment (the reader re-reads its copy when the screenshot or time-stamp lands, and its list is drawn again).
    let quotes: string[] = [];
    await until('both claims in the reader', async () => (quotes = await reader.$$eval('[data-testid=claims] .claim .quote', (els) => els.map((e) => e.textContent ?? ''))).length === 2, 45_000).catch(async (err) => {
      await reader.screenshot({ path: artifactPath(`journey-firefox-${lang}-${mode}-reader-fail.png`) });
      throw new Error(`${(err as Error).message}; the reader (${await reader.evaluate(() => location.href)}) shows: ${(await textOf(reader, 'body')).slice(0, 400)}`);
    });
    expect(quotes[0]).toContain(FIRST);
    expect(quotes[1]).toContain(SECOND);
    expect(await reader.$$eval('[data-testid=claims] .claim .tags .chip', (els) => els.map((e) => e.textContent))).toEqual([story.tag, story.tag]);
    expect(await textOf(reader, '[data-testid=claims] .claim .note')).toBe(story.note);
    await reader.screenshot({ path: artifactPath(`journey-firefox-${lang}-${mode}-reader.png`) });

    // The library: the note's word finds the article; export everything.
    await library.bringToFront();
    await typeInto(library, '[data-testid=search]', story.search, mode);
    await until('the search result', async () => (await textOf(library, '[data-testid=search-results]')).includes(story.search));
    await activate(library, '[data-testid=export-all]', mode);
    const file = await downloaded(a.downloads, /\.wacz$/);
    if (mode === 'keyboard') await until('the focus still on Export', () => hasFocus(library, '[data-testid=export-all]'));

    // Another profile, first run: import the file, find the note.
    b = await launchFirefox(lang);
    const other = await b.openExtensionPage('library.html');
    await until('the empty library', async () => (await textOf(other, '[data-testid=empty]')) === say('libraryEmpty'));
    await b.answerFileDialog(file);
    await openFileDialog(other, 'label.button:has([data-testid=import-file])', mode);
    await other.waitForSelector('[data-testid=import-summary]', { timeout: 60_000 });
    expect(await textOf(other, '[data-testid=import-summary]')).toContain(say('libImportSummary', '2', '0', '0', '1', '0', '1'));
    await typeInto(other, '[data-testid=search]', story.search, mode);
    await until('the imported note found', async () => (await textOf(other, '[data-testid=search-results]')).includes(story.search));
    await other.screenshot({ path: artifactPath(`journey-firefox-${lang}-${mode}-imported.png`) });
  });
}

describe('journey (Firefox ESR, en, mouse)', () => journey('en', 'mouse'));
describe('journey (Firefox ESR, kk, keyboard only)', () => journey('kk', 'keyboard'));

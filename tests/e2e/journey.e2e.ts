/**
 * Journeys (issue 22), in Chromium, in English and in Kazakh: a person's whole
 * story, driven only through the person layer (person.ts, highlight-helpers.ts):
 * the mouse on what is shown, the keyboard, the file dialog; reading what the
 * screen says.
 *
 * First run (an empty library) → open an article → select with the mouse →
 * highlight → Tag: type a new tag, Enter → a second claim: type the tag's
 * start, the type-ahead offers it, Enter takes it → Note: type, Ctrl+Enter →
 * Cite: copy, paste it → save → the saved copy in the reader, with both claims,
 * the tag and the note → the library finds the note → export everything →
 * a second profile (another person, another machine) imports the file and finds
 * the claim and its note.
 *
 * Twice per language: with the mouse, and with the keyboard only (Tab, Enter,
 * Space, Escape, Alt+Shift+H, Alt+Shift+S, Ctrl+Enter). The one mouse act left
 * in the keyboard story is selecting the text: a page's text cannot be selected
 * from the keyboard without caret browsing (F7), which asks in a dialog first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, serveFixtures, artifactPath, openPopupFor, type Session } from './harness';
import { clickControl, escapeToolbar, focusedControl, selectWithMouse, uiText, waitControl, waitFocus } from './highlight-helpers';
import { activate, chooseFile, hasFocus, opensTab, pasted, tabToControl, typeInto, words, type Lang } from './person';
import type { FixtureServer } from '../../scripts/server.mjs';

const FIRST = 'Бельгия астанасы Брюссельде болып';
const SECOND = 'Қазақстан Еуропаға қажет 34 сирек металдың 21-ін бере алады';
const STORY = {
  en: { tag: 'minerals', prefix: 'min', note: 'Check the 21 of 34 figure with the ministry', search: 'ministry' },
  kk: { tag: 'минерал', prefix: 'мин', note: 'Министрліктен 34 саны бойынша сұрау', search: 'Министрліктен' },
};

let server: FixtureServer;
beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await server?.close();
});

type Mode = 'mouse' | 'keyboard';

/** Open a panel of the toolbar (Tag, Note, Cite): click it, or Tab to it and press Enter (Space for Note). */
async function openPanel(page: Page, key: 'tag' | 'note' | 'cite', mode: Mode): Promise<void> {
  if (mode === 'mouse') return clickControl(page, key);
  await tabToControl(page, key);
  await page.keyboard.press(key === 'note' ? 'Space' : 'Enter');
}

/** Mark the selection: a colour button (mouse) or Alt+Shift+H (keyboard). Saqta says so. */
async function highlight(page: Page, mode: Mode, say: ReturnType<typeof words>): Promise<void> {
  if (mode === 'mouse') await clickControl(page, 'c-green');
  else await page.keyboard.press('Alt+Shift+H');
  await waitControl(page, 'delete');
  await expect.poll(() => uiText(page)).toContain(say('hlToastCreated'));
}

function journey(lang: Lang, mode: Mode) {
  const say = words(lang);
  const story = STORY[lang];
  let a: Session | undefined;
  let b: Session | undefined;
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it(`${lang}, ${mode}: first run → highlight → tag (type-ahead) → note → cite → save → reader → library search → export → import on a second profile`, { timeout: 300_000 }, async () => {
    a = await launch({ lang });
    await a.context.grantPermissions(['clipboard-read', 'clipboard-write']);

    // First run: the library is empty and says how to start.
    const empty = await a.openExtensionPage('library.html');
    await expect.poll(() => empty.getByTestId('empty').textContent()).toBe(say('libraryEmpty'));
    await empty.close();

    // The article; the first claim, with a new tag.
    const article = await a.context.newPage();
    await article.goto(`${server.origin}/seed/index.html`);
    await article.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);
    await selectWithMouse(article, FIRST, 1);
    await highlight(article, mode, say);
    await openPanel(article, 'tag', mode);
    await waitFocus(article, 'tag-input'); // typing goes to the field at once
    await article.keyboard.type(story.tag);
    await article.keyboard.press('Enter');
    await waitControl(article, `rm-${story.tag}`);
    // Escape closes the panel and the focus is back on its button; Escape again closes the toolbar.
    await article.keyboard.press('Escape');
    await expect.poll(() => focusedControl(article)).toBe('tag');
    await escapeToolbar(article);

    // The second claim: the tag's first letters, the type-ahead offers the tag, Enter takes it.
    await selectWithMouse(article, SECOND, 1);
    await highlight(article, mode, say);
    await openPanel(article, 'tag', mode);
    await waitFocus(article, 'tag-input');
    await article.keyboard.type(story.prefix);
    await expect.poll(() => uiText(article)).toContain(story.tag);
    await article.keyboard.press('Enter');
    await waitControl(article, `rm-${story.tag}`);
    expect(await focusedControl(article)).toBe('tag-input');
    await article.keyboard.press('Escape');
    await expect.poll(() => focusedControl(article)).toBe('tag');

    // A note: typed at once, Ctrl+Enter saves it (Saqta says the claim changed).
    await openPanel(article, 'note', mode);
    await waitFocus(article, 'note-input');
    await article.keyboard.type(story.note);
    await article.keyboard.press('Control+Enter');
    await expect.poll(() => uiText(article)).toContain(say('hlToastUpdated'));
    await article.keyboard.press('Escape');
    await expect.poll(() => focusedControl(article)).toBe('note');

    // Cite: the panel's first button has the focus; copy, and the citation is what a paste gives.
    await openPanel(article, 'cite', mode);
    await waitFocus(article, 'cite-text');
    if (mode === 'mouse') await clickControl(article, 'cite-text');
    else await article.keyboard.press('Enter');
    await expect.poll(() => uiText(article)).toContain(say('citeCopied'));
    const citation = await pasted(article);
    expect(citation).toContain(SECOND);
    // The citation names the article's own address (its canonical link), not the mirror it was read on.
    expect(citation).toContain('https://news.example.kz/a/maqsat-kinalau-emes/33456789.html');
    await article.keyboard.press('Escape');
    await expect.poll(() => focusedControl(article)).toBe('cite');
    await article.screenshot({ path: artifactPath(`journey-${lang}-${mode}-page.png`) });
    await escapeToolbar(article);

    // Save: the popup's button (mouse) or Alt+Shift+S on the page (keyboard); the popup says it is saved.
    let popup: Page;
    if (mode === 'mouse') {
      popup = await openPopupFor(a, article);
      await popup.getByTestId('save-page').click();
      await expect.poll(() => popup.getByTestId('save-status').textContent(), { timeout: 60_000 }).toBe(say('saveDone', '1'));
      expect(await hasFocus(popup.getByTestId('save-page')), 'the focus stays on Save while and after it saves').toBe(true);
    } else {
      await article.keyboard.press('Alt+Shift+S');
      popup = await openPopupFor(a, article);
    }
    await expect.poll(() => popup.getByTestId('claim-count').textContent()).toContain('2');
    const openCopy = popup.getByTestId('open-copy');
    await openCopy.waitFor({ timeout: 60_000 });

    // The saved copy in the reader: both claims in page order, the tag on both, the note.
    const reader = await opensTab(popup, () => activate(popup, openCopy, mode));
    const claims = reader.locator('[data-testid=claims] .claim');
    await expect.poll(() => claims.count(), { timeout: 20_000 }).toBe(2);
    expect(await claims.locator('.quote').allTextContents()).toEqual([expect.stringContaining(FIRST), expect.stringContaining(SECOND)]);
    expect(await claims.nth(0).locator('.tags .chip').allTextContents()).toEqual([story.tag]);
    expect(await claims.nth(1).locator('.tags .chip').allTextContents()).toEqual([story.tag]);
    expect(await claims.nth(1).locator('.note').textContent()).toBe(story.note);
    await reader.screenshot({ path: artifactPath(`journey-${lang}-${mode}-reader.png`) });

    // The library, from the popup: the note's word finds the article.
    const popup2 = await openPopupFor(a, article);
    const library = await opensTab(popup2, () => activate(popup2, popup2.getByRole('button', { name: say('openLibrary') }), mode));
    const search = library.getByTestId('search');
    await typeInto(library, search, story.search, mode);
    const results = library.getByTestId('search-results');
    await expect.poll(() => results.textContent(), { timeout: 20_000 }).toContain(story.search);

    // Export everything: the browser downloads one file.
    const [download] = await Promise.all([library.waitForEvent('download'), activate(library, library.getByTestId('export-all'), mode)]);
    const file = artifactPath(`journey-${lang}-${mode}.wacz`);
    await download.saveAs(file);
    // The focus stayed on the button (a button disabled while busy would have dropped it to the page's start).
    if (mode === 'keyboard') await expect.poll(() => hasFocus(library.getByTestId('export-all'))).toBe(true);

    // Another profile, first run: import the file, find the claim and its note.
    b = await launch({ lang });
    const other = await b.openExtensionPage('library.html');
    await expect.poll(() => other.getByTestId('empty').textContent()).toBe(say('libraryEmpty'));
    await chooseFile(other, other.locator('label.button', { has: other.getByTestId('import-file') }), file, mode);
    const summary = other.getByTestId('import-summary');
    await summary.waitFor({ timeout: 60_000 });
    expect(await summary.textContent()).toContain(say('libImportSummary', '2', '0', '0', '1', '0', '1'));
    await typeInto(other, other.getByTestId('search'), story.search, mode);
    await expect.poll(() => other.getByTestId('search-results').textContent(), { timeout: 20_000 }).toContain(story.search);
    await other.screenshot({ path: artifactPath(`journey-${lang}-${mode}-imported.png`) });
  });
}

for (const lang of ['en', 'kk'] as const) {
  describe(`journey (Chromium, ${lang}, mouse)`, () => journey(lang, 'mouse'));
  describe(`journey (Chromium, ${lang}, keyboard only)`, () => journey(lang, 'keyboard'));
}

/**
 * The saved copy is a place to work (issue 15), in Chromium with the built
 * extension, driven as a person: the reader page's toolbar (colours, tags
 * with type-ahead, note, edit) makes and edits the same claim the live page
 * shows; copy with citation from the in-page toolbar, the side panel, the
 * reader and the library, read back from the clipboard; the library's claim
 * rows open the reader scrolled to the claim, flashing. In English and in
 * Kazakh, and in Kazakh with the site stopped (451).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popupWithOffer } from './fallback-offer';
import type { Page } from 'playwright-core';
import { launch, serveFixtures, artifactPath, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { pageKeys } from '../../utils/url';
import type { Annotation } from '../../utils/annotation';
import type { CaptureRecord, PageRecord } from '../../utils/db';
import { clickControl, controlBox, makeClaim, selectWithMouse, settledAnchors, uiText, waitControl, waitFocus } from './highlight-helpers';

const QUOTE = 'Қазақстан Еуропаға қажет 34 сирек металдың 21-ін бере алады';
const SECOND = 'Бельгия астанасы Брюссельде болып';

let server: FixtureServer;

beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await server?.close();
});

async function ask<T>(page: Page, msg: object): Promise<T> {
  const res = (await page.evaluate((m) => chrome.runtime.sendMessage(m), msg)) as { ok: boolean; value: T; error?: { message: string } };
  if (!res.ok) throw new Error(res.error?.message);
  return res.value;
}

/** What the clipboard holds, read from a page (after bringing it to the front, as a person would paste there). */
async function clipboard(page: Page): Promise<string> {
  await page.bringToFront();
  return page.evaluate(() => navigator.clipboard.readText());
}

async function clearClipboard(page: Page): Promise<void> {
  await page.bringToFront();
  await page.evaluate(() => navigator.clipboard.writeText(''));
}

/** Wait for the clipboard to hold something, and return it. */
async function copied(page: Page): Promise<string> {
  let text = '';
  await expect.poll(async () => (text = await clipboard(page)), { timeout: 10_000 }).not.toBe('');
  return text;
}

/** The citation carries the quote, the URL, the capture time (UTC) and the snapshot's hash. */
function expectCitation(text: string, quote: string, url: string, capture: CaptureRecord, lang: 'en' | 'kk', markdown = false) {
  const snapshot = capture.artifacts.find((a) => a.kind === 'snapshot')!;
  const stamp = `${capture.capturedAt.slice(0, 16).replace('T', ' ')} UTC`;
  expect(text).toContain(quote);
  expect(text).toContain(url);
  expect(text).toContain(stamp);
  expect(text).toContain(snapshot.sha256);
  if (markdown) expect(text).toContain(`> ${quote}`);
  else if (lang === 'kk') expect(text).toContain(`«${quote}`);
  else expect(text).toContain(`“${quote}`);
  expect(text).toContain(lang === 'kk' ? 'Сақталған уақыты' : 'Captured');
}

/** Center of the first painted rect of a claim in the reader (Custom Highlight API, readable in Saqta's own page). */
async function readerClaimPoint(reader: Page, color: string): Promise<{ x: number; y: number }> {
  const p = await reader.evaluate((c) => {
    const h = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get(`saqta-${c}`);
    const range = h ? [...h][0] : null;
    if (!range) return null;
    range.startContainer.parentElement!.scrollIntoView({ block: 'center' });
    const r = range.getClientRects()[0];
    return { x: r.left + Math.min(20, r.width / 2), y: r.top + r.height / 2 };
  }, color);
  if (!p) throw new Error(`no ${color} claim painted in the reader`);
  return p;
}

/**
 * The whole walk in one language: save the live page, make a claim in the
 * reader with tags and a note, reload, edit it, see it on the live page, and
 * copy its citation from the four places.
 */
function walk(lang: 'en' | 'kk') {
  let session: Session;
  let helper: Page;
  let seedUrl: string;
  let pageId: string;
  let capture: CaptureRecord;
  let claimId: string;

  beforeAll(async () => {
    session = await launch({ lang });
    seedUrl = `${server.origin}/seed/index.html`;
    // Every origin (an extension origin cannot be named here): the test reads what was copied.
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    helper = await session.openExtensionPage('options.html');
  });
  afterAll(async () => {
    await session?.close();
  });

  it(`${lang}: a claim made in the reader with the toolbar (colour, tags, note) survives a reload, is edited there, and is the live page's claim`, async () => {
    const live = await session.context.newPage();
    await live.goto(seedUrl);
    await live.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);
    const tabId = await tabIdOf(session, live);
    const saved = await ask<{ pageId: string; capture: CaptureRecord }>(helper, { type: 'save.page', tabId, wait: 'screenshot' });
    pageId = saved.pageId;
    capture = saved.capture;

    const reader = await session.openExtensionPage(`reader.html?page=${encodeURIComponent(pageId)}`);
    await reader.getByTestId('article-body').locator('p').first().waitFor();
    // A tag both claims will share, to check the type-ahead offers it.
    await makeClaim(reader, QUOTE, 1, { color: 'green', tags: ['minerals'], note: 'Check the 21 of 34 figure' });
    const card = reader.locator('[data-testid=claims] .claim').first();
    await card.locator('.note').waitFor();
    expect(await card.locator('.quote').textContent()).toContain(QUOTE);
    expect(await card.locator('.tags .chip').allTextContents()).toEqual(['minerals']);
    expect(await card.locator('.note').textContent()).toBe('Check the 21 of 34 figure');

    // A second claim further up: the list is in page order, not creation order.
    // The same shortcut as on live pages: Alt+Shift+H highlights the selection in the last colour used.
    await selectWithMouse(reader, SECOND, 1);
    await reader.keyboard.press('Alt+Shift+H');
    await waitControl(reader, 'delete');
    await expect.poll(() => reader.locator('[data-testid=claims] .claim').count()).toBe(2);
    expect(await reader.locator('[data-testid=claims] .claim').first().getAttribute('data-color')).toBe('green');
    await clickControl(reader, 'c-yellow');
    await expect.poll(() => reader.evaluate(() => (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-yellow')?.size ?? 0)).toBe(1);
    await reader.keyboard.press('Escape');
    await expect.poll(() => reader.locator('[data-testid=claims] .claim').count()).toBe(2);
    const quotes = await reader.locator('[data-testid=claims] .claim .quote').allTextContents();
    expect(quotes[0]).toContain(SECOND);
    expect(quotes[1]).toContain(QUOTE);

    await reader.reload();
    await reader.locator('[data-testid=claims] .claim .note').waitFor();
    expect(await reader.locator('[data-testid=claims] .claim .note').textContent()).toBe('Check the 21 of 34 figure');

    // Edit in the reader: click the highlight, recolour, add a tag picked from the type-ahead.
    const at = await readerClaimPoint(reader, 'green');
    await reader.mouse.click(at.x, at.y);
    await waitControl(reader, 'delete');
    await clickControl(reader, 'c-blue');
    await expect.poll(() => reader.evaluate(() => (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-blue')?.size ?? 0)).toBe(1);
    await clickControl(reader, 'tag');
    await waitFocus(reader, 'tag-input');
    await reader.keyboard.type('evi');
    await reader.keyboard.press('Enter');
    await waitControl(reader, 'rm-evi');
    await reader.keyboard.press('Escape');
    await expect.poll(() => reader.locator('[data-testid=claims] .claim[data-color=blue] .tags .chip').allTextContents()).toEqual(['minerals', 'evi']);

    // The same claim on the live page: one record, its text painted there, its edits there.
    const view = await ask<{ annotations: Annotation[] }>(helper, { type: 'page.get', keys: pageKeys(seedUrl) });
    const mine = view.annotations.find((a) => a.target.selector.some((s) => s.type === 'TextQuoteSelector' && s.exact === QUOTE))!;
    expect(mine.body).toEqual({ color: 'blue', tags: ['minerals', 'evi'], note: 'Check the 21 of 34 figure' });
    claimId = mine.id;
    await live.reload();
    const rep = await settledAnchors(session, tabId, 2);
    expect(rep.claims.map((c) => c.text)).toEqual([SECOND, QUOTE]);

    await reader.bringToFront();
    await readerClaimPoint(reader, 'blue');
    await reader.mouse.click(...(Object.values(await readerClaimPoint(reader, 'blue')) as [number, number]));
    await clickControl(reader, 'cite');
    await waitControl(reader, 'cite-text');
    await reader.screenshot({ path: artifactPath(`reader-toolbar-${lang}.png`) });
    await reader.keyboard.press('Escape');
    await reader.close();
    await live.close();
  });

  it(`${lang}: copy with citation from the page's toolbar, the side panel, the reader and the library`, async () => {
    // Every view cites the article's canonical URL (the seed names one), not the address it was read at (issue 22).
    const url = 'https://news.example.kz/a/maqsat-kinalau-emes/33456789.html';
    expect(capture.url).not.toBe(url);
    // 1. The live page's toolbar: click the highlight, Cite, Copy as text.
    const live = await session.context.newPage();
    await live.goto(seedUrl);
    const tabId = await tabIdOf(session, live);
    await settledAnchors(session, tabId, 2);
    await session.worker.evaluate(([id, claim]) => chrome.tabs.sendMessage(id as number, { command: 'scroll-to', annotationId: claim }), [tabId, claimId]);
    const rep = await settledAnchors(session, tabId, 2);
    const box = rep.claims.find((c) => c.id === claimId)!.boxes[0];
    await clearClipboard(live);
    await live.mouse.click(box.x + Math.min(20, box.width / 2), box.y + box.height / 2);
    await clickControl(live, 'cite');
    await clickControl(live, 'cite-text');
    expectCitation(await copied(live), QUOTE, url, capture, lang);
    expect(await uiText(live)).toContain(lang === 'kk' ? 'Дәйексөз көшірілді' : 'Citation copied');
    // Markdown from the same panel.
    await clearClipboard(live);
    await clickControl(live, 'cite');
    if (!(await controlBox(live, 'cite-md'))) await clickControl(live, 'cite');
    await clickControl(live, 'cite-md');
    expectCitation(await copied(live), QUOTE, url, capture, lang, true);

    // 2. The side panel.
    const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    const card = panel.locator(`[data-testid=claims] .claim[data-claim-id="${claimId}"]`);
    await card.waitFor();
    await clearClipboard(panel);
    await card.getByTestId('cite-text').click();
    expectCitation(await copied(panel), QUOTE, url, capture, lang);
    await card.getByTestId('cite-md').click();
    await expect.poll(() => clipboard(panel)).toContain(`> ${QUOTE}`);
    await panel.close();
    await live.close();

    // 3. The reader's list.
    const reader = await session.openExtensionPage(`reader.html?page=${encodeURIComponent(pageId)}`);
    const rcard = reader.locator(`[data-testid=claims] .claim[data-claim-id="${claimId}"]`);
    await rcard.waitFor();
    await clearClipboard(reader);
    await rcard.getByTestId('cite-text').click();
    expectCitation(await copied(reader), QUOTE, url, capture, lang);
    await expect.poll(() => rcard.locator('.cite-status').textContent()).toBe(lang === 'kk' ? 'Дәйексөз көшірілді' : 'Citation copied');
    await reader.close();

    // 4. The library's claim row.
    const library = await session.openExtensionPage('library.html');
    await library.getByTestId('tab-claims').click();
    const row = library.locator(`[data-testid=claims] [data-claim-id="${claimId}"]`);
    await row.waitFor();
    await clearClipboard(library);
    await row.getByTestId('cite-text').click();
    expectCitation(await copied(library), QUOTE, url, capture, lang);
    await library.close();
  });

  return {
    get session() {
      return session;
    },
    get ids() {
      return { pageId, claimId, seedUrl, helper };
    },
  };
}

describe('the reader as a place to work (Chromium, en)', () => {
  const w = walk('en');

  it('en: a library claim row opens the reader scrolled to the claim, and the claim flashes; the tag groups its claims by article', async () => {
    const { claimId, pageId } = w.ids;
    const library = await w.session.openExtensionPage('library.html');
    await library.getByTestId('tab-claims').click();
    const link = library.locator(`[data-testid=claims] [data-claim-id="${claimId}"] [data-testid=open-claim]`);
    await link.waitFor();
    await library.screenshot({ path: artifactPath('library-claims-cite-en.png') });
    expect(await link.getAttribute('href')).toBe(`reader.html?page=${encodeURIComponent(pageId)}&claim=${encodeURIComponent(claimId)}`);
    await link.click();
    await library.waitForURL(/reader\.html/);
    // The claim flashes (its own highlight, on top of its colour) and is on screen.
    await library.waitForFunction(() => (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-flash')?.size === 1);
    const place = await library.evaluate(() => {
      const range = [...(CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-flash')!][0];
      const r = range.getBoundingClientRect();
      return { text: range.toString(), top: r.top, bottom: r.bottom, height: innerHeight, scrollY };
    });
    expect(place.text.replace(/\s+/g, ' ')).toBe(QUOTE);
    expect(place.scrollY).toBeGreaterThan(100);
    expect(place.top).toBeGreaterThan(40);
    expect(place.bottom).toBeLessThan(place.height);
    await library.screenshot({ path: artifactPath('reader-from-library-en.png') });
    // The flash ends by itself.
    await library.waitForFunction(() => !(CSS as unknown as { highlights: Map<string, unknown> }).highlights.has('saqta-flash'), undefined, { timeout: 5000 });

    // The tag's claims grouped by article, from the Tags tab.
    await library.goto(`chrome-extension://${w.session.extensionId}/library.html`);
    await library.getByTestId('tab-tags').click();
    await library.locator('[data-tag="minerals"] [data-testid=tag-by-article]').click();
    const groups = library.getByTestId('tag-groups');
    await groups.waitFor();
    expect(await groups.locator('section h3').allTextContents()).toEqual([expect.stringContaining('Мақсат')]);
    expect(await groups.locator(`[data-claim-id="${claimId}"] [data-testid=open-claim]`).textContent()).toBe(QUOTE);
    await library.screenshot({ path: artifactPath('library-tag-groups-en.png') });
    await library.close();
  });
});

describe('the reader as a place to work (Chromium, kk)', () => {
  const w = walk('kk');

  it('kk: with the site stopped (451), the fallback opens the copy, and a claim made there with a tag and a note is the live page’s', async () => {
    const { seedUrl, helper } = w.ids;
    server.override('/seed/index.html', { status: 451 });
    try {
      const page = await w.session.context.newPage();
      await page.goto(seedUrl).catch(() => undefined);
      // The site's 451 answer stays in the tab; Saqta's popup offers the copy, one click opens it there.
      const offer = await popupWithOffer(w.session, seedUrl);
      expect(page.url()).toBe(seedUrl);
      await offer.getByTestId('open-my-copy').click();
      await page.waitForURL(/reader\.html/);
      await page.locator('[data-testid=claims] .claim').nth(1).waitFor();
      const third = 'Сондай-ақ Азаттық радиосы сайтының бұғатталғаны да жазылған.';
      await makeClaim(page, third, 1, { color: 'pink', tags: ['бұғаттау'], note: 'Сайт жабық кезде жасалды' });
      await expect.poll(() => page.locator('[data-testid=claims] .claim').count()).toBe(3);
      // Type-ahead: "min" offers the tag the other claim has; Enter takes it.
      await page.mouse.click(...(Object.values(await readerClaimPoint(page, 'pink')) as [number, number]));
      await clickControl(page, 'tag');
      await waitFocus(page, 'tag-input');
      await page.keyboard.type('min');
      await expect.poll(() => uiText(page)).toContain('minerals');
      await page.keyboard.press('Enter');
      await waitControl(page, 'rm-minerals');
      await page.keyboard.press('Escape');
      // Page order: the new claim is the last of the three.
      expect(await page.locator('[data-testid=claims] .claim .quote').last().textContent()).toContain(third);
      expect(await page.locator('[data-testid=claims] .claim .note').last().textContent()).toBe('Сайт жабық кезде жасалды');
      await page.screenshot({ path: artifactPath('reader-list-kk.png'), fullPage: false });
      const view = await ask<{ annotations: Annotation[]; page: PageRecord }>(helper, { type: 'page.get', keys: pageKeys(seedUrl) });
      const made = view.annotations.find((a) => a.body.note === 'Сайт жабық кезде жасалды')!;
      expect(made.body).toEqual({ color: 'pink', tags: ['бұғаттау', 'minerals'], note: 'Сайт жабық кезде жасалды' });
      await page.close();
    } finally {
      server.override('/seed/index.html', null);
    }
    // The site is back: the live page shows the claim made while it was stopped.
    const live = await w.session.context.newPage();
    await live.goto(seedUrl);
    const rep = await settledAnchors(w.session, await tabIdOf(w.session, live), 3);
    expect(rep.claims.map((c) => c.text).at(-1)).toBe('Сондай-ақ Азаттық радиосы сайтының бұғатталғаны да жазылған.');
    await live.close();
  });
});

/**
 * Issue 22, found with the keyboard only: after the page opens, Tab, Enter and
 * typing — no mouse. Where does the focus ring go when the control it was on
 * goes away or is busy? Deleting a claim card (side panel, reader), a tag
 * change in the library's Tags panel, "Check now" in the Timeline: never to
 * <body>, where a keyboard user must start again from the top.
 * The article's claims are set up (as a person made them earlier) with the harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { artifactPath, launch, request, serveFixtures, tabIdOf, type Session } from './harness';
import { focusRingShown, hasFocus, tabTo, words } from './person';
import type { FixtureServer } from '../../scripts/server.mjs';

let server: FixtureServer;
let session: Session;
let tabId: number;
let pageId: string;
const en = words('en');

beforeAll(async () => {
  server = await serveFixtures();
  session = await launch({ lang: 'en' });
  const article = await session.context.newPage();
  await article.goto(`${server.origin}/seed/index.html`, { waitUntil: 'load' });
  tabId = await tabIdOf(session, article);
  await session.worker.evaluate(
    (id) =>
      chrome.tabs.sendMessage(id, {
        command: 'highlight-spans',
        spans: [{ start: 400, end: 460 }, { start: 900, end: 960 }, { start: 1300, end: 1360 }, { start: 1600, end: 1660 }, { start: 1900, end: 1960 }],
        tags: ['torture', 'EU letter', 'азаптау'],
      }),
    tabId,
  );
  const saved = await request<{ ok: boolean; value: { pageId: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
  if (!saved.ok) throw new Error(`save failed: ${JSON.stringify(saved)}`);
  pageId = saved.value.pageId;
}, 180_000);
afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** What has the focus, as a person reads it. */
const focusedText = (page: Page) => page.evaluate(() => (document.activeElement === document.body ? '(body)' : `${document.activeElement?.localName}: ${document.activeElement?.textContent?.trim()}`));

/** The quote texts of the cards, top to bottom. */
const quotes = (cards: Locator) => cards.locator('[data-nav]').allTextContents();

describe('keyboard only: the focus is never dropped', () => {
  it('reader: deleting a card moves the focus to the next card', async () => {
    const reader = await session.openExtensionPage(`reader.html?page=${encodeURIComponent(pageId)}`);
    const cards = reader.locator('[data-testid=claims] article.claim');
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(5);
    const before = await quotes(cards);
    await tabTo(reader, cards.nth(0).getByRole('button', { name: en('hlDelete') }), { max: 80 });
    await reader.keyboard.press('Enter');
    await expect.poll(() => cards.count()).toBe(4);
    await expect.poll(() => hasFocus(cards.nth(0))).toBe(true);
    expect(await focusedText(reader)).toContain(before[1]!.slice(-20).trim());
    expect(await focusRingShown(cards.nth(0))).toBe(true);
    await reader.close();
  });

  it('library Tags panel: Rename keeps the focus on its button; a deleted row hands it to the next row’s name', async () => {
    const lib = await session.openExtensionPage('library.html');
    await tabTo(lib, lib.getByTestId('tab-tags'), { max: 80 });
    await lib.keyboard.press('Enter');
    const rows = lib.locator('[data-testid=tags] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    const names = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-tag')!));

    // Rename the first tag with its button: while it runs the button is marked busy, and the focus stays.
    const field = rows.nth(0).locator('input[id^=tag-]');
    await tabTo(lib, field, { max: 30 });
    await lib.keyboard.press('End');
    await lib.keyboard.type(' 2026');
    await lib.keyboard.press('Tab');
    const rename = rows.nth(0).getByRole('button', { name: en('libRename') });
    expect(await hasFocus(rename)).toBe(true);
    await lib.keyboard.press('Enter');
    await lib.locator(`[data-testid=tags] tr[data-tag="${names[0]} 2026"]`).waitFor();
    await expect.poll(() => lib.getByTestId('tag-busy').isHidden()).toBe(true);
    expect(await focusedText(lib)).toBe(`button: ${en('libRename')}`);
    expect(await hasFocus(lib.locator(`[data-testid=tags] tr[data-tag="${names[0]} 2026"]`))).toBe(true);

    // Delete the first row (the browser asks first; Enter says OK): the next row's name field has the focus.
    lib.on('dialog', (d) => void d.accept());
    const del = lib.locator(`[data-testid=tags] tr[data-tag="${names[0]} 2026"]`).getByRole('button', { name: en('libDelete') });
    await tabTo(lib, del, { max: 20 });
    await lib.keyboard.press('Enter');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    const next = lib.locator(`[data-testid=tags] tr[data-tag="${names[1]}"] input[id^=tag-]`);
    await expect.poll(() => hasFocus(next)).toBe(true);
    expect(await focusRingShown(next)).toBe(true);
    await lib.screenshot({ path: artifactPath('focus-tags-after-delete-en.png') });
    await lib.close();
  });

  it('Timeline: Check now keeps the focus while the check runs and after', async () => {
    const lib = await session.openExtensionPage('library.html');
    await lib.locator('[data-testid=articles] [data-page-id]').first().waitFor();
    await tabTo(lib, lib.getByTestId('open-timeline').first(), { max: 80 });
    await lib.keyboard.press('Enter');
    const timeline = lib.getByTestId('timeline');
    await timeline.waitFor();
    const checks = () => timeline.getByTestId('timeline-check').count();
    const had = await checks();
    const button = lib.getByTestId('check-now');
    await tabTo(lib, button, { max: 10 });
    await lib.keyboard.press('Enter');
    // While it runs: still on the button, which says it is checking.
    expect(await hasFocus(button)).toBe(true);
    await expect.poll(checks, { timeout: 60_000 }).toBeGreaterThan(had);
    await expect.poll(() => button.getAttribute('aria-busy')).toBe(null);
    expect(await hasFocus(button)).toBe(true);
    expect(await focusRingShown(button)).toBe(true);
    await lib.close();
  });

  it('side panel: deleting a card moves the focus to the next card, else the previous, else the heading', async () => {
    const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    const cards = panel.locator('[data-testid=claims] article.claim');
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(4);
    const before = await quotes(cards);

    // The first card's Delete: the second card (now first) takes the focus.
    await tabTo(panel, cards.nth(0).getByRole('button', { name: en('hlDelete') }), { max: 60 });
    await panel.keyboard.press('Enter');
    await expect.poll(() => cards.count()).toBe(3);
    await expect.poll(() => focusedText(panel)).toContain(before[1]!.slice(-20).trim());
    expect(await hasFocus(cards.nth(0))).toBe(true);
    expect(await focusRingShown(cards.nth(0))).toBe(true);

    // The last card's Delete: no next card, the previous one takes the focus.
    await tabTo(panel, cards.nth(2).getByRole('button', { name: en('hlDelete') }), { max: 60 });
    await panel.keyboard.press('Enter');
    await expect.poll(() => cards.count()).toBe(2);
    await expect.poll(() => hasFocus(cards.nth(1))).toBe(true);
    expect(await focusedText(panel)).toContain(before[2]!.slice(-20).trim());

    // Down to the last one: the side panel's heading.
    await tabTo(panel, cards.nth(1).getByRole('button', { name: en('hlDelete') }), { max: 60 });
    await panel.keyboard.press('Enter');
    await expect.poll(() => cards.count()).toBe(1);
    await tabTo(panel, cards.nth(0).getByRole('button', { name: en('hlDelete') }), { max: 60, back: true });
    await panel.keyboard.press('Enter');
    await panel.getByTestId('empty').waitFor();
    await expect.poll(() => hasFocus(panel.locator('h1'))).toBe(true);
    expect(await focusRingShown(panel.locator('h1'))).toBe(true);
    await panel.screenshot({ path: artifactPath('focus-sidepanel-heading-en.png') });
    // And Tab goes on from there, into the page, not from the top of nowhere.
    await panel.keyboard.press('Tab');
    expect(await focusedText(panel)).not.toBe('(body)');
    await panel.close();
  });

  it('library: a claim made in another tab reloads the list, and the focus stays on the row’s button', async () => {
    const lib = await session.openExtensionPage('library.html');
    const row = lib.locator(`[data-testid=articles] [data-page-id="${pageId}"]`);
    await row.waitFor({ timeout: 15_000 });
    const timeline = row.getByTestId('open-timeline');
    await tabTo(lib, timeline, { max: 80 });
    const count = row.getByTestId('claim-count');
    const claims = async () => Number(/\d+/.exec((await count.textContent().catch(() => '')) ?? '')?.[0] ?? NaN);
    await expect.poll(claims, { timeout: 15_000 }).not.toBeNaN();
    const had = await claims();
    // In the article's tab, a new claim: the library hears of it and reloads its rows.
    await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'highlight-spans', spans: [{ start: 2200, end: 2260 }], tags: [] }), tabId);
    await expect.poll(claims, { timeout: 15_000 }).toBe(had + 1);
    // The row was not rebuilt under the reader: the same button still has the focus, with its ring.
    expect(await hasFocus(timeline)).toBe(true);
    expect(await focusRingShown(timeline)).toBe(true);
    await lib.close();
  });
});

/**
 * Embedded frames: Saqta's content script runs in the top frame only, so it
 * cannot mark text inside iframes (same-origin, srcdoc or cross-origin). On
 * the hostile shadow-DOM/iframe page (tests/e2e/pages/shadow-iframes.html)
 * the reader is told so where they look: the popup and the side panel say the
 * page shows content in frames and offer to open each framed page on its own;
 * selecting in a frame brings a toast in the page instead of silence, and the
 * highlight command explains why it did nothing. Opened on its own, the framed
 * page is an ordinary page where marking works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, serveFixtures, tabIdOf, dbCounts, artifactPath, type Session } from './harness';
import { clickControl, uiText } from './highlight-helpers';
import type { FixtureServer } from '../../scripts/server.mjs';

const HINT = "Saqta can't mark text inside this embedded frame. Saqta's popup can open the framed page on its own.";
const IN_FRAME = "That text is inside an embedded frame, where Saqta can't mark. Saqta's popup can open the framed page on its own.";

let server: FixtureServer;
let session: Session;
beforeAll(async () => {
  server = await serveFixtures();
  session = await launch({ lang: 'en' });
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('embedded frames', () => {
  it('says clearly that text in frames cannot be marked, and opens a framed page on its own where it can', { timeout: 120_000 }, async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/hostile/shadow-iframes.html`);
    await page.frameLocator('#cross').locator('p').waitFor();
    const tabId = await tabIdOf(session, page);
    const before = await dbCounts(session);

    // The popup says it, and offers the two frames that have an address (the srcdoc frame has none).
    const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.setViewportSize({ width: 360, height: 600 });
    const notice = popup.getByTestId('frames-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain("This page shows part of its content in embedded frames (3). Saqta can't mark text inside them.");
    expect(await notice.getByRole('button').allTextContents()).toEqual(['Open on its own: same-origin frame', 'Open on its own: cross-origin frame']);
    await popup.screenshot({ path: artifactPath('popup-frames-en.png') });

    // The reader selects a sentence inside the same-origin frame with the mouse: the page says why no toolbar comes.
    await page.bringToFront();
    await page.frameLocator('#same').locator('p').click({ clickCount: 3 });
    await expect.poll(() => uiText(page), { timeout: 10_000 }).toContain(HINT);
    expect(await page.frameLocator('#same').locator('p').evaluate(() => getSelection()!.toString())).toContain('Text inside a same-origin frame');
    await page.screenshot({ path: artifactPath('frames-hint-en.png') });
    // The highlight command (Alt+Shift+H, or the context menu) explains itself instead of "nothing selected".
    await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'highlight-selection' }), tabId);
    await expect.poll(() => uiText(page), { timeout: 10_000 }).toContain(IN_FRAME);
    // Going into another frame (cross-origin) brings the hint for that one.
    await page.frameLocator('#cross').locator('p').click({ clickCount: 3 });
    await expect.poll(() => uiText(page), { timeout: 10_000 }).toContain(HINT);
    expect(await dbCounts(session)).toEqual(before);

    // The side panel says it too.
    const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    await panel.setViewportSize({ width: 400, height: 600 });
    await panel.getByTestId('frames-notice').waitFor();
    await panel.screenshot({ path: artifactPath('sidepanel-frames-en.png') });
    await panel.close();

    // Opened on its own, the framed page is an ordinary page: the reader marks the sentence there.
    const opened = session.context.waitForEvent('page');
    await popup.bringToFront();
    await notice.getByRole('button', { name: 'Open on its own: same-origin frame' }).click();
    const framed = await opened;
    await framed.waitForLoadState();
    expect(framed.url()).toBe(`${server.origin}/hostile/frame.html`);
    await framed.waitForTimeout(500);
    await framed.locator('p').click({ clickCount: 3 });
    await clickControl(framed, 'c-green');
    await expect.poll(() => dbCounts(session).then((c) => c.annotations), { timeout: 10_000 }).toBe(before.annotations + 1);
    await Promise.all([framed.close(), popup.close(), page.close()]);
  });
  it('says it in Kazakh, in the dark theme too', { timeout: 60_000 }, async () => {
    const kk = await launch({ lang: 'kk', colorScheme: 'dark' });
    try {
      const page = await kk.context.newPage();
      await page.goto(`${server.origin}/hostile/shadow-iframes.html`);
      const tabId = await tabIdOf(kk, page);
      const popup = await kk.openExtensionPage(`popup.html?tab=${tabId}`);
      await popup.setViewportSize({ width: 360, height: 600 });
      const notice = popup.getByTestId('frames-notice');
      await notice.waitFor();
      expect(await notice.textContent()).toContain('Бұл бет мазмұнының бір бөлігін ендірілген фреймдерде көрсетеді (3). Saqta олардың ішіндегі мәтінді белгілей алмайды.');
      expect(await notice.getByRole('button').allTextContents()).toEqual(['Бөлек ашу: same-origin frame', 'Бөлек ашу: cross-origin frame']);
      await popup.screenshot({ path: artifactPath('popup-frames-kk-dark.png') });
      await page.bringToFront();
      await page.frameLocator('#same').locator('p').click({ clickCount: 3 });
      await expect.poll(() => uiText(page), { timeout: 10_000 }).toContain('Saqta осы ендірілген фреймнің ішіндегі мәтінді белгілей алмайды.');
      await page.screenshot({ path: artifactPath('frames-hint-kk-dark.png'), clip: { x: 0, y: 0, width: 1280, height: 120 } });
    } finally {
      await kk.close();
    }
  });
});

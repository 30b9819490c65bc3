/**
 * The full-page screenshot of a save is evidence of the page, not of the
 * reader's marks: a claim painted on the live page must not be in it, and
 * must be painted again on the page once the save is over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, launch, request, serveFixtures, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { makeClaim, settledAnchors } from './highlight-helpers';
import { yellowIn } from './pixels';

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

async function pageYellow(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<number> {
  // The whole viewport, cropped to the box in the browser.
  const png = await page.screenshot();
  const scratch = await session.context.newPage();
  try {
    return await scratch.evaluate(yellowIn, { src: `data:image/png;base64,${png.toString('base64')}`, box });
  } finally {
    await scratch.close();
  }
}

describe('the save screenshot and the reader’s marks', () => {
  it('a claim on the page is not in the saved screenshot, and is painted again after the save', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/seed/index.html`, { waitUntil: 'load' });
    await page.waitForTimeout(600);
    const tabId = await tabIdOf(session, page);
    const lead = await page.evaluate(() => {
      const p = [...document.querySelectorAll('article p')].find((x) => (x.textContent ?? '').length > 200)!;
      return (p.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 90);
    });
    await makeClaim(page, lead, 1);
    // The reader moves on: no selection left (its colour would mix with the claim's), back at the
    // top of the page, where viewport and page coordinates are the same.
    await page.evaluate(() => {
      document.getSelection()?.removeAllRanges();
      window.scrollTo(0, 0);
    });
    await page.waitForTimeout(200);
    const report = await settledAnchors(session, tabId, 1);
    const scroll = await page.evaluate(() => ({ x: scrollX, y: scrollY, width: document.documentElement.clientWidth }));
    const first = report.claims[0].boxes[0];
    // The first painted line, in page coordinates and in the viewport.
    const inDoc = { x: first.x + scroll.x, y: first.y + scroll.y, width: first.width, height: first.height };
    const before = await pageYellow(page, first);
    expect(before).toBeGreaterThan(0.3); // the claim is painted on the live page

    const saved = await request<{ ok: boolean; value: { pageId: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
    expect(saved.ok).toBe(true);

    const reader = await session.openExtensionPage(`reader.html?page=${encodeURIComponent(saved.value.pageId)}`);
    const link = reader.getByTestId('download-screenshot');
    await link.waitFor();
    const src = (await link.getAttribute('href'))!;
    const inShot = await reader.evaluate(yellowIn, { src, box: inDoc, cssWidth: scroll.width });
    await reader.close();
    expect(inShot).toBeLessThan(0.02);

    // Back on the live page, where the reader was: the claim is painted again.
    await page.evaluate((y) => window.scrollTo(0, y), scroll.y);
    await expect.poll(async () => pageYellow(page, first), { timeout: 10_000 }).toBeGreaterThan(0.3);
    await page.screenshot({ path: artifactPath('screenshot-marks-back.png') });
    await page.close();
  });
});

/**
 * How a highlight looks the moment it is made (issue 11 §3). A person selects
 * text written one <span> per word and presses the yellow button, and does
 * nothing else:
 * - the selection is gone, so the claim shows in its own colour rather than
 *   in the selection's colours mixed with it;
 * - the spaces between the words (text nodes of their own) are painted too,
 *   so the claim is one band per line, not word-sized patches.
 * Read from screenshots, in the browser (tests/e2e/pixels.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, launch, serveFixtures, tabIdOf, type Session } from './harness';
import { clickControl, selectWithMouse, settledAnchors, waitControl } from './highlight-helpers';
import { yellowIn } from './pixels';
import type { FixtureServer } from '../../scripts/server.mjs';

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

const PHRASE = 'announced on Thursday that the winter timetable would start two weeks earlier';

type Box = { x: number; y: number; width: number; height: number };

async function yellowShares(page: Page, boxes: Box[]): Promise<number[]> {
  const png = await page.screenshot();
  const scratch = await session.context.newPage();
  try {
    const src = `data:image/png;base64,${png.toString('base64')}`;
    const out: number[] = [];
    for (const box of boxes) out.push(await scratch.evaluate(yellowIn, { src, box }));
    return out;
  } finally {
    await scratch.close();
  }
}

describe('a highlight as it is made', () => {
  it('shows the claim itself, spaces between word spans included', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/hostile/words.html`, { waitUntil: 'load' });
    const tabId = await tabIdOf(session, page);
    await selectWithMouse(page, PHRASE, 1);
    await clickControl(page, 'c-yellow');
    await waitControl(page, 'delete');
    const report = await settledAnchors(session, tabId, 1);
    expect(report.claims[0].text).toBe(PHRASE);
    // A moment for the paint (the overlay paints in the same task; one frame to show it).
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: artifactPath('highlight-fresh.png'), clip: { x: 0, y: 0, width: 1280, height: 420 } });

    // The selection is gone: the reader sees the claim, not the selection.
    expect(await page.evaluate(() => document.getSelection()?.toString() ?? '')).toBe('');

    // Where each word of the claim is, and the gaps between words on the same line.
    const { words, gaps } = await page.evaluate((phrase) => {
      const spans = [...document.querySelectorAll<HTMLSpanElement>('#words span')];
      const text = spans.map((s) => s.textContent).join(' ');
      const first = text.slice(0, text.indexOf(phrase)).split(' ').length - 1;
      const mine = spans.slice(first, first + phrase.split(' ').length);
      const rect = (s: Element) => s.getBoundingClientRect();
      const words = mine.map((s) => {
        const r = rect(s);
        return { x: r.x, y: r.y + 3, width: r.width, height: r.height - 6 };
      });
      const gaps: Box[] = [];
      for (let i = 1; i < mine.length; i++) {
        const a = rect(mine[i - 1]);
        const b = rect(mine[i]);
        if (Math.abs(a.top - b.top) > 2 || b.left - a.right < 3) continue; // a line break
        gaps.push({ x: a.right + 1, y: a.top + 3, width: b.left - a.right - 2, height: a.height - 6 });
      }
      return { words, gaps };
    }, PHRASE);
    expect(words).toHaveLength(PHRASE.split(' ').length);
    expect(gaps.length).toBeGreaterThanOrEqual(8);

    const [wordShares, gapShares] = [await yellowShares(page, words), await yellowShares(page, gaps)];
    // Words: highlight yellow behind dark glyphs (the selection's blue would leave none).
    expect(wordShares.filter((s) => s < 0.3), `words not shown in the highlight colour: ${wordShares.map((s) => s.toFixed(2))}`).toEqual([]);
    // Gaps: no glyphs there, the highlight only.
    expect(gapShares.filter((s) => s < 0.9), `gaps between words not painted: ${gapShares.map((s) => s.toFixed(2))}`).toEqual([]);

    // The word after the claim is not painted (the claim ends where the reader's selection did).
    const after = await page.evaluate(() => {
      const s = [...document.querySelectorAll('#words span')].find((x) => x.textContent === 'than')!.getBoundingClientRect();
      return { x: s.x, y: s.y + 3, width: s.width, height: s.height - 6 };
    });
    expect((await yellowShares(page, [after]))[0]).toBeLessThan(0.02);
    await page.close();
  });
});

/**
 * The always-on content script as a reader meets it (entrypoints/content/):
 * it is small and leaves the text fingerprint's normalizing and hashing to
 * the background, so what must still work is checked here as a person sees
 * it. On a fresh page (no claims, highlighter not loaded) the shortcut
 * marks the selection; the claim then shows by itself, with no click, on a
 * mirror that shares nothing with the article but its text (other URL, no
 * canonical link, other page furniture), found by the fingerprint the
 * background makes from the paragraphs the content script sends.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SEED, artifactPath, launch, serveFixtures, tabIdOf, type Session } from './harness';
import { scrollToText, selectWithMouse, settledAnchors } from './highlight-helpers';
import { yellowIn } from './pixels';
import type { FixtureServer } from '../../scripts/server.mjs';

const { cases } = JSON.parse(readFileSync(join(SEED, 'anchors.json'), 'utf8')) as { cases: { id: string; exact: string; occurrence: number }[] };
const CLAIM = cases.find((c) => c.id === 'unchanged-sentence')!;

let server: FixtureServer;
let session: Session;
let dir: string;
beforeAll(async () => {
  server = await serveFixtures();
  session = await launch({ lang: 'en' });
  dir = mkdtempSync(join(tmpdir(), 'saqta-mirror-'));
});
afterAll(async () => {
  await session?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Share of highlight-yellow pixels over the claim's text, from a screenshot of the page. */
async function yellowOverClaim(page: Page): Promise<number> {
  const where = await scrollToText(page, CLAIM.exact, CLAIM.occurrence);
  const png = await page.screenshot();
  const scratch = await session.context.newPage();
  try {
    const src = `data:image/png;base64,${png.toString('base64')}`;
    const shares: number[] = [];
    for (const box of where.rects) shares.push(await scratch.evaluate(yellowIn, { src, box }));
    return Math.min(...shares);
  } finally {
    await scratch.close();
  }
}

describe('the always-on content script', () => {
  it('marks a selection with Alt+Shift+H on a fresh page, and the claim shows by itself on a mirror known only by its text', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/seed/index.html`);
    await selectWithMouse(page, CLAIM.exact, CLAIM.occurrence);
    await page.keyboard.press('Alt+Shift+H');
    const made = await settledAnchors(session, await tabIdOf(session, page), 1);
    expect(made.claims.map((c) => c.text.replace(/\s+/g, ' ').trim())).toEqual([CLAIM.exact.trim()]);
    // (Making the claim let go of the selection: nothing to clear before looking.)
    expect(await yellowOverClaim(page)).toBeGreaterThan(0.3);
    await page.close();

    // The mirror: another address, no canonical link, no header or footer; the same article text.
    const html = readFileSync(join(SEED, 'index.html'), 'utf8')
      .replace(/<link rel="canonical"[^>]*>/, '')
      .replace(/<meta property="og:url"[^>]*>/, '')
      .replace(/<header[\s\S]*?<\/header>/, '')
      .replace(/<footer[\s\S]*?<\/footer>/, '');
    expect(html).not.toContain('rel="canonical"');
    const file = join(dir, 'copy.html');
    writeFileSync(file, html);
    server.override('/mirror/copy.html', { file });
    try {
      const mirror = await session.context.newPage();
      await mirror.goto(`${server.origin}/mirror/copy.html?id=7`);
      // Nobody touches the mirror: the content script finds the claim (by text, in idle time) and paints it.
      const deadline = Date.now() + 20_000;
      let share = 0;
      while ((share = await yellowOverClaim(mirror)) < 0.3 && Date.now() < deadline) await mirror.waitForTimeout(250);
      await mirror.screenshot({ path: artifactPath('content-start-mirror.png') });
      expect(share).toBeGreaterThan(0.3);
      await mirror.close();
    } finally {
      server.override('/mirror/copy.html', null);
    }
  });
});

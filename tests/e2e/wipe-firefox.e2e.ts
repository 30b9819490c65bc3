/**
 * A seized profile, in Firefox (issue 28; wipe.e2e.ts is the Chromium side).
 *
 * 1. The positive control: a reader's claim, note, tag, saved copy and team
 *    folder hold canaries; Firefox closes; the profile scan (profile-scan.ts:
 *    Firefox keeps IndexedDB values Snappy-compressed in SQLite) FINDS every
 *    canary, the team password and passphrase and the PKCS#8 key — today's plain state.
 * 2. The quick wipe: reopened, the reader wipes from the popup with the mouse
 *    and lets the countdown run; the library opens empty; closed again, the
 *    scan finds no canary, no team secret, not the old key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { serveFixtures } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { launchFirefox, type FirefoxSession } from './firefox-session';
import { describeFindings, PKCS8_KEY, timedScan, type ScanFinding } from './profile-scan';
import { makeCanaries, needlesOf, newProfileDir, seedReader, serveCanaryArticle } from './profile-fixture';

let server: FixtureServer;
const profile = newProfileDir();
const c = makeCanaries();
let ff: FirefoxSession | undefined;
let before: ScanFinding[] = [];
const text = (page: Page, id: string) => page.$eval(`[data-testid=${id}]`, (e) => e.textContent ?? '').catch(() => null);
const started = Date.now();

beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await ff?.close();
  await server?.close();
  profile.remove();
  console.log(`wipe-firefox.e2e.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

type Api = { runtime: { sendMessage(m: unknown): Promise<never> }; tabs: { query(q: object): Promise<{ id: number; url: string }[]> } };
const askFrom = (page: Page) => (msg: Record<string, unknown>) =>
  page.evaluate((m) => (globalThis as unknown as { browser: Api }).browser.runtime.sendMessage(m), msg);

describe('a closed Firefox profile, scanned', () => {
  it('gives away everything today: every canary, the team password and passphrase, the key (positive control)', async () => {
    ff = await launchFirefox('en', { profile: profile.dir });
    const article = serveCanaryArticle(server, c);
    const tab = await ff.browser.newPage();
    await tab.goto(article.url, { waitUntil: 'load' });
    const settings = await ff.openExtensionPage('options.html');
    const tabId = await settings.evaluate(async (u) => (await (globalThis as unknown as { browser: Api }).browser.tabs.query({})).find((t) => t.url === u)!.id, article.url);
    await seedReader(askFrom(settings), article, tabId, c);
    await ff.close();
    ff = undefined;

    const found = (before = await timedScan(profile.dir, needlesOf(c)));
    if (process.env.SCAN_LOG) console.log(describeFindings(found));
    const seen = new Set(found.map((f) => f.needle));
    const missing = [...needlesOf(c), PKCS8_KEY].filter((n) => !seen.has(n));
    expect(missing, `not found in the profile:\n${missing.join('\n')}\nfound:\n${describeFindings(found)}`).toEqual([]);
  });

  it('quick wipe from the popup: the countdown runs out, the library opens empty, and the scan finds nothing', async () => {
    const oldKeys = new Set(before.filter((f) => f.needle === PKCS8_KEY).map((f) => f.detail.split(', ').pop()));
    expect(oldKeys.size).toBeGreaterThan(0);
    ff = await launchFirefox('en', { profile: profile.dir });
    const library = await ff.openExtensionPage('library.html');
    // The reader's library is there after the restart (kept as an installed add-on's would be).
    await library.waitForFunction(() => document.querySelector('[data-testid=articles]')?.textContent?.includes('Budget hearing in Astana'), { timeout: 15_000 }).catch(async (e) => {
      throw new Error(`library after restart: ${await text(library, 'count')} / ${await library.evaluate(() => document.body.innerText.slice(0, 300))}: ${e}`);
    });
    const popup = await ff.openExtensionPage('popup.html');
    await popup.locator('[data-testid=wipe-start]').click();
    await popup.waitForSelector('[data-testid=wipe-countdown]');
    expect(await text(popup, 'wipe-status')).toMatch(/^Wiping everything in [45] s\. Press Escape or Cancel to stop\.$/);
    await popup.waitForFunction(() => document.querySelector('[data-testid=wipe-status]')?.textContent === 'Wiped. Saqta is empty, as newly installed.', { timeout: 30_000 });
    const fresh = await ff.openExtensionPage('library.html');
    await fresh.waitForSelector('[data-testid=empty]');
    await ff.close();
    ff = undefined;

    const found = await timedScan(profile.dir, needlesOf(c));
    const left = found.filter((f) => f.needle !== PKCS8_KEY || oldKeys.has(f.detail.split(', ').pop()));
    expect(left, `still in the profile after the wipe:\n${describeFindings(left)}`).toEqual([]);
  });
});

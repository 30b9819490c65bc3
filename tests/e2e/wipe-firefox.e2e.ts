/**
 * A seized profile, in Firefox (issue 28; wipe.e2e.ts is the Chromium side).
 *
 * 1. The positive control: a reader's claim, note, tag, saved copy and team
 *    folder hold canaries; Firefox closes; the profile scan (profile-scan.ts:
 *    Firefox keeps IndexedDB values Snappy-compressed in SQLite) FINDS every
 *    canary and the team password and passphrase — today's plain state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { serveFixtures } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { launchFirefox, type FirefoxSession } from './firefox-session';
import { describeFindings, PKCS8_KEY, scanProfile } from './profile-scan';
import { makeCanaries, needlesOf, newProfileDir, seedReader, serveCanaryArticle } from './profile-fixture';

let server: FixtureServer;
const profile = newProfileDir();
const c = makeCanaries();
let ff: FirefoxSession | undefined;
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

    const found = await scanProfile(profile.dir, needlesOf(c));
    if (process.env.SCAN_LOG) console.log(describeFindings(found));
    const seen = new Set(found.map((f) => f.needle));
    const missing = [...needlesOf(c), PKCS8_KEY].filter((n) => !seen.has(n));
    expect(missing, `not found in the profile:\n${missing.join('\n')}\nfound:\n${describeFindings(found)}`).toEqual([]);
  });
});

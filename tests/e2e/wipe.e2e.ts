/**
 * A seized profile, in Chromium (issue 28). One profile folder, two launches:
 *
 * 1. The positive control: a reader's claim, note, tag, saved copy and team
 *    folder hold canaries; the browser closes; the profile scan
 *    (profile-scan.ts) FINDS every canary, the team password and passphrase,
 *    and the signing key as PKCS#8 — today's plain state, the attack of the
 *    issue's first paragraph, and the proof the scanner sees what a lock must hide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { serveFixtures } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { describeFindings, PKCS8_KEY, scanProfile } from './profile-scan';
import { launchKept, makeCanaries, needlesOf, newProfileDir, seedReader, serveCanaryArticle, type KeptChromium } from './profile-fixture';

let server: FixtureServer;
const profile = newProfileDir();
const c = makeCanaries();
let browser: KeptChromium | undefined;
const started = Date.now();

beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.close();
  profile.remove();
  console.log(`wipe.e2e.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const askFrom = (page: Page) => (msg: Record<string, unknown>) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg);

describe('a closed Chromium profile, scanned', () => {
  it('gives away everything today: every canary, the team password and passphrase, the PKCS#8 key (positive control)', async () => {
    browser = await launchKept(profile.dir);
    const article = serveCanaryArticle(server, c);
    const tab = await browser.context.newPage();
    await tab.goto(article.url, { waitUntil: 'load' });
    const settings = await browser.open('options.html');
    const tabId = await settings.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)!.id!, article.url);
    await seedReader(askFrom(settings), article, tabId, c);
    await browser.close();
    browser = undefined;

    const found = await scanProfile(profile.dir, needlesOf(c));
    const seen = new Set(found.map((f) => f.needle));
    const missing = [...needlesOf(c), PKCS8_KEY].filter((n) => !seen.has(n));
    if (process.env.SCAN_LOG) console.log(describeFindings(found));
    expect(missing, `not found in the profile:\n${missing.join('\n')}\nfound:\n${describeFindings(found)}`).toEqual([]);
  });
});

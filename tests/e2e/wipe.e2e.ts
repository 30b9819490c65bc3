/**
 * A seized profile, in Chromium (issue 28). One profile folder, two launches:
 *
 * 1. The positive control: a reader's claim, note, tag, saved copy and team
 *    folder hold canaries; the browser closes; the profile scan
 *    (profile-scan.ts) FINDS every canary, the team password and passphrase,
 *    and the signing key as PKCS#8 — today's plain state, the attack of the
 *    issue's first paragraph, and the proof the scanner sees what a lock must hide.
 *    Before closing, the reader starts a quick wipe twice and stops it (Cancel
 *    with the mouse in the popup, Escape in Settings): the scan finding
 *    everything afterwards is the proof that a cancelled wipe keeps everything.
 * 2. The quick wipe: reopened, the reader wipes from Settings and lets the
 *    countdown run; the library opens empty, Settings show no team folder;
 *    closed again, the scan finds no canary, no team password, not the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { serveFixtures } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { describeFindings, PKCS8_KEY, timedScan, type ScanFinding } from './profile-scan';
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
  if (!process.env.KEEP_PROFILE) profile.remove();
  else console.log(`profile kept: ${profile.dir}`);
  console.log(`wipe.e2e.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

let before: ScanFinding[] = [];

/** Start a wipe with the mouse and watch its countdown appear, seen and announced. */
async function startWipe(page: Page): Promise<void> {
  await page.getByTestId('wipe-start').click();
  await page.getByTestId('wipe-countdown').waitFor();
  expect(Number(await page.getByTestId('wipe-seconds').textContent())).toBeGreaterThanOrEqual(4);
  expect(await page.getByTestId('wipe-status').textContent()).toMatch(/^Wiping everything in [45] s\. Press Escape or Cancel to stop\.$/);
  expect(await page.getByTestId('wipe-status').getAttribute('aria-live')).toBe('assertive');
}

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

    // Second thoughts: Cancel (mouse) in the popup, Escape in Settings.
    const popup = await browser.open(`popup.html?tab=${tabId}`);
    await startWipe(popup);
    await popup.getByTestId('wipe-cancel').click();
    expect(await popup.getByTestId('wipe-status').textContent()).toBe('Cancelled: nothing was wiped.');
    await settings.reload();
    await startWipe(settings);
    await settings.keyboard.press('Escape');
    expect(await settings.getByTestId('wipe-status').textContent()).toBe('Cancelled: nothing was wiped.');
    await settings.getByTestId('wipe-countdown').waitFor({ state: 'detached' });
    // Past the moment the countdown would have ended: still the reader's library.
    const library = await browser.open('library.html');
    await library.getByTestId('articles').getByText(article.title).waitFor();
    await browser.close();
    browser = undefined;

    const found = (before = await timedScan(profile.dir, needlesOf(c)));
    const seen = new Set(found.map((f) => f.needle));
    const missing = [...needlesOf(c), PKCS8_KEY].filter((n) => !seen.has(n));
    if (process.env.SCAN_LOG) console.log(describeFindings(found));
    expect(missing, `not found in the profile:\n${missing.join('\n')}\nfound:\n${describeFindings(found)}`).toEqual([]);
  });

  it('quick wipe from Settings: the countdown runs out, the library opens empty, and the scan finds nothing', async () => {
    const oldKeys = new Set(before.filter((f) => f.needle === PKCS8_KEY).map((f) => f.detail.split(', ').pop()));
    expect(oldKeys.size).toBeGreaterThan(0);
    browser = await launchKept(profile.dir);
    const settings = await browser.open('options.html');
    const shownKey = await settings.getByTestId('key-fingerprint').textContent();
    await startWipe(settings);
    await settings.getByTestId('wipe-status').filter({ hasText: 'Wiped. Saqta is empty, as newly installed.' }).waitFor({ timeout: 20_000 });
    // Saqta as newly installed: an empty library, and a new signing key when Settings open again.
    const library = await browser.open('library.html');
    await library.getByTestId('empty').waitFor();
    const fresh = await browser.open('options.html');
    await fresh.getByTestId('wipe-settings').waitFor();
    expect(shownKey).toMatch(/[0-9A-F]{4}/);
    await expect.poll(() => fresh.getByTestId('key-fingerprint').textContent()).toMatch(/[0-9A-F]{4}/);
    expect(await fresh.getByTestId('key-fingerprint').textContent()).not.toBe(shownKey);
    if (process.env.WIPE_WAIT) await fresh.waitForTimeout(Number(process.env.WIPE_WAIT));
    await browser.close();
    browser = undefined;

    const found = await timedScan(profile.dir, needlesOf(c));
    const left = found.filter((f) => f.needle !== PKCS8_KEY || oldKeys.has(f.detail.split(', ').pop()));
    if (process.env.SCAN_LOG) console.log(describeFindings(left).replace(/^/gm, "LEFT "));
    expect(left, `still in the profile after the wipe:\n${describeFindings(left)}`).toEqual([]);
  });
});

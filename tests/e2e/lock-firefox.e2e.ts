/**
 * The passphrase lock, in Firefox (issue 28; lock.e2e.ts is the Chromium side). One profile, two launches:
 *
 * 1. A reader's claim, note, tag, saved copy and team folder hold canaries (fixtures a person made
 *    earlier, BEFORE the lock); the reader turns the lock on in Settings (click, type), keeps the
 *    recovery key, waits for the library to be sealed, locks from the popup, closes Firefox. The
 *    profile scan (Firefox keeps IndexedDB in SQLite, values Snappy-compressed) finds no canary,
 *    no team password or passphrase, no PKCS#8 key.
 * 2. Relaunched: a wrong passphrase says so and changes nothing; the recovery key opens; the
 *    library shows the article again and everything is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { serveFixtures } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { launchFirefox, type FirefoxSession } from './firefox-session';
import { describeFindings, PKCS8_KEY, timedScan } from './profile-scan';
import { makeCanaries, needlesOf, newProfileDir, seedReader, serveCanaryArticle } from './profile-fixture';
import { pageKeys } from '../../utils/url';

let server: FixtureServer;
const profile = newProfileDir();
const c = makeCanaries();
const PASSPHRASE = 'Құпия сөз — тоғыз таға 9';
let ff: FirefoxSession | undefined;
const started = Date.now();
const text = (page: Page, id: string) => page.$eval(`[data-testid=${id}]`, (e) => e.textContent ?? '').catch(() => null);

beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await ff?.close();
  await server?.close();
  if (!process.env.KEEP_PROFILE) profile.remove();
  else console.log(`profile kept: ${profile.dir}`);
  console.log(`lock-firefox.e2e.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

type Api = { runtime: { sendMessage(m: unknown): Promise<never> }; tabs: { query(q: object): Promise<{ id: number; url: string }[]> } };
type Answer = { ok: boolean; value?: any; error?: { code: string; message: string } };
const askFrom = (page: Page) => (msg: Record<string, unknown>) =>
  page.evaluate((m) => (globalThis as unknown as { browser: Api }).browser.runtime.sendMessage(m), msg) as Promise<Answer>;

async function clickAndType(page: Page, selector: string, value: string) {
  await page.click(selector);
  await page.keyboard.type(value);
}

describe('a locked Firefox profile', () => {
  let recoveryKey = '';
  let article: ReturnType<typeof serveCanaryArticle>;

  it('the reader’s claim, note, tag, copy and team folder, then the lock turned on; locked and closed: the scan finds none of them', async () => {
    ff = await launchFirefox('en', { profile: profile.dir });
    article = serveCanaryArticle(server, c);
    const tab = await ff.browser.newPage();
    await tab.goto(article.url, { waitUntil: 'load' });
    const settings = await ff.openExtensionPage('options.html');
    const tabId = await settings.evaluate(async (u) => (await (globalThis as unknown as { browser: Api }).browser.tabs.query({})).find((t) => t.url === u)!.id, article.url);
    await seedReader(askFrom(await ff.openExtensionPage('popup.html')), article, tabId, c);

    // The reader turns the lock on: click each field, type, click the button.
    await settings.waitForSelector('[data-testid=lock-setup]');
    await clickAndType(settings, '#lock-pass', PASSPHRASE);
    await clickAndType(settings, '#lock-again', PASSPHRASE);
    await settings.click('[data-testid=lock-setup] button[type=submit]');
    await settings.waitForSelector('[data-testid=recovery-key]', { timeout: 60_000 });
    recoveryKey = ((await text(settings, 'recovery-key')) ?? '').trim();
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    await settings.click('[data-testid=recovery] button.primary');
    await settings.waitForSelector('[data-testid=lock-state]');
    await settings.waitForSelector('[data-testid=lock-progress]', { hidden: true, timeout: 60_000 });

    // Lock now, from the popup: it then offers only the unlock form.
    const popup = await ff.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.click('::-p-text(Lock now)');
    await popup.waitForSelector('[data-testid=unlock-form]');
    const view = await askFrom(settings)({ type: 'page.get', keys: pageKeys(article.url) });
    expect(view.value).toEqual({ page: null, annotations: [], capture: null });
    await ff.close();
    ff = undefined;

    const found = await timedScan(profile.dir, needlesOf(c));
    if (process.env.SCAN_LOG) console.log(describeFindings(found));
    expect(found.map((f) => f.needle), `found in the locked profile:\n${describeFindings(found)}`).toEqual([]);
    expect(found.some((f) => f.needle === PKCS8_KEY)).toBe(false);
  });

  it('relaunched: a wrong passphrase changes nothing, the recovery key opens, everything is back', async () => {
    expect(recoveryKey, 'the first test set the lock up').not.toBe('');
    ff = await launchFirefox('en', { profile: profile.dir });
    const popup = await ff.openExtensionPage('popup.html');
    await popup.waitForSelector('[data-testid=unlock-form]');
    await clickAndType(popup, '#unlock-passphrase', 'not the passphrase');
    await popup.click('[data-testid=unlock-form] button[type=submit]');
    await popup.waitForFunction(() => /does not open this library/.test(document.querySelector('[role=alert]')?.textContent ?? ''), { timeout: 30_000 });
    const ask = askFrom(popup);
    expect((await ask({ type: 'lock.status' })).value).toMatchObject({ state: 'locked', failures: 1 });

    await popup.click('::-p-text(Use the recovery key instead)');
    await clickAndType(popup, '#unlock-recovery', recoveryKey.toLowerCase());
    await popup.click('[data-testid=unlock-form] button[type=submit]');
    await popup.waitForSelector('[data-testid=unlock-form]', { hidden: true, timeout: 30_000 });
    expect((await ask({ type: 'lock.status' })).value).toMatchObject({ state: 'open', failures: 0 });

    // The library shows the article again; the claim, its note and tag, the copy and the team folder are back.
    const library = await ff.openExtensionPage('library.html');
    await library.waitForFunction(() => document.querySelector('[data-testid=articles]')?.textContent?.includes('Budget hearing in Astana'), { timeout: 15_000 });
    const view = (await ask({ type: 'page.get', keys: pageKeys(article.url) })).value;
    expect(view.annotations.map((a: any) => [a.body.note, a.body.tags])).toEqual([[c.note, [c.tag]]]);
    expect(view.capture?.artifacts.length).toBeGreaterThan(0);
    expect((await ask({ type: 'team.config' })).value.config).toMatchObject({ user: c.teamUser, hasPassword: true, hasPassphrase: true });
  });
});

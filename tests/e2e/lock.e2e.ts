/**
 * The passphrase lock, in Chromium (issue 28, docs/lock.md). One profile folder, two launches:
 *
 * 1. A reader's claim, note, tag, saved copy and team folder hold canaries (fixtures a person
 *    made earlier: profile-fixture.ts); the reader turns the lock on in Settings (click, type),
 *    keeps the recovery key shown once, waits for the library to be sealed, locks from the popup,
 *    closes the browser. The profile scan (profile-scan.ts: raw bytes, UTF-16, LevelDB blocks
 *    Snappy-decompressed) finds no canary, no team password or passphrase, no PKCS#8 key.
 * 2. Relaunched: the popup offers only the unlock form; a wrong passphrase says so and changes
 *    nothing; the recovery key opens; everything is back; a new signature verifies with the same
 *    fingerprint as before closing.
 */
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, serveFixtures } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { describeFindings, PKCS8_KEY, scanProfile } from './profile-scan';
import { launchKept, makeCanaries, needlesOf, newProfileDir, seedReader, serveCanaryArticle, type KeptChromium } from './profile-fixture';
import { pageKeys } from '../../utils/url';
import { clickControl, controlBox, uiText, waitControl } from './highlight-helpers';

let server: FixtureServer;
const profile = newProfileDir();
const c = makeCanaries();
const PASSPHRASE = 'Құпия сөз — тоғыз таға 9';
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
  console.log(`lock.e2e.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

type Answer = { ok: boolean; value?: any; error?: { code: string; message: string } };
const askFrom = (page: Page) => (msg: Record<string, unknown>) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg) as Promise<Answer>;

async function clickAndType(page: Page, label: string, text: string) {
  await page.getByLabel(label, { exact: true }).click();
  await page.keyboard.type(text);
}

describe('a locked Chromium profile', () => {
  let fingerprint = '';
  let recoveryKey = '';
  let article: ReturnType<typeof serveCanaryArticle>;

  it('turned on in Settings, then the reader’s claim, note, tag, copy and team folder; locked and closed: the scan finds none of them', async () => {
    browser = await launchKept(profile.dir);
    article = serveCanaryArticle(server, c);
    const settings = await browser.open('options.html');

    // First the reader's library (fixtures a person made before the lock: save, claim, team folder, signing key).
    const tab = await browser.context.newPage();
    await tab.goto(article.url, { waitUntil: 'load' });
    const tabId = await settings.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)!.id!, article.url);
    await seedReader(askFrom(settings), article, tabId, c);
    await settings.reload();

    // Then the reader turns the lock on: click each field, type.
    await settings.getByRole('heading', { name: 'Lock with a passphrase' }).scrollIntoViewIfNeeded();
    await settings.getByTestId('lock-settings').screenshot({ path: artifactPath('lock-setup-light.png') });
    await clickAndType(settings, 'Passphrase', PASSPHRASE);
    await clickAndType(settings, 'Passphrase again', PASSPHRASE);
    await settings.getByRole('button', { name: 'Turn the lock on' }).click();
    const shown = settings.getByTestId('recovery-key');
    await shown.waitFor({ timeout: 30_000 });
    recoveryKey = (await shown.textContent())!.trim();
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    await settings.getByTestId('lock-settings').screenshot({ path: artifactPath('lock-recovery-light.png') });
    await settings.getByRole('button', { name: 'I have kept it' }).click();
    await settings.getByTestId('lock-state').waitFor();
    // Sealing, then moving the sealed library through a fresh copy (docs/lock.md): slow on a loaded machine.
    await settings.getByTestId('lock-progress').waitFor({ state: 'detached', timeout: 180_000 });
    await settings.getByTestId('lock-settings').screenshot({ path: artifactPath('lock-settings-light.png') });

    // The key the library signs with from now on (turning the lock on made a sealed one).
    const status = await askFrom(settings)({ type: 'evidence.status' });
    fingerprint = status.value.fingerprint;
    expect(fingerprint).toMatch(/^[0-9A-F]{64}$/);

    // Lock now, from the popup; the popup then offers only the unlock form.
    const popup = await browser.open(`popup.html?tab=${tabId}`);
    await popup.getByRole('button', { name: 'Lock now' }).click();
    await popup.getByTestId('unlock-form').waitFor();
    // While locked: a save is refused with a clear message, and the page's claims are not given out.
    const save = await askFrom(settings)({ type: 'save.page', tabId });
    expect(save.error).toMatchObject({ code: 'locked' });
    expect(save.error!.message).toMatch(/locked/i);
    const view = await askFrom(settings)({ type: 'page.get', keys: pageKeys(article.url) });
    expect(view.value).toEqual({ page: null, annotations: [], capture: null });

    await browser.close();
    browser = undefined;
    const found = await scanProfile(profile.dir, needlesOf(c));
    if (process.env.SCAN_LOG) console.log(describeFindings(found));
    expect(found.map((f) => f.needle), `found in the locked profile:\n${describeFindings(found)}`).toEqual([]);
    expect(found.some((f) => f.needle === PKCS8_KEY)).toBe(false);
  }, 300_000); // sealing and moving the library, then the scan: minutes on a loaded machine

  it('relaunched: a wrong passphrase changes nothing, the recovery key opens, everything is back and signs as before', async () => {
    expect(recoveryKey, 'the first test set the lock up').not.toBe('');
    browser = await launchKept(profile.dir);
    const popup = await browser.open('popup.html');
    await popup.getByTestId('unlock-form').waitFor();
    await clickAndType(popup, 'Passphrase', 'not the passphrase');
    await popup.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => popup.getByRole('alert').textContent()).toMatch(/does not open this library/);
    await popup.screenshot({ path: artifactPath('lock-popup-wrong-light.png') });
    const ask = askFrom(popup);
    expect((await ask({ type: 'lock.status' })).value).toMatchObject({ state: 'locked', failures: 1 });

    await popup.getByRole('button', { name: 'Use the recovery key instead' }).click();
    await clickAndType(popup, 'Recovery key', recoveryKey.toLowerCase());
    await popup.getByRole('button', { name: 'Unlock' }).click();
    await popup.getByTestId('unlock-form').waitFor({ state: 'detached', timeout: 30_000 });
    expect((await ask({ type: 'lock.status' })).value).toMatchObject({ state: 'open', failures: 0 });

    // Everything is back: the claim with its note and tag, the saved copy, the team folder.
    const view = (await ask({ type: 'page.get', keys: pageKeys(article.url) })).value;
    expect(view.annotations.map((a: any) => [a.body.note, a.body.tags])).toEqual([[c.note, [c.tag]]]);
    expect(view.capture?.artifacts.length).toBeGreaterThan(0);
    const team = (await ask({ type: 'team.config' })).value.config;
    expect(team).toMatchObject({ user: c.teamUser, hasPassword: true, hasPassphrase: true });
    // The library finds the claim by its words.
    const lib = await browser.open('library.html');
    await lib.getByTestId('search').click();
    await lib.keyboard.type(c.quote.slice(0, 14));
    await expect.poll(() => lib.getByTestId('search-results').textContent(), { timeout: 30_000 }).toContain(c.quote);

    // A new signature verifies, with the fingerprint the reader had before closing.
    const status = (await ask({ type: 'evidence.status' })).value;
    expect(status.fingerprint).toBe(fingerprint);
    const datapackage = JSON.stringify({ profile: 'data-package', created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), resources: [{ path: 'pages/pages.jsonl', hash: `sha256:${'ab'.repeat(32)}`, bytes: 10 }] });
    const answer = await ask({ type: 'evidence.signPackage', datapackage });
    expect(answer, JSON.stringify(answer.error)).toMatchObject({ ok: true });
    const signed = answer.value.signedData;
    const key = await webcrypto.subtle.importKey('spki', Buffer.from(signed.publicKey, 'base64'), { name: 'ECDSA', namedCurve: 'P-384' }, false, ['verify']);
    expect(await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(signed.signature, 'base64'), Buffer.from(signed.hash))).toBe(true);
  });

  it('locked, the reader selects text: the toolbar offers only “Unlock to highlight”, which opens the unlock page; unlocked, the selection highlights again', async () => {
    expect(browser, 'the second test left the browser open').toBeDefined();
    const b = browser!;
    const popup = await b.open('popup.html');
    await popup.getByRole('button', { name: 'Lock now' }).click();
    await popup.getByTestId('unlock-form').waitFor();
    await popup.close();

    const tab = await b.context.newPage();
    await tab.goto(article.url, { waitUntil: 'load' });
    await tab.bringToFront();
    // A double click on a word of the first paragraph selects it, as a person does.
    const selectWord = async () => {
      // On the headline's first word (a double click between two words selects only the space).
      await tab.locator('article h1').dblclick({ position: { x: 40, y: 20 } });
      const got = (await tab.evaluate(() => document.getSelection()?.toString() ?? '')).trim();
      if (!got) await tab.screenshot({ path: artifactPath('lock-select-failed.png') });
      expect(got, `nothing selected on ${tab.url()} (${(await tab.evaluate(() => document.body.innerText.length))} characters of text)`).not.toBe('');
    };
    await selectWord();
    await waitControl(tab, 'unlock');
    expect(await uiText(tab)).toContain('Unlock to highlight');
    expect(await controlBox(tab, 'c-yellow'), 'no colour buttons while locked').toBeNull();

    const opened = b.context.waitForEvent('page');
    await clickControl(tab, 'unlock');
    const unlockPage = await opened;
    await unlockPage.getByTestId('unlock-form').waitFor();
    expect(unlockPage.url()).toContain('/library.html');
    await clickAndType(unlockPage, 'Passphrase', PASSPHRASE);
    await unlockPage.getByRole('button', { name: 'Unlock' }).click();
    await unlockPage.getByTestId('unlock-form').waitFor({ state: 'detached', timeout: 30_000 });

    // Back on the article: the same gesture now gives the colours, and a click makes the claim.
    await tab.bringToFront();
    await tab.mouse.click(5, 5);
    await selectWord();
    await clickControl(tab, 'c-yellow');
    await waitControl(tab, 'delete');
    const view = (await askFrom(unlockPage)({ type: 'page.get', keys: pageKeys(article.url) })).value;
    expect(view.annotations.length).toBe(2);
  });
});

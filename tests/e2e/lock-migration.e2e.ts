/**
 * Turning the lock on over a 1,000-article library, and the browser killed half-way (issue 28, docs/lock.md
 * "Migration"). Fixtures a person made earlier: 1,000 generated articles with a claim each (bench/page/library.ts's
 * generator, run in an extension page as the bench seeds) and one article whose claim, note, tag and saved copy
 * hold canaries. The reader turns the lock on in Settings; while the progress says between 10 % and 90 %, the
 * browser process is killed (SIGKILL). Relaunched, the reader unlocks in the popup; the sealing resumes and ends;
 * the library shows 1,000 + 1 articles and 1,001 claims; closed, the profile scan finds no canary.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { serveFixtures } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { describeFindings, timedScan } from './profile-scan';
import { launchKept, makeCanaries, needlesOf, newProfileDir, seedReader, serveCanaryArticle, type KeptChromium } from './profile-fixture';
import { bundleForPage } from '../../bench/lib/bundle';
import { SEED } from '../paths';

let server: FixtureServer;
const profile = newProfileDir();
const c = makeCanaries();
const PASSPHRASE = 'Көктем келді, 2026!';
const ARTICLES = 1000;
let browser: KeptChromium | undefined;
const started = Date.now();

beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.close();
  if (!process.env.KEEP_PROFILE) profile.remove();
  console.log(`lock-migration.e2e.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

type Answer = { ok: boolean; value?: any; error?: { code: string; message: string } };
const askFrom = (page: Page) => (msg: Record<string, unknown>) => page.evaluate((m) => chrome.runtime.sendMessage(m), msg) as Promise<Answer>;

async function clickAndType(page: Page, label: string, text: string) {
  await page.getByLabel(label, { exact: true }).click();
  await page.keyboard.type(text);
}

/** The browser's main process: the one Chromium started with this test's own profile folder (found by its id, killed by its id). */
function browserPid(dir: string): number {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.includes(`--user-data-dir=${dir}`) && !l.includes('--type='));
  if (!line) throw new Error('the browser process was not found');
  return Number(line.trim().split(/\s+/)[0]);
}

describe('killed while the library is being sealed', () => {
  it('resumes after a relaunch and loses nothing; the scan afterwards finds no canary', async () => {
    browser = await launchKept(profile.dir);
    const settings = await browser.open('options.html');
    // The reader's library, made earlier: 1,000 generated articles with a claim each…
    const bundle = await bundleForPage('bench/page/library.ts', 'saqtaLibrary');
    await settings.evaluate(bundle.code);
    const seeded = await settings.evaluate(
      ([kk, n]) => (globalThis as any).saqtaLibrary.seed(kk, n, 1, 0) as Promise<{ pages: number; claims: number }>,
      [readFileSync(join(SEED, 'source.txt'), 'utf8'), ARTICLES] as const,
    );
    expect(seeded).toMatchObject({ pages: ARTICLES, claims: ARTICLES });
    // …and one article saved with a claim, note and tag holding canaries.
    const article = serveCanaryArticle(server, c);
    const tab = await browser.context.newPage();
    await tab.goto(article.url, { waitUntil: 'load' });
    const lockPage = await browser.open('options.html');
    const tabId = await lockPage.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)!.id!, article.url);
    await seedReader(askFrom(lockPage), article, tabId, c);

    // The reader turns the lock on, keeps the recovery key, and the sealing starts.
    await lockPage.getByRole('heading', { name: 'Lock with a passphrase' }).scrollIntoViewIfNeeded();
    await clickAndType(lockPage, 'Passphrase', PASSPHRASE);
    await clickAndType(lockPage, 'Passphrase again', PASSPHRASE);
    await lockPage.getByRole('button', { name: 'Turn the lock on' }).click();
    await lockPage.getByTestId('recovery-key').waitFor({ timeout: 60_000 });
    await lockPage.getByRole('button', { name: 'I have kept it' }).click();
    // Killed while the progress shows between 10 % and 90 %.
    const progress = lockPage.getByTestId('lock-progress');
    let seen = '';
    for (const end = Date.now() + 120_000; Date.now() < end; ) {
      seen = (await progress.textContent({ timeout: 5000 }).catch(() => '')) ?? '';
      const m = /(\d+) of (\d+)/.exec(seen);
      if (m && Number(m[1]) >= 0.1 * Number(m[2]) && Number(m[1]) <= 0.9 * Number(m[2])) break;
      if (m && Number(m[1]) > 0.9 * Number(m[2])) throw new Error(`missed the window: ${seen}`);
    }
    expect(seen).toMatch(/Encrypting your library: \d+ of \d+ records\./);
    process.kill(browserPid(profile.dir), 'SIGKILL');
    await browser.context.close().catch(() => undefined);
    browser = undefined;

    // Relaunched: locked (the key was only in memory); the reader unlocks, the sealing resumes and ends.
    browser = await launchKept(profile.dir);
    const popup = await browser.open('popup.html');
    await popup.getByTestId('unlock-form').waitFor();
    await clickAndType(popup, 'Passphrase', PASSPHRASE);
    await popup.getByRole('button', { name: 'Unlock' }).click();
    await popup.getByTestId('unlock-form').waitFor({ state: 'detached', timeout: 60_000 });
    const after = await browser.open('options.html');
    await after.getByTestId('lock-state').waitFor();
    await after.getByTestId('lock-progress').waitFor({ state: 'detached', timeout: 240_000 });

    // Every article and claim is there, as the library counts them.
    const library = await browser.open('library.html');
    await expect.poll(() => library.getByTestId('count').textContent(), { timeout: 60_000 }).toBe(`Articles: ${ARTICLES + 1}`);
    await library.getByRole('tab', { name: 'Claims' }).click();
    await expect.poll(() => library.getByTestId('count').textContent(), { timeout: 60_000 }).toBe(`Claims: ${ARTICLES + 1}`);

    await browser.close();
    browser = undefined;
    const found = await timedScan(profile.dir, needlesOf(c));
    expect(found.map((f) => f.needle), `found after the resumed sealing:\n${describeFindings(found)}`).toEqual([]);
  }, 600_000);
});

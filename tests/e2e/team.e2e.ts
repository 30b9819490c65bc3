/**
 * Team sync, end to end: two browser profiles (A in English, B in Kazakh)
 * with the built extension share one WebDAV folder on a real Apache httpd +
 * mod_dav (tests/e2e/dav-server.ts), driven through Settings → Team, the live
 * page and the fallback, as people would.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popupWithOffer } from './fallback-offer';
import { ROOT, artifactPath, dbCounts, launch, restartWorker, serveFixtures, tabIdOf, type Session } from './harness';
import { clickControl, makeClaim, settledAnchors, uiText, waitControl } from './highlight-helpers';
import { startDav, type DavKind, type DavServer } from './dav-server';
import { hasFocus, opensTab, words } from './person';
import { axeViolations } from './axe';
import { spawnSync } from 'node:child_process';

/** The WebDAV server: Apache mod_dav here; team-nginx.e2e.ts runs this same file on nginx + dav-ext. */
const KIND: DavKind = (globalThis as { SAQTA_DAV?: DavKind }).SAQTA_DAV ?? 'apache';
import type { FixtureServer } from '../../scripts/server.mjs';
import type { AnchorReport } from '../../utils/messages';

let dav: DavServer;
let site: FixtureServer;
let A: Session;
let B: Session;
let seedUrl: string;

const Q1 = 'Еуропа елдерін Қазақстанға инвестиция құюға';
const Q2 = 'Азаттық радиосы сайтының бұғатталғаны да жазылған';
const Q3 = 'Брюссельдегі кездесу Қазақстан үшін маңызды.';
/** B's own claim. */
const QB = 'құқық қорғаушы Роза Ақылбековадан сұхбат алып';

beforeAll(async () => {
  [dav, site] = await Promise.all([startDav(undefined, KIND), serveFixtures()]);
  seedUrl = `${site.origin}/seed/index.html`;
  [A, B] = await Promise.all([launch({ lang: 'en' }), launch({ lang: 'kk' })]);
});
afterAll(async () => {
  await Promise.all([A?.close(), B?.close()]);
  await site?.close().catch(() => undefined);
  await dav?.close();
});

async function openSeed(s: Session): Promise<Page> {
  const page = await s.context.newPage();
  await page.goto(seedUrl);
  await page.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);
  return page;
}

/** Settings → Team filled in as a person would, Test connection pressed, saved. */
async function joinTeam(s: Session, who: { user: 'alice' | 'bob'; name: string; password?: string }): Promise<{ page: Page; test: string }> {
  const page = await s.openExtensionPage('options.html');
  await page.locator('#team-url').fill(dav.url);
  await page.locator('#team-user').fill(who.user);
  await page.locator('#team-password').fill(who.password ?? dav.users[who.user]!);
  await page.locator('#team-name').fill(who.name);
  await page.getByTestId('team-test').click();
  const msg = page.getByTestId('team-message-test');
  await page.waitForFunction(() => {
    const m = document.querySelector('[data-testid=team-message-test]');
    return m && !/…$/.test(m.textContent ?? '');
  });
  const test = (await msg.textContent()) ?? '';
  return { page, test };
}

async function enableAndSave(page: Page): Promise<void> {
  await page.getByTestId('team-enabled').check();
  // By hand, so each step below knows how many parts a sync carries (on-change sync has its own test).
  await page.locator('input[name=team-schedule]').nth(2).check();
  await page.locator('[data-testid=team-form] button[type=submit]').click();
  await page.getByTestId('team-message-save').waitFor();
}

/** Press Sync now and wait for this sync's own message. */
async function syncNow(page: Page): Promise<string> {
  const runs = Number(await page.getByTestId('team-form').getAttribute('data-runs'));
  await page.getByTestId('team-sync').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=team-form]')?.getAttribute('data-runs')) > n, runs, { timeout: 60_000 });
  return (await page.getByTestId('team-message-sync').textContent()) ?? '';
}

/**
 * Settings → Team → keys: the reader compares the digits listed for a
 * colleague with the digits that colleague's own settings show (read aloud in
 * life), and presses Confirm.
 */
async function confirmColleague(reader: Page, colleague: Page, name: string): Promise<void> {
  const own = (await colleague.getByTestId('team-own-digits').textContent())!.trim();
  expect(own).toMatch(/^(\d{5} ){11}\d{5}$/);
  const row = reader.getByTestId('team-member').filter({ hasText: name });
  await row.getByTestId('team-member-state').waitFor();
  expect(await row.getByTestId('team-member-digits').textContent()).toBe(own);
  await row.getByTestId('team-member-confirm').click();
  await reader.getByTestId('team-keys-message').waitFor();
  await expect.poll(() => row.getByTestId('team-member-confirm').count()).toBe(0);
}

async function anchors(s: Session, page: Page): Promise<AnchorReport> {
  const tabId = await tabIdOf(s, page);
  return s.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'anchors' }), tabId) as Promise<AnchorReport>;
}

/** Click a painted claim with the mouse (the first box of the claim whose text starts so). */
async function clickClaim(s: Session, page: Page, text: string): Promise<void> {
  const c = (await anchors(s, page)).claims.find((x) => x.text.startsWith(text.slice(0, 20)));
  if (!c) throw new Error(`claim not painted: ${text}`);
  const box = c.boxes[0]!;
  if (box.y < 0 || box.y > 800) {
    await page.mouse.wheel(0, box.y - 300);
    await page.waitForTimeout(300);
    return clickClaim(s, page, text);
  }
  await page.mouse.click(box.x + Math.min(20, box.width / 2), box.y + box.height / 2);
}

function memberFolderOf(name: string): string {
  for (const d of readdirSync(join(dav.root, 'saqta'))) {
    const m = JSON.parse(readFileSync(join(dav.root, 'saqta', d, 'manifest.json'), 'utf8'));
    if (m.name === name) return join(dav.root, 'saqta', d);
  }
  throw new Error(`no folder for ${name}`);
}

describe(`team sync through ${KIND === 'nginx' ? 'nginx + dav-ext' : 'Apache mod_dav'}, two profiles`, () => {
  let aSettings: Page;
  let bSettings: Page;
  let aSeed: Page;
  let bSeed: Page;

  it('A highlights, tags and saves the seed; B syncs and sees A’s claims on the live page with A’s name', async () => {
    aSeed = await openSeed(A);
    await makeClaim(aSeed, Q1, 1, { tags: ['EU'], note: 'check the sum' });
    await makeClaim(aSeed, Q2, 1, { color: 'pink', tags: ['press'] });
    const tabId = await tabIdOf(A, aSeed);
    const popup = await A.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.getByTestId('save-page').click();
    await popup.getByTestId('open-copy').waitFor({ timeout: 60_000 });
    // The screenshot follows the ✓: wait until the popup says it was added.
    await popup.locator('[data-testid=screenshot-state][data-state=ok]').waitFor({ timeout: 90_000 });
    await popup.close();

    const a = await joinTeam(A, { user: 'alice', name: 'Aigerim' });
    expect(a.test).toBe('Connected: this is a WebDAV folder Saqta can write to.');
    aSettings = a.page;
    await enableAndSave(aSettings);
    expect(await syncNow(aSettings)).toBe('Synced: 1 parts sent, 0 parts from colleagues merged.');
    expect(await aSettings.getByTestId('team-queued').textContent()).toBe('Everything is shared.');

    const b = await joinTeam(B, { user: 'bob', name: 'Болат' });
    bSettings = b.page;
    await enableAndSave(bSettings);
    expect(await syncNow(bSettings)).toBe('Синхрондалды: 0 бөлік жіберілді, әріптестерден 1 бөлік қосылды.');
    expect(await bSettings.getByTestId('team-members').textContent()).toContain('Aigerim');

    bSeed = await openSeed(B);
    const report = await settledAnchors(B, await tabIdOf(B, bSeed), 2);
    expect(report.claims.map((c) => c.text).sort()).toEqual([Q1, Q2].sort());
    await clickClaim(B, bSeed, Q1);
    await waitControl(bSeed, 'copy');
    // Until B compares Aigerim's key, her claims say they are unconfirmed.
    expect(await uiText(bSeed)).toContain('Aigerim дәйегі (расталмаған)');
    expect(await bSettings.getByTestId('team-member').filter({ hasText: 'Aigerim' }).getByTestId('team-member-state').textContent()).toBe('Расталмаған');
    await bSettings.bringToFront();
    await confirmColleague(bSettings, aSettings, 'Aigerim');
    expect(await bSettings.getByTestId('team-member').filter({ hasText: 'Aigerim' }).getByTestId('team-member-state').textContent()).toBe('Расталған');
    await bSeed.bringToFront();
    await bSeed.reload();
    await settledAnchors(B, await tabIdOf(B, bSeed), 2);
    await clickClaim(B, bSeed, Q1);
    await waitControl(bSeed, 'copy');
    const card = await uiText(bSeed);
    expect(card).toContain('Aigerim дәйегі');
    expect(card).not.toContain('расталмаған');
    expect(card).toContain('check the sum');
    expect(card).toContain('EU');
    expect(card).toContain('Өз дәйегім ретінде көшіру');
    await bSeed.screenshot({ path: artifactPath('team-colleague-live-kk.png') });
    // Read-only: the card has no delete or colour controls.
    expect(card).not.toContain('Жою');
  });

  it('B copies a claim as theirs and makes one; A sees both with B’s name', async () => {
    await clickControl(bSeed, 'copy');
    await expect.poll(async () => (await anchors(B, bSeed)).claims.length, { timeout: 15_000 }).toBe(3);
    await makeClaim(bSeed, QB, 1, { color: 'green', tags: ['Азаттық'] });
    expect(await syncNow(bSettings)).toMatch(/^Синхрондалды: 1 бөлік жіберілді/);
    expect(await syncNow(aSettings)).toBe('Synced: 0 parts sent, 1 parts from colleagues merged.');
    await confirmColleague(aSettings, bSettings, 'Болат');
    await aSeed.bringToFront();
    await aSeed.reload();
    await settledAnchors(A, await tabIdOf(A, aSeed), 4);
    const panel = await A.openExtensionPage(`sidepanel.html?tab=${await tabIdOf(A, aSeed)}`);
    await panel.getByTestId('claim-author').first().waitFor();
    expect(await panel.getByTestId('claim-author').allTextContents()).toEqual(['Болат’s claim', 'Болат’s claim']);
    await panel.getByTestId('member-filter').selectOption({ label: 'Болат' });
    await expect.poll(() => panel.locator('article.claim').count()).toBe(2);
    await panel.screenshot({ path: artifactPath('team-colleague-sidepanel-en.png') });
    await panel.close();
  });

  it('A edits a note and deletes a claim; B sees both after the next sync', async () => {
    await aSeed.bringToFront();
    await clickClaim(A, aSeed, Q2);
    await waitControl(aSeed, 'delete');
    await clickControl(aSeed, 'delete');
    await expect.poll(async () => (await anchors(A, aSeed)).claims.length, { timeout: 10_000 }).toBe(3);
    // The note: A's own claim on Q1 (B's copy sits on the same words; A's is the one with delete).
    const panelNote = await A.openExtensionPage(`sidepanel.html?tab=${await tabIdOf(A, aSeed)}`);
    const mine = panelNote.locator('article.claim:not(.colleague)').first();
    await mine.getByRole('button', { name: 'Edit' }).click();
    await mine.locator('textarea').fill('the sum is 12 billion dollars');
    await mine.getByRole('button', { name: 'Done' }).click();
    await panelNote.getByText('the sum is 12 billion dollars').waitFor();
    await panelNote.close();
    expect(await syncNow(aSettings)).toMatch(/^Synced: 1 parts sent/);
    expect(await syncNow(bSettings)).toMatch(/әріптестерден 1 бөлік қосылды/);
    await expect.poll(async () => (await anchors(B, bSeed)).claims.map((c) => c.text).sort(), { timeout: 15_000 }).toEqual([Q1, Q1, QB].sort());
    await bSeed.bringToFront();
    await bSeed.reload();
    await settledAnchors(B, await tabIdOf(B, bSeed), 3);
    const panel = await B.openExtensionPage(`sidepanel.html?tab=${await tabIdOf(B, bSeed)}`);
    await panel.getByText('the sum is 12 billion dollars').waitFor();
    await panel.screenshot({ path: artifactPath('team-colleague-sidepanel-kk.png') });
    await panel.close();
  });

  it('A sees B’s claim on the live page with B’s name (en)', async () => {
    await aSeed.bringToFront();
    await aSeed.reload();
    await settledAnchors(A, await tabIdOf(A, aSeed), 3);
    await clickClaim(A, aSeed, QB);
    await waitControl(aSeed, 'copy');
    const card = await uiText(aSeed);
    expect(card).toContain('Болат’s claim');
    expect(card).toContain('Азаттық');
    expect(card).toContain('Copy as my claim');
    expect(card).not.toContain('Delete');
    await aSeed.screenshot({ path: artifactPath('team-colleague-live-en.png') });
    await aSeed.keyboard.press('Escape');
  });

  it('a wrong password says so and changes nothing', async () => {
    const before = await dbCounts(B);
    const wrong = await joinTeam(B, { user: 'bob', name: 'Болат', password: 'not-the-password' });
    expect(wrong.test).toBe('Сервер пайдаланушы атын немесе қолданба құпиясөзін қабылдамады (401). Екеуін де тексеріңіз; екі факторлы кіру қосулы болса, Nextcloud-қа кіру құпиясөзі емес, қолданба құпиясөзі керек.');
    await wrong.page.close();
    expect(await dbCounts(B)).toEqual(before);
  });

  it('server stopped and background killed, then back: nothing lost; a corrupted part is refused with a message while the next merges', async () => {
    await dav.stop();
    await makeClaim(aSeed, Q3, 1, { tags: ['EU'] });
    expect(await syncNow(aSettings)).toBe('Last sync failed: The server could not be reached: check the address and that you are online.');
    expect(await aSettings.getByTestId('team-queued').textContent()).toMatch(/^Waiting to be shared: /);
    // The popup says it too.
    const popup = await A.openExtensionPage('popup.html');
    expect(await popup.getByTestId('team-failure').textContent()).toBe('Last sync failed: The server could not be reached: check the address and that you are online.');
    expect(await popup.getByTestId('team-queued').textContent()).toMatch(/^Waiting to be shared: [1-9]\d* changes, 1 parts ready to upload\.$/);
    await popup.screenshot({ path: artifactPath('team-popup-en.png') });
    await popup.close();
    // The background is stopped too (as the browser does when idle): the queue is in the database.
    await restartWorker(A, aSettings);
    await dav.start();
    expect(await syncNow(aSettings)).toBe('Synced: 1 parts sent, 0 parts from colleagues merged.');
    // Break that part on the server; then A adds another claim in a new part.
    const folder = memberFolderOf('Aigerim');
    const parts = readdirSync(folder).filter((f) => f.startsWith('part-')).sort();
    const broken = parts.at(-1)!;
    const bytes = readFileSync(join(folder, broken));
    bytes[bytes.length - 40] ^= 0xff;
    writeFileSync(join(folder, broken), bytes);
    await aSeed.bringToFront();
    await makeClaim(aSeed, 'Сапар қарсаңында штаб-пәтері Брюссельде орналасқан', 1);
    expect(await syncNow(aSettings)).toBe('Synced: 1 parts sent, 0 parts from colleagues merged.');

    expect(await syncNow(bSettings)).toMatch(/әріптестерден 1 бөлік қосылды/);
    const refused = await bSettings.getByTestId('team-refused').textContent();
    expect(refused).toContain(`Aigerim: ${broken} қабылданбады — ол манифестегі хэшке сәйкес келмейді`);
    await bSeed.bringToFront();
    await expect.poll(async () => (await anchors(B, bSeed)).claims.map((c) => c.text), { timeout: 15_000 }).toContain('Сапар қарсаңында штаб-пәтері Брюссельде орналасқан');
    expect((await anchors(B, bSeed)).claims.map((c) => c.text)).not.toContain(Q3);
    await bSettings.screenshot({ path: artifactPath('team-settings-kk.png'), fullPage: true });
  });

  it('on change: a new claim reaches the server by itself, a few seconds later', async () => {
    await aSettings.locator('input[name=team-schedule]').nth(0).check();
    await aSettings.locator('[data-testid=team-form] button[type=submit]').click();
    await aSettings.getByTestId('team-message-save').waitFor();
    const folder = memberFolderOf('Aigerim');
    const before = readdirSync(folder).filter((f) => f.startsWith('part-')).length;
    await aSeed.bringToFront();
    await makeClaim(aSeed, 'Ақорда баспасөз қызметінің хабарлауынша', 1);
    await expect.poll(() => readdirSync(folder).filter((f) => f.startsWith('part-')).length, { timeout: 30_000, interval: 500 }).toBe(before + 1);
  });

  it('B saves the article too, then chooses Aigerim’s copy in the reader: the reader and B’s signed export use it, labelled; undone and chosen again', async () => {
    const kk = words('kk');
    // B's own copy, saved after Aigerim's: the newest copy B made.
    await bSeed.bringToFront();
    const popup = await B.openExtensionPage(`popup.html?tab=${await tabIdOf(B, bSeed)}`);
    await popup.getByTestId('save-page').click();
    // "Open my copy" is there already (Aigerim's copy): B waits for the save's own ✓ and screenshot.
    await popup.locator('[data-testid=screenshot-state][data-state=ok]').waitFor({ timeout: 90_000 });
    const reader = await opensTab(popup, () => popup.getByTestId('open-copy').click());
    await popup.close().catch(() => undefined);
    await reader.getByTestId('versions').waitFor();
    // B's own copy is the one read; Aigerim's is listed as hers.
    const versions = reader.getByTestId('versions');
    expect(await versions.locator('[aria-current=true]').textContent()).not.toContain('Aigerim');
    const hers = versions.locator('a').filter({ hasText: kk('copyByColleague', 'Aigerim') });
    expect(await hers.count()).toBe(1);
    expect(await reader.getByTestId('use-copy').count()).toBe(0);

    // B opens Aigerim's copy: who captured it, her key's digits (as Aigerim's own settings show them), confirmed.
    await hers.click();
    await reader.getByTestId('copy-member').waitFor();
    expect(await reader.getByTestId('copy-member').textContent()).toBe(`Aigerim (${kk('copyKeyConfirmed')})`);
    const digits = (await aSettings.getByTestId('team-own-digits').textContent())!.trim();
    expect(await reader.getByTestId('copy-fingerprint').textContent()).toBe(digits.replace(/ /g, ''));
    expect(await reader.getByTestId('use-copy').textContent()).toBe(kk('copyUse'));
    // The new controls pass the same accessibility audit as every page (a11y.e2e.ts), light and dark.
    expect([...(await axeViolations(reader, 'light')), ...(await axeViolations(reader, 'dark'))]).toEqual([]);
    await reader.emulateMedia({ colorScheme: null });
    await reader.getByTestId('use-copy').click();
    await reader.getByTestId('copy-in-use').waitFor();
    expect(await reader.getByTestId('copy-in-use').textContent()).toMatch(new RegExp(`^${kk('copyInUse', 'Aigerim', 'XX').split('XX')[0]}`));
    // The button pressed is gone; the focus is on the one that undoes it, not lost.
    expect(await hasFocus(reader.getByTestId('use-mine'))).toBe(true);
    expect(await axeViolations(reader, 'light')).toEqual([]);
    await reader.emulateMedia({ colorScheme: null });
    // What B sees, light and dark (the reader's own theme switch).
    const record = reader.getByTestId('capture');
    await record.scrollIntoViewIfNeeded();
    await record.screenshot({ path: artifactPath('team-copy-chosen-kk-light.png') });
    await reader.getByTestId('theme').selectOption('dark');
    await record.screenshot({ path: artifactPath('team-copy-chosen-kk-dark.png') });
    await reader.getByTestId('theme').selectOption('auto');
    await reader.getByTestId('versions').screenshot({ path: artifactPath('team-copy-versions-kk.png') });

    // A fresh reader tab (no version named) reads Aigerim's copy: the choice is kept for this article.
    const again = await B.openExtensionPage(`reader.html?page=${new URL(reader.url()).searchParams.get('page')}`);
    await again.getByTestId('copy-member').waitFor();
    expect(await again.getByTestId('versions').locator('[aria-current=true]').textContent()).toContain('Aigerim');
    expect(await again.getByTestId('ev-captured-by').textContent()).toContain('Aigerim, командадағы әріптес');

    // B's export (signed with B's key) holds Aigerim's copy as the article read, labelled with her name and key.
    const lib = await B.openExtensionPage('library.html');
    const [download] = await Promise.all([lib.waitForEvent('download'), lib.getByTestId('export-all').click()]);
    const file = artifactPath('team-copy-chosen.wacz');
    await download.saveAs(file);
    const readerFile = spawnSync('unzip', ['-p', file, 'articles/*/reader.html'], { encoding: 'utf8' }).stdout;
    const fp = (await again.getByTestId('copy-fingerprint').getAttribute('title'))!;
    expect(readerFile).toContain(`Көшірмені командадағы әріптес Aigerim сақтаған; кілттің саусақ ізі ${fp.match(/.{4}/g)!.join(' ')} (экспорттаушы растаған)`);
    const digest = JSON.parse(spawnSync('unzip', ['-p', file, 'datapackage-digest.json'], { encoding: 'utf8' }).stdout);
    expect(digest.signedData).toBeTruthy();
    // Signed by B, and every file (the labelled reader.html too) listed with its SHA-256 under that signature;
    // intact as a whole: the colleague's copy came with its HTTP exchanges, so every page resource has its record.
    const check = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite-node/dist/cli.mjs'), 'scripts/verify.ts', file], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stdout).toContain('RESULT: the bundle is intact.');
    expect(check.stdout).toMatch(/ok {3}Every file is listed with its size and SHA-256, none is missing or extra/);
    expect(check.stdout).toMatch(/ok {3}datapackage-digest\.json: Signed by key [0-9A-F]{64} /);
    expect(check.stdout).toMatch(/ok {3}\d+ quotes found in their saved articles/);
    await lib.close();
    await again.close();

    // Undone: back to B's newest copy, with a word on it; the focus goes to the capture record's heading.
    await reader.bringToFront();
    await reader.getByTestId('use-mine').click();
    await expect.poll(() => reader.getByTestId('copy-status').textContent()).toBe(kk('copyMineAgain'));
    await expect.poll(() => reader.getByTestId('versions').locator('[aria-current=true]').textContent()).not.toContain('Aigerim');
    expect(await reader.getByTestId('copy-member').count()).toBe(0);
    expect(await hasFocus(reader.locator('#capture-h'))).toBe(true);
    const lib2 = await B.openExtensionPage('library.html');
    const [download2] = await Promise.all([lib2.waitForEvent('download'), lib2.getByTestId('export-all').click()]);
    const file2 = artifactPath('team-copy-mine.wacz');
    await download2.saveAs(file2);
    expect(spawnSync('unzip', ['-p', file2, 'articles/*/reader.html'], { encoding: 'utf8' }).stdout).not.toContain('командадағы әріптес');
    await lib2.close();

    // B picks Aigerim's copy again (the fallback below offers the copy B uses).
    await reader.getByTestId('versions').locator('a').filter({ hasText: kk('copyByColleague', 'Aigerim') }).click();
    await reader.getByTestId('use-copy').click();
    await reader.getByTestId('copy-in-use').waitFor();
    await reader.close();
  });

  it('with the site stopped, B’s fallback offers A’s saved copy (the one B chose), and the reader shows A’s claims', async () => {
    // B still has the live page open in its first tab; the offer is for the new one.
    const liveTab = await tabIdOf(B, bSeed);
    await site.close();
    const page = await B.context.newPage();
    await page.goto(seedUrl).catch(() => undefined);
    const offer = await popupWithOffer(B, seedUrl, [liveTab]);
    expect(await offer.getByTestId('saved-by').textContent()).toBe('Сақтаған: Aigerim');
    await offer.getByTestId('open-my-copy').click();
    await page.waitForURL(/reader\.html/);
    await page.locator('[data-testid=claims] li').first().waitFor();
    expect(await page.getByTestId('claim-author').allTextContents()).toContain('Aigerim дәйегі');
    // The printed evidence sheet says whose copy it is, and never signs it off with B's own key.
    expect(await page.getByTestId('ev-captured-by').textContent()).toContain('Aigerim, командадағы әріптес');
    await page.screenshot({ path: artifactPath('team-colleague-reader-kk.png') });
    await page.close();
  });
});

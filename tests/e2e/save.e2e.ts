import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popupWithOffer } from './fallback-offer';
import { chromium, type Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, serveFixtures, artifactPath, tabIdOf, SEED, type Session } from './harness';
import { findChrome } from '../../scripts/chrome.mjs';
import type { FixtureServer } from '../../scripts/server.mjs';
import { pageKeys } from '../../utils/url';
import type { CaptureRecord } from '../../utils/db';
import { makeClaim } from './highlight-helpers';

let server: FixtureServer;
let session: Session;
let seedUrl: string;
let pageId: string;

/** Ask the background from an extension page, as the extension's own pages do. */
async function ask<T>(page: Page, msg: object): Promise<T> {
  const res = (await page.evaluate((m) => chrome.runtime.sendMessage(m), msg)) as { ok: boolean; value: T; error?: { message: string } };
  if (!res.ok) throw new Error(res.error?.message);
  return res.value;
}

/** Every request a page makes (network and otherwise), to assert a copy opens offline. */
function requestLog(page: Page): string[] {
  const log: string[] = [];
  page.on('request', (r) => log.push(r.url()));
  return log;
}
const network = (log: string[]) => log.filter((u) => /^(https?|wss?|ftp):/i.test(u));

async function openSeed(path = '/seed/index.html'): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(`${server.origin}${path}`);
  // The site's lazy loader replaces two placeholders 300 ms after load.
  await page.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);
  return page;
}

beforeAll(async () => {
  server = await serveFixtures();
  seedUrl = `${server.origin}/seed/index.html`;
  session = await launch({ lang: 'kk' });
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('save, read offline, fall back when blocked (Chromium, kk)', () => {
  let helper: Page;

  it('saves the seed article from the popup and keeps a full capture record', async () => {
    const article = await openSeed();
    const tabId = await tabIdOf(session, article);
    // The popup opened as a tab keeps the window's size: a smaller emulated viewport
    // here would also be what captureVisibleTab sees of the article tab.
    const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.getByTestId('save-page').click();
    await popup.getByTestId('save-status').filter({ hasText: 'Сақталды' }).waitFor({ timeout: 60_000 });
    expect(await popup.getByTestId('save-status').textContent()).toContain('Сақталған нұсқалар: 1');
    // The screenshot follows the ✓ (tests/e2e/save-screenshot.e2e.ts): the popup says when it is added.
    await popup.locator('[data-testid=screenshot-state][data-state=ok]').waitFor({ timeout: 60_000 });
    expect(await popup.getByTestId('screenshot-state').textContent()).toBe('Скриншот қосылды');
    await popup.getByTestId('open-copy').waitFor();
    await popup.screenshot({ path: artifactPath('save-popup-kk.png'), clip: { x: 0, y: 0, width: 344, height: 420 } });
    helper = popup;

    const view = await ask<{ page: { id: string; title: string; byline: string; lang: string }; capture: CaptureRecord }>(popup, {
      type: 'page.get',
      keys: pageKeys(seedUrl),
    });
    pageId = view.page.id;
    expect(view.page).toMatchObject({ byline: 'Мәншүк Асаутай', lang: 'kk' });
    const c = view.capture;
    expect(c.url).toBe(seedUrl);
    expect(c.finalUrl).toBe(seedUrl);
    expect(c.capturedAt).toMatch(/Z$/);
    expect(c.browser).toMatch(/Chrom/);
    expect(c.extensionVersion).toMatch(/^\d+\.\d+\.\d+$/);
    const kinds = c.artifacts.map((a) => a.kind).filter((k) => k !== 'resource').sort();
    expect(kinds).toEqual(['article', 'image', 'image', 'image', 'raw', 'screenshot', 'snapshot']);
    // The page's other loads (stylesheet, logo, the images outside the article) are kept once each for the web archive.
    const resources = c.artifacts.filter((a) => a.kind === 'resource').map((a) => new URL(a.sourceUrl!).pathname).sort();
    expect(resources).toContain('/seed/style.css');
    expect(resources).toContain('/seed/img/logo.svg');
    expect(new Set(c.artifacts.map((a) => a.sha256)).size).toBe(c.artifacts.length);
    // The raw HTML is byte for byte what the server sent.
    const raw = c.artifacts.find((a) => a.kind === 'raw')!;
    expect(raw.sha256).toBe(createHash('sha256').update(readFileSync(join(SEED, 'index.html'))).digest('hex'));
    // Images: the srcset one and the two the site loaded late, not the thumbnails.
    expect(c.artifacts.filter((a) => a.kind === 'image').map((a) => a.sourceUrl)).toEqual([
      `${server.origin}/seed/img/brussels-meeting.png`,
      `${server.origin}/seed/img/akylbekova-2021.png`,
      `${server.origin}/seed/img/lazy-roundtable.png`,
    ]);
    console.log(
      `[measure] seed page: ${c.artifacts.map((a) => `${a.kind} ${a.size} B`).join(', ')}; timings ${JSON.stringify(c.notes?.timingsMs)}`,
    );
    await article.close();
  });

  it('shows the copy in the reader with title, byline, lang, images, and makes no network request', async () => {
    const logBefore = server.log.length;
    const reader = await session.context.newPage();
    const requests = requestLog(reader);
    await reader.goto(`chrome-extension://${session.extensionId}/reader.html?page=${encodeURIComponent(pageId)}`);
    await reader.getByTestId('title').waitFor();
    expect(await reader.getByTestId('title').textContent()).toContain('Мақсат – кінәлау емес');
    expect(await reader.getByTestId('byline').textContent()).toBe('Мәншүк Асаутай');
    expect(await reader.getByTestId('article').getAttribute('lang')).toBe('kk');
    expect(await reader.getByTestId('article').getAttribute('dir')).toBe('ltr');
    // Published as the page states it: 24 June 2026, 11:12 (+05:00).
    expect(await reader.locator('article header time').textContent()).toMatch(/(2026-06-24|24\.06\.2026).*11:12/);
    await reader.waitForFunction(() => [...document.querySelectorAll('[data-testid=article-body] img')].every((i) => (i as HTMLImageElement).complete));
    const sizes = await reader.$$eval('[data-testid=article-body] img', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(sizes).toHaveLength(3);
    expect(sizes.every((w) => w > 0)).toBe(true);
    const text = await reader.getByTestId('article-body').textContent();
    expect(text).toContain('Ең маңыздысы – адам әділдікті өз елінің ішінде таба алуы керек.');
    expect(text).not.toContain('ОҚИ ОТЫРЫҢЫЗ');
    // Capture record shown with its hashes.
    expect(await reader.getByTestId('sha-snapshot').textContent()).toMatch(/^[0-9a-f]{64}$/);
    await reader.screenshot({ path: artifactPath('reader-kk.png'), fullPage: false });

    await reader.getByTestId('theme').selectOption('dark');
    // The theme applies from an effect after the render: wait for it rather than read at once.
    await expect.poll(() => reader.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(21, 24, 28)');
    await reader.screenshot({ path: artifactPath('reader-kk-dark.png') });
    await reader.getByTestId('theme').selectOption('auto');

    expect(network(requests)).toEqual([]);
    expect(server.log.length).toBe(logBefore);
    await reader.close();
  });

  it('a claim made in the reader belongs to the live page, and one made on the page shows in the reader', async () => {
    const reader = await session.context.newPage();
    await reader.goto(`chrome-extension://${session.extensionId}/reader.html?page=${encodeURIComponent(pageId)}`);
    const para = reader.getByTestId('article-body').locator('p').nth(1);
    await para.waitFor();
    await para.scrollIntoViewIfNeeded();
    // Select words of the second paragraph with the mouse, then press the button.
    const box = (await para.boundingBox())!;
    await reader.mouse.move(box.x + 1, box.y + 8);
    await reader.mouse.down();
    await reader.mouse.move(box.x + box.width * 0.6, box.y + 8, { steps: 8 });
    await reader.mouse.up();
    const selected = (await reader.evaluate(() => getSelection()!.toString())).replace(/\s+/g, ' ').trim();
    expect(selected.length).toBeGreaterThan(10);
    expect('Тоқаев 22-23 маусым Бельгия астанасы Брюссельде болып').toContain(selected.slice(0, 20));
    await reader.getByTestId('highlight').click();
    await reader.locator('[data-testid=claims] li').first().waitFor();
    expect(await reader.locator('[data-testid=claims] li .claim .quote').first().textContent()).toContain(selected);
    // Pressing the claim in the list takes the reader to it, and it flashes.
    await reader.keyboard.press('Escape');
    await reader.locator('[data-testid=claims] li button.quote').first().click();
    await reader.waitForFunction(() => (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-flash')?.size === 1);
    expect(
      (await reader.evaluate(() => [...(CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-flash')!][0].toString())).replace(/\s+/g, ' ').trim(),
    ).toBe(selected);
    expect(await reader.evaluate(() => (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-yellow')?.size)).toBe(1);

    // The live page's keys find the claim, and its content script paints it on the page.
    const live = await ask<{ annotations: { target: { source: string } }[] }>(reader, { type: 'page.get', keys: pageKeys(`${seedUrl}?utm_source=telegram`) });
    expect(live.annotations).toHaveLength(1);
    const article = await openSeed();
    const tabId = await tabIdOf(session, article);
    await expect
      .poll(
        async () =>
          ((await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'anchors' }), tabId)) as { claims: { text: string }[] }).claims.map(
            (c) => c.text,
          ),
        { timeout: 15_000 },
      )
      .toEqual([selected]);

    // A claim made on the live page with its toolbar (mouse selection, green, a tag) shows in the reader.
    const quote = 'Брюссельдегі кездесу Қазақстан үшін маңызды.';
    await makeClaim(article, quote, 1, { color: 'green', tags: ['EU'] });
    await article.close();
    await reader.locator('[data-testid=claims] li').nth(1).waitFor();
    await reader.waitForFunction(() => (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-green')?.size === 1);
    const painted = await reader.evaluate(() => [...(CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get('saqta-green')!][0].toString());
    expect(painted).toBe(quote);
    expect(await reader.locator('[data-testid=claims] .chip').first().textContent()).toBe('EU');
    await reader.screenshot({ path: artifactPath('reader-kk-claims.png') });
    await reader.close();
  });

  it('saves a right-to-left page and shows it right to left', async () => {
    const url = `${server.origin}/fixtures/readability/rtl-1/source.html`;
    const page = await session.context.newPage();
    await page.goto(url);
    const tabId = await tabIdOf(session, page);
    // The context menu's path: the background sends the tab the 'save-page' command.
    const before = server.log.length;
    await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'save-page' }), tabId);
    const saved = await ask<{ page: { id: string } | null; capture: CaptureRecord | null }>(helper, { type: 'page.get', keys: pageKeys(url) });
    expect(saved.capture?.url).toBe(url);
    expect(server.log.length).toBeGreaterThan(before); // the raw HTML was refetched
    const reader = await session.context.newPage();
    const requests = requestLog(reader);
    await reader.goto(`chrome-extension://${session.extensionId}/reader.html?page=${encodeURIComponent(saved.page!.id)}`);
    await reader.getByTestId('title').waitFor();
    expect(await reader.getByTestId('article').getAttribute('dir')).toBe('rtl');
    await reader.screenshot({ path: artifactPath('reader-rtl-1.png') });
    expect(network(requests)).toEqual([]);

    // The site now answers 451 Unavailable For Legal Reasons: the site's page stays, and the popup offers the copy and says why.
    server.override('/fixtures/readability/rtl-1/source.html', { status: 451 });
    await page.goto(url).catch(() => undefined);
    const offer = await popupWithOffer(session, url);
    expect(await offer.getByTestId('offer-reason').textContent()).toContain('451');
    expect(page.url()).toBe(url);
    await offer.getByTestId('open-my-copy').click();
    await page.waitForURL(/reader\.html/, { timeout: 15_000 });
    await page.getByTestId('title').waitFor();
    expect(await page.getByTestId('article').getAttribute('dir')).toBe('rtl');
    server.override('/fixtures/readability/rtl-1/source.html', null);
    await Promise.all([page.close(), reader.close()]);
  });

  it('the largest fixture saves too (sizes and times for the record)', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/fixtures/readability/guardian-1/source.html`, { waitUntil: 'load' });
    const tabId = await tabIdOf(session, page);
    const started = Date.now();
    const saved = await ask<{ capture: CaptureRecord }>(helper, { type: 'save.page', tabId, wait: 'screenshot' });
    const c = saved.capture;
    console.log(
      `[measure] guardian-1 (1.2 MB source): ${Date.now() - started} ms wall; ${c.artifacts
        .filter((a) => a.kind !== 'image')
        .map((a) => `${a.kind} ${a.size} B`)
        .join(', ')}; ${c.artifacts.filter((a) => a.kind === 'image').length} images; timings ${JSON.stringify(c.notes?.timingsMs)}`,
    );
    expect(c.artifacts.some((a) => a.kind === 'snapshot')).toBe(true);
    await page.close();
  });

  it('an image whose server never answers does not hold the save: the copy is stored and the record lists it as failed', async () => {
    const stalled = '/fixtures/readability/base-url/foo/bar/baz.png';
    server.override(stalled, { delay: new Promise(() => undefined) });
    try {
      const page = await session.context.newPage();
      await page.goto(`${server.origin}/fixtures/readability/base-url/source.html`, { waitUntil: 'domcontentloaded' });
      const tabId = await tabIdOf(session, page);
      const started = Date.now();
      const saved = await ask<{ capture: CaptureRecord }>(helper, { type: 'save.page', tabId });
      const ms = Date.now() - started;
      console.log(`[measure] save with a stalled image: ${ms} ms`);
      expect(ms).toBeLessThan(45_000);
      expect(saved.capture.notes?.failedResources).toContain(`${server.origin}${stalled}`);
      expect(saved.capture.artifacts.some((a) => a.kind === 'snapshot')).toBe(true);
      await page.close();
    } finally {
      server.override(stalled, null);
    }
  }, 90_000);

  it('Alt+Shift+S on the edited article keeps a second version and shows what changed', async () => {
    server.override('/seed/index.html', { file: join(SEED, 'edited.html') });
    const page = await openSeed();
    await page.locator('h1').click();
    await page.keyboard.press('Alt+Shift+KeyS');
    await expect
      .poll(async () => (await ask<{ captures: unknown[] }>(helper, { type: 'save.captures', pageId })).captures.length, { timeout: 60_000 })
      .toBe(2);
    server.override('/seed/index.html', null);
    const reader = await session.context.newPage();
    await reader.goto(`chrome-extension://${session.extensionId}/reader.html?page=${encodeURIComponent(pageId)}`);
    await reader.getByTestId('changes').waitFor();
    expect(await reader.locator('[data-testid=versions] li').count()).toBe(2);
    expect(await reader.locator('[data-testid=changes] ins, [data-testid=changes] del').count()).toBeGreaterThan(0);
    await reader.getByTestId('changes').screenshot({ path: artifactPath('reader-changes-kk.png') });
    await Promise.all([page.close(), reader.close()]);
  });

  it('the snapshot opens offline in a fresh browser: images present, no scripts, header there, hash matches', async () => {
    const captures = (await ask<{ captures: CaptureRecord[] }>(helper, { type: 'save.captures', pageId })).captures;
    const first = captures.at(-1)!;
    const ref = first.artifacts.find((a) => a.kind === 'snapshot')!;
    // Download the file the way a person does: the reader's download link.
    const reader = await session.context.newPage();
    await reader.goto(`chrome-extension://${session.extensionId}/reader.html?page=${encodeURIComponent(pageId)}&capture=${encodeURIComponent(first.id)}`);
    const [download] = await Promise.all([reader.waitForEvent('download'), reader.getByTestId('download-snapshot').click()]);
    const file = artifactPath('seed-snapshot.html');
    await download.saveAs(file);
    // The full-page screenshot: a PNG as tall as the page plus the dated strip, its hash on record.
    const [shot] = await Promise.all([reader.waitForEvent('download'), reader.getByTestId('download-screenshot').click()]);
    const shotFile = artifactPath('seed-screenshot.png');
    await shot.saveAs(shotFile);
    const png = readFileSync(shotFile);
    expect(createHash('sha256').update(png).digest('hex')).toBe(first.artifacts.find((a) => a.kind === 'screenshot')!.sha256);
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(2000);
    await reader.close();
    const bytes = readFileSync(file);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.sha256);
    expect(bytes.byteLength).toBe(ref.size);

    const profile = mkdtempSync(join(tmpdir(), 'saqta-offline-'));
    const offline = await chromium.launchPersistentContext(profile, {
      executablePath: findChrome()!,
      headless: true,
      offline: true,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    try {
      const page = await offline.newPage();
      const requests = requestLog(page);
      await page.goto(`file://${file}`);
      await page.waitForLoadState('load');
      const imgs = await page.$$eval('img', (all) => all.map((i) => ({ w: (i as HTMLImageElement).naturalWidth, h: (i as HTMLImageElement).naturalHeight })));
      expect(imgs.length).toBeGreaterThanOrEqual(7);
      expect(imgs.every((i) => i.w > 0 && i.h > 0)).toBe(true);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __fixtureAnalytics?: unknown }).__fixtureAnalytics)).toBeUndefined();
      expect(await page.locator('meta[name="saqta:url"]').getAttribute('content')).toBe(seedUrl);
      expect(await page.locator('meta[name="saqta:captured-at"]').getAttribute('content')).toBe(first.capturedAt);
      expect(bytes.toString('utf8')).toMatch(/<!--\s+Archived with Saqta/);
      // Styled as the page was: the site's stylesheet applies.
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')!).display)).not.toBe('');
      expect(network(requests)).toEqual([]);
      await page.screenshot({ path: artifactPath('snapshot-offline.png') });
    } finally {
      await offline.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('when the site is down, navigating to the article offers the copy, and it opens the copy with claims and images', async () => {
    await server.close();
    const page = await session.context.newPage();
    const requests = requestLog(page);
    // Reached through a shared link with tracking parameters: the same article.
    const link = `${seedUrl}?utm_source=telegram&fbclid=abc`;
    await page.goto(link).catch(() => undefined);
    // The browser's own error stays in the tab; Saqta's popup offers the copy.
    const offer = await popupWithOffer(session, link);
    expect(page.url()).toMatch(/^chrome-error:/);
    expect(await offer.getByTestId('offer-reason').textContent()).toContain('бас тартты');
    await offer.screenshot({ path: artifactPath('blocked-offer-kk.png'), clip: { x: 0, y: 0, width: 372, height: 420 } });
    const before = network(requests).length; // the one failed attempt at the site
    await offer.getByTestId('open-my-copy').click();
    await page.waitForURL(/reader\.html/);
    await page.getByTestId('title').waitFor();
    await page.locator('[data-testid=claims] li').nth(1).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=article-body] img')].every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    expect(await page.locator('[data-testid=article-body] img').count()).toBe(3);
    expect(network(requests).length).toBe(before);
    await page.close();
  });
});

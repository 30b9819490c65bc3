/**
 * Privacy: across a whole reading session the extension makes no network
 * request of its own (watching is off by default; its alarm fires in the session
 * and, with nothing watched, asks no site anything). Every request Chromium makes goes through a logging
 * proxy (tests/e2e/network.ts); the same pages are first visited in the same
 * Chromium without Saqta to learn which requests are the pages' own. With
 * Saqta, the browser may make only those.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, serveFixtures, tabIdOf, request, type Session } from './harness';
import { makeClaim } from './highlight-helpers';
import { launchPlain, proxyArgs, startLoggingProxy, watchRequests, type LoggingProxy } from './network';
import type { FixtureServer } from '../../scripts/server.mjs';

let server: FixtureServer;
let proxy: LoggingProxy;
beforeAll(async () => {
  server = await serveFixtures();
  proxy = await startLoggingProxy(server.origin);
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const PAGES = ['/seed/index.html', '/seed/edited.html'];

/**
 * Chromium's own service requests, made by the browser without any extension
 * (network time, component updates, account checks, autofill; seen in the baseline run
 * too). Listed so that a slow baseline cannot make the test flaky; matched by
 * exact endpoint, so a request to any other Google host (fonts, analytics)
 * still fails the test.
 */
const CHROMIUM_OWN = new Set([
  'GET http://clients2.google.com/time/1/current',
  'POST http://update.googleapis.com/service/update2/json',
  'CONNECT update.googleapis.com:443',
  'CONNECT accounts.google.com:443',
  'CONNECT content-autofill.googleapis.com:443',
  'CONNECT optimizationguide-pa.googleapis.com:443',
  'CONNECT safebrowsingohttpgateway.googleapis.com:443',
  // Debian's Chromium 150 on a fresh machine (issue 22), with or without any extension.
  'CONNECT www.google.com:443',
]);

/** A request's identity: the full URL for the test pages, the endpoint for anything else. */
const keyOf = (r: { method: string; url: string }) =>
  r.url.startsWith(server.origin) ? r.url : `${r.method} ${r.url.split('?')[0]}`;

/** Read a page the way a person does: load it, scroll to the end and back. */
async function read(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.origin}${path}`, { waitUntil: 'load' });
  await page.mouse.wheel(0, 20_000);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  // Lazy images load on scroll; give them, and anything else, time to go out.
  await page.waitForTimeout(800);
  await page.mouse.wheel(0, -20_000);
  return page;
}

describe('privacy: Saqta makes no network requests of its own', () => {
  let baseline: Set<string>;

  it('learns what the test pages request without Saqta (baseline)', async () => {
    const plain = await launchPlain(proxy.url);
    for (const path of PAGES) await (await read(plain.context, path)).close();
    await plain.close();
    baseline = new Set(proxy.log.map(keyOf));
    expect([...baseline]).toEqual(expect.arrayContaining([`${server.origin}/seed/index.html`, `${server.origin}/seed/style.css`]));
    // Whatever else the browser reached without Saqta is its own (a browser version may phone a
    // service the list above does not name): learned here, subtracted below, and printed.
    const learned = proxy.log.filter((r) => !r.url.startsWith(server.origin) && !CHROMIUM_OWN.has(keyOf(r))).map(keyOf);
    if (learned.length) console.log(`privacy: the browser's own requests, learned without Saqta: ${[...new Set(learned)].join(', ')}`);
    proxy.log.length = 0;
  });

  it('with Saqta: reading, highlighting, popup, side panel, saving, reader, library, settings, reload — only the pages’ own requests', async () => {
    let session: Session | undefined;
    try {
      session = await launch({ args: proxyArgs(proxy.url) });
      const attributed = watchRequests(session.context);
      for (const path of PAGES) {
        const article = await read(session.context, path);
        const tabId = await tabIdOf(session, article);
        const status = await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'status' }), tabId);
        expect(status).toMatchObject({ alive: true });

        // The reader highlights a claim with a tag and a note, through the in-page toolbar.
        await makeClaim(article, 'Тоқаев', 1, { color: 'pink', tags: ['privacy'], note: 'checked' });

        // Saving fetches the page's own resources from the background, and only then.
        const beforeSave = attributed.length;
        const saved = await request<{ ok: boolean; value: { pageId: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
        expect(saved.ok).toBe(true);
        const saveFetches = attributed.splice(beforeSave);
        expect(saveFetches.filter((r) => !baseline.has(r.url)), 'a save fetches only what the page itself loads').toEqual([]);
        const reader = await session.openExtensionPage(`reader.html?page=${encodeURIComponent(saved.value.pageId)}`);
        await reader.locator('article, main').first().waitFor();
        await reader.waitForTimeout(500);
        await reader.close();

        const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
        await popup.getByTestId('claim-count').waitFor();
        const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
        await panel.getByRole('heading', { level: 1 }).waitFor();
        await article.reload({ waitUntil: 'load' });
        await Promise.all([popup.close(), panel.close()]);
        await article.close();
      }
      const library = await session.openExtensionPage('library.html');
      await library.getByTestId('search').fill('Тоқаев');
      await library.waitForTimeout(500);
      const options = await session.openExtensionPage('options.html');
      await options.getByTestId('persisted').waitFor();
      // Watching is off by default: nothing is watched, and a round of its alarm (fired now) asks no site anything.
      await options.getByTestId('watch-count').filter({ hasText: /\b0\b/ }).waitFor();
      const watch = await request<{ value: { watched: number } }>(session, { type: 'watch.settings' });
      expect(watch.value.watched).toBe(0);
      await session.worker.evaluate(() => chrome.alarms.create('saqta-watch', { when: Date.now() }));
      // Give delayed work (timers, alarms, idle callbacks) a chance to phone home.
      await options.waitForTimeout(3000);
      await Promise.all([library.close(), options.close()]);

      const foreign = proxy.log.filter((r) => !baseline.has(keyOf(r)) && !CHROMIUM_OWN.has(keyOf(r)));
      expect(foreign, 'requests neither the pages nor the browser make on their own').toEqual([]);
      expect(attributed.filter((r) => r.from !== 'web-page' || r.byExtensionScript)).toEqual([]);
      // The session did happen through the proxy (the test can see requests).
      expect(proxy.log.some((r) => r.url === `${server.origin}/seed/index.html`)).toBe(true);
    } finally {
      await session?.close();
    }
  });
});

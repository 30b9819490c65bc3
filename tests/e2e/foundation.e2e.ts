import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, serveFixtures, artifactPath, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';

let server: FixtureServer;
beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await server?.close();
});

for (const lang of ['en', 'kk', 'ru'] as const) {
  describe(`extension in a real Chromium (${lang})`, () => {
    let session: Session;
    beforeAll(async () => {
      session = await launch({ lang });
    });
    afterAll(async () => {
      await session?.close();
    });

    it('starts its service worker and knows its id', async () => {
      expect(session.extensionId).toMatch(/^[a-p]{32}$/);
      const res = await session.worker.evaluate(() => chrome.runtime.getManifest().version);
      expect(res).toMatch(/^\d+\.\d+\.\d+$/);
    });

    it('runs its content script on the seed article, and the page sees no trace of it', async () => {
      const page = await session.context.newPage();
      await page.goto(`${server.origin}/seed/index.html`);
      const tabId = await tabIdOf(session, page);
      const status = await session.worker.evaluate(
        (id) => chrome.tabs.sendMessage(id, { command: 'status' }),
        tabId,
      );
      expect(status).toMatchObject({ alive: true, url: `${server.origin}/seed/index.html` });
      expect((status as { title: string }).title).toContain('Тоқаев');
      // The content script adds nothing to the page's DOM by merely running.
      const bodyBefore = await page.evaluate(() => document.body.innerHTML);
      expect(bodyBefore).not.toContain('saqta');
      await page.close();
    });

    it('renders the popup and side panel in the browser language', async () => {
      const article = await session.context.newPage();
      await article.goto(`${server.origin}/seed/index.html`);
      const tabId = await tabIdOf(session, article);
      const expected = { en: 'Claims on this page', kk: 'Осы беттегі дәйектер', ru: 'Утверждения на этой странице' }[lang];

      const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
      await popup.setViewportSize({ width: 340, height: 300 });
      await popup.getByTestId('claim-count').waitFor();
      expect(await popup.evaluate(() => document.documentElement.lang)).toBe(lang);
      expect(await popup.getByTestId('claim-count').textContent()).toContain(
        { en: 'Claims on this page: 0', kk: 'Осы беттегі дәйектер: 0', ru: 'Утверждений на странице: 0' }[lang],
      );
      await popup.screenshot({ path: artifactPath(`popup-${lang}.png`) });

      const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
      await panel.setViewportSize({ width: 400, height: 600 });
      await panel.getByRole('heading', { level: 1 }).waitFor();
      expect(await panel.getByRole('heading', { level: 1 }).textContent()).toBe(expected);
      await panel.getByTestId('empty').waitFor();
      await panel.screenshot({ path: artifactPath(`sidepanel-${lang}.png`) });
      await Promise.all([popup.close(), panel.close(), article.close()]);
    });

    it('opens the library and the options page', async () => {
      const library = await session.openExtensionPage('library.html');
      await library.getByTestId('empty').waitFor();
      expect(await library.title()).toBe({ en: 'Saqta library', kk: 'Saqta кітапханасы', ru: 'Библиотека Saqta' }[lang]);
      const options = await session.openExtensionPage('options.html');
      await options.getByTestId('persisted').waitFor();
      await options.screenshot({ path: artifactPath(`options-${lang}.png`) });
      await Promise.all([library.close(), options.close()]);
    });
  });
}

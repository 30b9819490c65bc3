import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, artifactPath, launch, serveFixtures, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { anchorsOf, clickControl, makeClaim, settledAnchors, uiText, waitControl, waitFocus } from './highlight-helpers';

let server: FixtureServer;
beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await server?.close();
});

const CLAIMS = [
  { text: 'Тоқаев сапары және Еуроодаққа хат', occurrence: 1, color: 'blue', tags: ['Тоқаев'] },
  { text: '34 сирек металдың 21-ін бере алады', occurrence: 1, color: 'green', tags: ['Экономика'], note: 'Check against the EU raw-materials list.' },
  { text: 'Егер біреу баланы итеріп жіберсе, ұрып немесе қорлап қойса', occurrence: 1, color: 'pink', tags: ['Құқық', 'Әділдік'] },
  { text: 'Азаптау салдарынан күйеуінен айырылған әйел бар.', occurrence: 1, color: 'yellow', tags: ['Құқық'] },
];

for (const lang of ['en', 'kk'] as const) {
  describe(`side panel (${lang})`, () => {
    let session: Session;
    beforeAll(async () => {
      session = await launch({ lang });
    });
    afterAll(async () => {
      await session?.close();
    });

    it('lists the claims in document order with tags and notes, an Orphans section, filters, shows, edits and deletes live', async () => {
      const page = await session.context.newPage();
      await page.goto(`${server.origin}/seed/index.html`);
      await page.waitForTimeout(600);
      for (const c of CLAIMS) await makeClaim(page, c.text, c.occurrence, c);
      // Clicking a highlight opens the same toolbar on it, with its tags; the tag field offers existing tags.
      const tab0 = await tabIdOf(session, page);
      await page.evaluate(() => window.scrollTo(0, 300));
      await page.waitForTimeout(100);
      const metals = (await anchorsOf(session, tab0)).claims.find((c) => c.text === CLAIMS[1].text)!;
      await page.mouse.click(metals.boxes[0].x + 20, metals.boxes[0].y + metals.boxes[0].height / 2);
      await waitControl(page, 'rm-Экономика');
      await clickControl(page, 'tag');
      await waitFocus(page, 'tag-input').catch(async (e) => {
        await page.screenshot({ path: artifactPath(`toolbar-fail-${lang}.png`) });
        throw new Error(`${e} UI: ${await uiText(page)}`);
      });
      await page.keyboard.type('Құ');
      await expect.poll(() => uiText(page)).toContain('Құқық');
      await page.screenshot({ path: artifactPath(`toolbar-${lang}.png`) });
      await page.keyboard.press('Escape');
      // The site edits the article: one paragraph is gone.
      server.override('/seed/index.html', { file: join(SEED, 'edited.html') });
      try {
        await page.reload();
        const tabId = await tabIdOf(session, page);
        const report = await settledAnchors(session, tabId, CLAIMS.length);
        expect(report.orphans).toHaveLength(1);

        const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
        await panel.setViewportSize({ width: 400, height: 900 });
        const claims = panel.getByTestId('claims').locator('article');
        await expect.poll(() => claims.count()).toBe(3);
        // Document order: headline, then the metals sentence, then the pull quote.
        const quotes = await claims.locator('.quote').allTextContents();
        expect(quotes.map((q) => q.replace(/^.*?: /, ''))).toEqual([CLAIMS[0].text, CLAIMS[1].text, CLAIMS[3].text]);
        expect(await claims.nth(1).locator('.chip').allTextContents()).toEqual(['Экономика']);
        expect(await claims.nth(1).locator('.note').textContent()).toBe(CLAIMS[1].note);
        // The orphan is listed with its quote and tags, never dropped.
        const orphans = panel.getByTestId('orphans');
        await expect.poll(() => orphans.locator('article').count()).toBe(1);
        expect(await orphans.getByRole('heading').textContent()).toContain({ en: 'Orphans', kk: 'Жетім дәйектер' }[lang]);
        expect(await orphans.locator('.quote').textContent()).toBe(CLAIMS[2].text);
        expect(await orphans.locator('.chip').allTextContents()).toEqual(['Құқық', 'Әділдік']);
        await panel.screenshot({ path: artifactPath(`sidepanel-claims-${lang}.png`), fullPage: true });

        // Filter by tag: only the claims tagged Құқық (one placed, one orphan).
        await panel.getByRole('combobox').selectOption('Құқық');
        await expect.poll(() => claims.count()).toBe(1);
        expect(await orphans.locator('article').count()).toBe(1);
        await panel.getByRole('combobox').selectOption('');

        // Click the quote: the page scrolls to it.
        await page.evaluate(() => window.scrollTo(0, 0));
        await claims.nth(2).locator('.quote').click();
        await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(200);
        const placed = (await anchorsOf(session, tabId)).claims.find((c) => c.text.startsWith('Азаптау'))!;
        expect(placed.boxes[0].y).toBeGreaterThan(0);
        expect(placed.boxes[0].y).toBeLessThan(900);

        // Edit in place: tags and note; the page's content script sees it live.
        await claims.nth(0).getByRole('button', { name: { en: 'Edit', kk: 'Өңдеу' }[lang] }).click();
        await claims.nth(0).getByRole('textbox').first().fill('Тоқаев, Сапар');
        await claims.nth(0).locator('textarea').fill('Headline claim');
        await claims.nth(0).getByRole('button', { name: { en: 'Done', kk: 'Дайын' }[lang] }).click();
        await expect.poll(() => claims.nth(0).locator('.chip').allTextContents()).toEqual(['Тоқаев', 'Сапар']);
        expect(await claims.nth(0).locator('.note').textContent()).toBe('Headline claim');

        // Delete in place: gone from the panel and from the page's overlay.
        await claims.nth(1).getByRole('button', { name: { en: 'Delete', kk: 'Жою' }[lang] }).click();
        await expect.poll(() => claims.count()).toBe(2);
        await expect.poll(async () => (await anchorsOf(session, tabId)).claims.length).toBe(2);

        // A new claim made in the page reaches the panel as a delta (issue 26): no full reload (the tab's status, its
        // anchors and the page, three round trips), no reading of the claims; the tab is asked only where it landed.
        await panel.evaluate(() => {
          type Api = Record<string, { sendMessage: ((...a: unknown[]) => unknown) & { counted?: true } }>;
          const w = window as unknown as { sent: string[]; chrome?: Api; browser?: Api };
          w.sent = [];
          for (const api of new Set([w.chrome, w.browser].filter(Boolean) as Api[])) {
            for (const area of ['runtime', 'tabs']) {
              const orig = api[area]?.sendMessage;
              if (!orig || orig.counted) continue;
              const counted = Object.assign(
                function (this: unknown, ...args: unknown[]) {
                  const msg = args.find((x) => x && typeof x === 'object') as { type?: string; command?: string } | undefined;
                  w.sent.push(msg?.type ?? msg?.command ?? '?');
                  return orig.apply(this, args);
                },
                { counted: true as const },
              );
              api[area]!.sendMessage = counted;
            }
          }
        });
        const sent = () => panel.evaluate(() => (window as unknown as { sent: string[] }).sent.slice());
        const NEW = 'құқық қорғаушы Роза Ақылбековадан сұхбат алып';
        await makeClaim(page, NEW, 1, { color: 'green', tags: ['Сұхбат'] });
        await expect.poll(() => claims.count()).toBe(3);
        await expect.poll(() => claims.locator('.quote').allTextContents()).toContainEqual(expect.stringContaining(NEW));
        await expect.poll(() => claims.filter({ hasText: NEW }).locator('.chip').allTextContents()).toEqual(['Сұхбат']);
        // The tab was asked where the claim landed (the count sees the panel's messages) …
        await expect.poll(sent).toContain('anchors');
        await page.waitForTimeout(500);
        // … and nothing else: no status, no page, no claims read again.
        expect((await sent()).filter((m) => m !== 'anchors')).toEqual([]);
        // The panel still shows the right claims, in document order: what the tab reports.
        const order = (await anchorsOf(session, tabId)).claims.map((c) => c.text);
        expect(order).toHaveLength(3);
        expect((await claims.locator('.quote').allTextContents()).map((q) => q.replace(/^.*?: /, ''))).toEqual(order.map((t) => expect.stringContaining(t.slice(0, 20))));
        expect(await orphans.locator('article').count()).toBe(1);
        await panel.close();
        await page.close();
      } finally {
        server.override('/seed/index.html', null);
      }
    });
  });
}

/**
 * Revisit detection: the reader saved the seed article with claims; the site
 * edits it (edited.html served at the same URL); on the next visit the side
 * panel and popup say what changed, each affected claim shows its words
 * before → after, unchanged claims are not listed, a discreet notice appears
 * in Saqta's closed in-page UI, and one click saves the current version.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, artifactPath, launch, request, serveFixtures, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { makeClaim, uiText } from './highlight-helpers';
import { axeViolations } from './axe';

let server: FixtureServer;
beforeAll(async () => {
  server = await serveFixtures();
});
afterAll(async () => {
  await server?.close();
});

const CLAIMS = {
  typo: 'Украинада кісі қолынан қаза тапқан қазақстандық журналисінт Айдос Садықовтың',
  number: '12 млрд доллардан асатын коммерциялық келісімге',
  removed: 'Егер біреу баланы итеріп жіберсе, ұрып немесе қорлап қойса',
  same: '34 сирек металдың 21-ін бере алады',
};

const TEXT = {
  en: { summary: 'Changed since your copy of', edited: 'edited:', removed: 'removed:', notice: 'changed since your saved copy', saved: 'Saved as a new version' },
  kk: { summary: 'нұсқаңыздан бері өзгерген', edited: 'өзгертілді:', removed: 'алынып тасталды:', notice: 'сақтаған нұсқадан кейін өзгерді', saved: 'Жаңа нұсқа ретінде сақталды' },
};

for (const lang of ['en', 'kk'] as const) {
  describe(`revisit: the site edited a saved article (${lang})`, () => {
    let session: Session;
    beforeAll(async () => {
      session = await launch({ lang });
    });
    afterAll(async () => {
      server.override('/seed/index.html', null);
      await session?.close();
    });

    // The whole path in English; in Kazakh the same panel with fewer claims (the screenshot and the texts), to keep the suite short.
    const full = lang === 'en';
    it('lists changed paragraphs and each affected claim before → after; one click saves the new version', async () => {
      const page = await session.context.newPage();
      await page.goto(`${server.origin}/seed/index.html`);
      for (const text of full ? Object.values(CLAIMS) : [CLAIMS.typo, CLAIMS.same]) await makeClaim(page, text, 1);
      const tabId = await tabIdOf(session, page);
      const saved = await request<{ ok: boolean; value: { pageId: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
      expect(saved.ok).toBe(true);
      const { pageId } = saved.value;

      // Unchanged on reload: nothing is said.
      await page.reload();
      const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
      await panel.setViewportSize({ width: 420, height: 1000 });
      await panel.getByTestId('watch-toggle').waitFor();
      expect(await panel.getByTestId('changed-since').count()).toBe(0);

      // The site edits the article.
      server.override('/seed/index.html', { file: join(SEED, 'edited.html') });
      await page.reload();
      const box = panel.getByTestId('changed-since');
      await box.waitFor({ timeout: 30_000 });
      const summary = (await panel.getByTestId('changed-summary').textContent())!;
      expect(summary).toContain(TEXT[lang].summary);
      // 3 claims affected: the typo and the number edited, the paragraph removed; the unchanged sentence is not listed.
      const claims = panel.getByTestId('affected-claim');
      await expect.poll(() => claims.count()).toBe(full ? 3 : 1);
      const all = (await claims.allTextContents()).join('\n');
      expect(all).not.toContain(CLAIMS.same);
      const typo = claims.filter({ hasText: 'Украинада' });
      expect(await typo.locator('.kind').textContent()).toBe(TEXT[lang].edited);
      expect(await typo.getByTestId('before').locator('del').allTextContents()).toEqual(['журналисінт']);
      expect(await typo.getByTestId('after').locator('ins').allTextContents()).toEqual(['журналист']);
      expect((await typo.getByTestId('after').textContent())!.replace(/\s+/g, ' ')).toContain('қазақстандық журналист Айдос');
      if (full) {
      const number = claims.filter({ hasText: 'доллардан' });
      expect(await number.getByTestId('before').locator('del').allTextContents()).toEqual(['млрд']);
      expect(await number.getByTestId('after').locator('ins').allTextContents()).toEqual(['миллиард']);
      const removed = claims.filter({ hasText: 'баланы итеріп' });
      expect(await removed.locator('.kind').textContent()).toBe(TEXT[lang].removed);
      expect(await removed.getByTestId('after').count()).toBe(0);
      expect(summary).toMatch(/, 3 of your claims affected$/);
      }
      // The changed paragraphs, with the added update among them.
      await panel.getByTestId('changed-paragraphs').locator('summary').click();
      expect(await panel.getByTestId('changed-paragraphs').locator('p[data-kind="added"]').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining('Жаңарту: Ақорда сапар қорытындысы')]),
      );
      expect(await panel.getByTestId('changed-paragraphs').locator('p[data-kind="changed"] del').allTextContents()).toEqual(expect.arrayContaining(['журналисінт', 'млрд']));
      await panel.getByTestId('changed-paragraphs').locator('summary').click();
      await panel.screenshot({ path: artifactPath(`watch-changed-since-${lang}.png`), fullPage: true });
      // Readable and labelled in light and dark (axe, WCAG 2.2 AA), with the marked words shown.
      await panel.getByTestId('changed-paragraphs').locator('summary').click();
      expect([...(await axeViolations(panel, 'light')), ...(await axeViolations(panel, 'dark'))]).toEqual([]);
      if (!full) await panel.screenshot({ path: artifactPath(`watch-changed-since-${lang}-dark.png`), fullPage: true });
      await panel.emulateMedia({ colorScheme: 'light' });
      await panel.getByTestId('changed-paragraphs').locator('summary').click();

      // The page got a discreet notice inside Saqta's closed UI (the page's own DOM is untouched).
      await expect.poll(() => uiText(page), { timeout: 10_000 }).toContain(TEXT[lang].notice);
      await page.screenshot({ path: artifactPath(`watch-notice-${lang}.png`), clip: { x: 0, y: 0, width: 1280, height: 200 } });
      expect(await page.evaluate(() => document.querySelectorAll('saqta-ui *, [data-saqta]').length)).toBe(0);

      if (!full) return;
      // The popup says the same in one line.
      const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
      await popup.getByTestId('changed-summary').waitFor();
      expect(await popup.getByTestId('changed-summary').textContent()).toBe(summary);
      await popup.setViewportSize({ width: 360, height: 600 });
      await popup.screenshot({ path: artifactPath(`watch-popup-${lang}.png`) });
      await popup.close();

      // One click saves the current version as a new capture; the notice goes.
      await panel.getByTestId('save-version').click();
      await panel.getByTestId('save-version-status').filter({ hasText: TEXT[lang].saved }).waitFor({ timeout: 60_000 });
      await expect.poll(async () => (await request<{ value: { captures: unknown[] } }>(session, { type: 'save.captures', pageId })).value.captures.length, { timeout: 60_000 }).toBe(2);
      await expect.poll(() => box.count(), { timeout: 10_000 }).toBe(0);
      // …and links to the reader's version list, which shows what changed between the two copies.
      const [reader] = await Promise.all([session.context.waitForEvent('page'), panel.getByTestId('compare-versions').click()]);
      await reader.getByTestId('changes').waitFor({ timeout: 20_000 });
      expect(await reader.getByTestId('changes').locator('del').allTextContents()).toEqual(expect.arrayContaining(['журналисінт']));
      await reader.close();
      // The check that found the change is kept, hashed, for the timeline and exports.
      const checks = await request<{ value: { checks: { via: string; outcome: string; hash: string; sha256: string }[] } }>(session, { type: 'watch.checks', pageId });
      expect(checks.value.checks).toEqual([expect.objectContaining({ via: 'revisit', outcome: 'changed', hash: expect.stringMatching(/^[0-9a-f]{64}$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
      await panel.close();
      await page.close();
    });
  });
}

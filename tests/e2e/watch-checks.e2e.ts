/**
 * Watching: the reader turns watching on for a saved article (side panel);
 * the site edits it and the alarm fires (triggered from the test in the
 * service worker): a new capture from the fetched HTML (no screenshot, said
 * so), a hashed check record and a notification. An unchanged check stores a
 * record and no capture. The site then answers 451, then refuses connections
 * (the server is stopped): two block records with the right classes. The
 * library's "Gone or blocked" filter and the article's timeline show it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, artifactPath, dbCounts, launch, request, serveFixtures, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import type { CheckRecord } from '../../utils/watch/record';
import type { CaptureRecord } from '../../utils/db';
import { verifyChecks } from '../../utils/watch/record';
import { axeViolations } from './axe';

let server: FixtureServer;
let session: Session;
beforeAll(async () => {
  server = await serveFixtures();
  session = await launch({ lang: 'en' });
});
afterAll(async () => {
  await session?.close();
  await server?.close().catch(() => undefined);
});

const checksOf = async (pageId: string) => (await request<{ value: { checks: CheckRecord[] } }>(session, { type: 'watch.checks', pageId })).value.checks;
const capturesOf = async (pageId: string) => (await request<{ value: { captures: CaptureRecord[] } }>(session, { type: 'save.captures', pageId })).value.captures;
const notifications = () => session.worker.evaluate(() => chrome.notifications.getAll().then((n) => Object.keys(n)));

describe('watching a saved article (Chromium)', () => {
  it('is off by default; the alarm re-checks a watched article: change → capture + record + notification; same → record only; 451 and refused → block records', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/seed/index.html`);
    const tabId = await tabIdOf(session, page);
    const saved = await request<{ ok: boolean; value: { pageId: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
    expect(saved.ok).toBe(true);
    const { pageId } = saved.value;

    // Off by default: nothing is watched, and the alarm's round checks nothing.
    const options = await session.openExtensionPage('options.html');
    await expect.poll(() => options.getByTestId('watch-count').textContent()).toBe('Articles watched now: 0');
    await session.worker.evaluate(() => chrome.alarms.create('saqta-watch', { when: Date.now() }));
    await options.waitForTimeout(1500);
    expect(await checksOf(pageId)).toEqual([]);

    // The reader turns it on in the side panel; Options counts one watched article.
    const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    await panel.getByTestId('watch-toggle').check();
    await expect.poll(() => options.getByTestId('watch-count').textContent()).toBe('Articles watched now: 1');
    await options.screenshot({ path: artifactPath('watch-settings-en.png'), fullPage: true });

    // The site edits the article; the alarm fires.
    server.override('/seed/index.html', { file: join(SEED, 'edited.html') });
    const before = await dbCounts(session);
    await session.worker.evaluate(() => chrome.alarms.create('saqta-watch', { when: Date.now() }));
    await expect.poll(() => checksOf(pageId), { timeout: 30_000 }).toHaveLength(1);
    const [changed] = await checksOf(pageId);
    expect(changed).toMatchObject({ via: 'watch', outcome: 'changed', httpStatus: 200, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(changed.changes!.summary.changed).toBeGreaterThanOrEqual(3);
    const captures = await capturesOf(pageId);
    expect(captures).toHaveLength(2);
    expect(captures[0].id).toBe(changed.captureId);
    expect(captures[0].notes).toMatchObject({ screenshot: 'none', by: 'watch' });
    expect(captures[0].artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['article', 'snapshot', 'raw']));
    expect(captures[0].artifacts.some((a) => a.kind === 'screenshot')).toBe(false);
    // The raw artifact is the bytes the check hashed.
    expect(captures[0].artifacts.find((a) => a.kind === 'raw')!.sha256).toBe(changed.sha256);
    await expect.poll(notifications).toEqual([expect.stringMatching(new RegExp(`^saqta-watch:${pageId}:`))]);

    // Checked again, unchanged: a record and no capture.
    const unchanged = await request<{ ok: boolean; value: { check: CheckRecord } }>(session, { type: 'watch.checkNow', pageId });
    expect(unchanged.value.check).toMatchObject({ via: 'manual', outcome: 'unchanged', httpStatus: 200, prevHash: changed.hash });
    expect(await capturesOf(pageId)).toHaveLength(2);
    const after = await dbCounts(session);
    expect(after.captures - before.captures).toBe(1);
    expect(after.checks - (before.checks ?? 0)).toBe(2);

    // Blocked: 451, then the server stops (connection refused).
    server.override('/seed/index.html', { status: 451 });
    const blocked = await request<{ value: { check: CheckRecord } }>(session, { type: 'watch.checkNow', pageId });
    expect(blocked.value.check).toMatchObject({ outcome: 'blocked', httpStatus: 451 });
    await server.close();
    const refused = await request<{ value: { check: CheckRecord } }>(session, { type: 'watch.checkNow', pageId });
    expect(refused.value.check).toMatchObject({ outcome: 'blocked', errorClass: 'refused' });
    expect(refused.value.check.httpStatus).toBeUndefined();
    expect(refused.value.check.error).toMatch(/ERR_CONNECTION_REFUSED/);
    const all = await checksOf(pageId);
    expect(all.map((c) => c.outcome)).toEqual(['changed', 'unchanged', 'blocked', 'blocked']);
    expect(verifyChecks(all)).toEqual([]);
    expect(await capturesOf(pageId)).toHaveLength(2);
    await expect.poll(async () => (await notifications()).length).toBe(3);

    // The side panel says it is blocked; the library filters it and shows its timeline.
    await expect.poll(() => panel.getByTestId('live-state').textContent()).toContain('Blocked or unreachable');
    expect(await panel.getByTestId('live-state').textContent()).toContain('connection refused');
    await panel.screenshot({ path: artifactPath('watch-blocked-sidepanel-en.png') });
    expect(await axeViolations(panel, 'dark')).toEqual([]);
    const library = await session.openExtensionPage('library.html');
    await library.getByTestId('filter-live').selectOption('gone');
    await expect.poll(() => library.getByTestId('count').textContent()).toBe('Articles: 1');
    await library.getByTestId('open-timeline').click();
    const timeline = library.getByTestId('timeline');
    await expect.poll(() => timeline.locator('li').count()).toBe(6);
    expect(await timeline.getByTestId('timeline-check').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).toEqual(['changed', 'unchanged', 'blocked', 'blocked']);
    const text = (await timeline.textContent())!;
    expect(text).toContain('HTTP 451 127.0.0.1');
    expect(text).toContain('connection refused');
    expect(text).toContain('Saved by watching (no screenshot');
    expect(text).toContain(all[3].hash);
    await library.setViewportSize({ width: 1000, height: 1400 });
    await timeline.screenshot({ path: artifactPath('watch-timeline-en.png') });
    expect([...(await axeViolations(library, 'light')), ...(await axeViolations(library, 'dark'))]).toEqual([]);
    await library.emulateMedia({ colorScheme: 'light' });
    await library.getByTestId('filter-live').selectOption('changed');
    await expect.poll(() => library.getByTestId('count').textContent()).toBe('Articles: 0');
  });
});

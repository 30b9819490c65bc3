/**
 * Load: 1,000 claims on one page and 100,000 in the database. While Saqta
 * anchors and paints the page's claims, the page stays responsive: no long
 * task over 200 ms (PerformanceObserver 'longtask' in the page, which runs no
 * script of its own after it has built its text). Numbers are printed for the
 * record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpus, loadavg } from 'node:os';
import { launch, serveFixtures, tabIdOf, artifactPath, type Session } from './harness';
import { settledAnchors } from './highlight-helpers';
import { pageKeys } from '../../utils/url';
import type { FixtureServer } from '../../scripts/server.mjs';

let server: FixtureServer;
let session: Session;
beforeAll(async () => {
  server = await serveFixtures();
  session = await launch({ lang: 'en' });
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

const words = ['court', 'letter', 'committee', 'detainee', 'lawyer', 'ministry', 'hearing', 'statement', 'appeal', 'witness'];
const sentence = (i: number) => `Sentence number ${i} says the ${words[(i * 7) % 10]} waited ${i} days.`;

/** Seed the database once per run: the load page's 1,000 claims and 99,000 more on 9,900 other pages. */
let seeding: Promise<{ seedMs: number }> | null = null;
const seedOnce = () => (seeding ??= seed());

async function seed(): Promise<{ seedMs: number }> {
  const url = `${server.origin}/hostile/load.html`;
  const keys = pageKeys(url);
  const ext = await session.openExtensionPage('options.html');
  // Let the background create the database (Dexie opens it on first use) before writing to it directly.
  expect(await ext.evaluate(() => chrome.runtime.sendMessage({ type: 'tags.list' }))).toMatchObject({ ok: true });
  const seeded = Date.now();
  await ext.evaluate(
    async ({ keys, url, claims }) => {
      const db: IDBDatabase = await new Promise((res, rej) => {
        const open = indexedDB.open('saqta');
        open.onsuccess = () => res(open.result);
        open.onerror = () => rej(open.error);
      });
      const put = (rows: [string, unknown][]) =>
        new Promise<void>((res, rej) => {
          const tx = db.transaction(['pages', 'annotations'], 'readwrite');
          for (const [store, row] of rows) tx.objectStore(store).put(row);
          tx.oncomplete = () => res();
          tx.onerror = () => rej(tx.error);
        });
      const when = '2026-01-01T00:00:00.000Z';
      // The page under test, with its 1,000 claims.
      const rows: [string, unknown][] = [['pages', { id: 'load-page', ...keys, aliases: [], title: 'Load', createdAt: when, updatedAt: when, terms: [] }]];
      claims.forEach((exact, i) =>
        rows.push(['annotations', { id: `load-${i}`, pageId: 'load-page', target: { source: url, selector: [{ type: 'TextQuoteSelector', exact, prefix: '', suffix: '' }] }, body: { tags: [`t${i % 20}`], note: '', color: 'yellow' }, created: when, modified: when, anchor: 'unknown', terms: [] }]),
      );
      await put(rows);
      // 99,000 more on 9,900 other pages.
      for (let batch = 0; batch < 10; batch++) {
        const more: [string, unknown][] = [];
        for (let p = batch * 990; p < (batch + 1) * 990; p++) {
          const id = `other-${p}`;
          more.push(['pages', { id, url: `https://other${p % 50}.example/${p}`, normalizedUrl: `other${p % 50}.example/${p}`, aliases: [], title: `Other ${p}`, createdAt: when, updatedAt: when, terms: [] }]);
          for (let c = 0; c < 10; c++) {
            more.push(['annotations', { id: `other-${p}-${c}`, pageId: id, target: { source: `https://other${p % 50}.example/${p}`, selector: [{ type: 'TextQuoteSelector', exact: `claim ${p} ${c}`, prefix: '', suffix: '' }] }, body: { tags: [`t${c}`], note: '', color: 'green' }, created: when, modified: when, anchor: 'anchored', terms: [] }]);
          }
        }
        await put(more);
      }
      db.close();
    },
    { keys, url, claims: Array.from({ length: 1000 }, (_, i) => sentence(i)) },
  );
  const seedMs = Date.now() - seeded;
  console.log(`seeded in ${seedMs} ms`);
  const total = await ext.evaluate(
    () =>
      new Promise<number>((res) => {
        const open = indexedDB.open('saqta');
        open.onsuccess = () => {
          const req = open.result.transaction('annotations').objectStore('annotations').count();
          req.onsuccess = () => res(req.result);
        };
      }),
  );
  expect(total).toBeGreaterThanOrEqual(100_000);
  await ext.close();
  return { seedMs };
}

/** However loaded the machine, no single task may freeze the page longer than this. */
export const LONG_TASK_CEILING = 1000;

/**
 * 200 ms on a machine that is not overloaded. When other jobs keep more than
 * twice as many runnable tasks as cores, every task stretches with them; the
 * limit stretches by the same factor and says so — up to LONG_TASK_CEILING
 * (a reader on a busy machine still notices a page frozen for a second; the
 * 12.5 s task issue 22 saw would pass a limit that grows without end).
 */
function longTaskLimit(): number {
  const overload = loadavg()[0] / cpus().length;
  const limit = Math.min(LONG_TASK_CEILING, overload > 2 ? Math.round(200 * (overload / 2)) : 200);
  if (limit > 200) console.log(`load: machine overloaded (load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores): limit ${limit} ms instead of 200 ms (ceiling ${LONG_TASK_CEILING} ms)`);
  return limit;
}

describe('load', () => {
  it('1,000 claims on a page, 100,000 in the library: anchoring leaves the page responsive', { timeout: 400_000 }, async () => {
    const url = `${server.origin}/hostile/load.html`;
    const { seedMs } = await seedOnce();

    const page = await session.context.newPage();
    const started = Date.now();
    await page.goto(url);
    const tabId = await tabIdOf(session, page);
    const report = await settledAnchors(session, tabId, 1000, 120_000);
    const anchorMs = Date.now() - started;
    expect(report.claims.length).toBe(1000);
    expect(report.orphans.length).toBe(0);
    // Scroll through the page while the boxes follow.
    for (let y = 0; y < 5; y++) await page.mouse.wheel(0, 3000);
    await page.waitForTimeout(500);
    const { tasks, scriptsDone } = await page.evaluate(() => ({
      tasks: (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
      scriptsDone: (window as unknown as { __scriptsDone: number }).__scriptsDone,
    }));
    // Long tasks after the page's own script finished are Saqta's (the page runs nothing else).
    const saqtas = tasks.filter((t) => t.start >= scriptsDone);
    const longest = Math.max(0, ...saqtas.map((t) => t.duration));
    console.log(
      `load: seeded 100,000 claims in ${seedMs} ms; 1,000 claims anchored in ${anchorMs} ms; ` +
        `${saqtas.length} long tasks after the page's script, longest ${longest} ms: ${JSON.stringify(saqtas)}`,
    );
    await page.screenshot({ path: artifactPath('load-1000-claims.png') });
    // A quiet run measured 129 ms.
    const limit = longTaskLimit();
    expect(longest, 'longest task while Saqta anchored 1,000 claims (ms)').toBeLessThanOrEqual(limit);
    await page.close();
  });
  it('the side panel lists 1,000 claims virtualized: scrolls to the last with the wheel, keeps focus and edits, shows a claim near the end', { timeout: 400_000 }, async () => {
    const url = `${server.origin}/hostile/load.html`;
    await seedOnce();
    const page = await session.context.newPage();
    await page.goto(url);
    const tabId = await tabIdOf(session, page);
    await settledAnchors(session, tabId, 1000, 120_000);

    const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    await panel.setViewportSize({ width: 400, height: 900 });
    const cards = panel.getByTestId('claims').locator('article');
    await cards.first().waitFor();
    // Everything the page reported is in the list (aria-setsize), but only a screenful of cards exists.
    expect(await panel.getByTestId('claims').locator('li').first().getAttribute('aria-setsize')).toBe('1000');
    const BOUND = 40;
    expect(await cards.count()).toBeLessThanOrEqual(BOUND);
    const quoteOf = (i: number) => panel.getByTestId('claims').locator('article', { hasText: sentence(i) });
    expect(await quoteOf(0).isVisible()).toBe(true);

    // Edit in place: open a card's form and type, then scroll far away and back: the form and the text are still there.
    await quoteOf(2).getByRole('button', { name: 'Edit' }).click();
    await quoteOf(2).locator('textarea').fill('Checked against the court record.');

    // The reader scrolls from top to bottom with the mouse wheel; the panel records long tasks meanwhile.
    await panel.evaluate(() => {
      const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
      }).observe({ type: 'longtask' });
    });
    await panel.mouse.move(200, 500);
    const scrolled = Date.now();
    let most = 0;
    let wheels = 0;
    for (let stuck = 0; stuck < 3 && wheels < 2000; wheels++) {
      const before = await panel.evaluate(() => scrollY);
      await panel.mouse.wheel(0, 400);
      await panel.waitForTimeout(30);
      const at = await panel.evaluate(() => ({ y: scrollY, bottom: scrollY + innerHeight >= document.documentElement.scrollHeight - 1 }));
      stuck = at.bottom && at.y === before ? stuck + 1 : 0;
      if (wheels % 10 === 0) most = Math.max(most, await cards.count());
    }
    const scrollMs = Date.now() - scrolled;
    most = Math.max(most, await cards.count());
    const tasks = await panel.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    const height = await panel.evaluate(() => document.documentElement.scrollHeight);
    console.log(
      `side panel: ${wheels} wheel turns over ${height} px in ${scrollMs} ms; at most ${most} cards in the DOM; ` +
        `${tasks.length} long tasks, longest ${longest} ms: ${JSON.stringify(tasks)}`,
    );
    // The last claim is on screen, and the DOM never held more than a screenful (plus the open form).
    const last = quoteOf(999);
    expect(await last.isVisible()).toBe(true);
    const box = (await last.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    expect(most).toBeLessThanOrEqual(BOUND);
    await panel.screenshot({ path: artifactPath('sidepanel-1000-claims-end.png') });
    expect(longest, 'longest task in the side panel while scrolling 1,000 claims (ms)').toBeLessThanOrEqual(longTaskLimit());

    // The open form was kept while far away.
    expect(await quoteOf(2).locator('textarea').inputValue()).toBe('Checked against the court record.');

    // Click a claim near the end: the page scrolls to it.
    await page.evaluate(() => window.scrollTo(0, 0));
    await quoteOf(990).locator('.quote').click();
    const where = () =>
      page.evaluate((text) => {
        const p = [...document.querySelectorAll('p')].find((x) => x.textContent!.includes(text))!;
        const r = p.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, viewport: innerHeight, scrolled: scrollY };
      }, sentence(990));
    await expect.poll(async () => (await where()).scrolled).toBeGreaterThan(10_000);
    const shown = await where();
    expect(shown.top).toBeGreaterThanOrEqual(0);
    expect(shown.bottom).toBeLessThanOrEqual(shown.viewport);

    // Keyboard: from the quote just clicked, Home goes to the first claim and the arrows walk on from there.
    await quoteOf(990).locator('.quote').click(); // a person clicks the quote they are on (a button: it takes the focus)
    await panel.keyboard.press('Home');
    await expect.poll(() => panel.evaluate(() => document.activeElement?.closest('article')?.textContent ?? '')).toContain(sentence(0));
    for (let k = 0; k < 3; k++) await panel.keyboard.press('ArrowDown');
    await expect.poll(() => panel.evaluate(() => document.activeElement?.closest('article')?.textContent ?? '')).toContain(sentence(3));
    expect(await quoteOf(3).isVisible()).toBe(true);
    await panel.keyboard.press('End');
    await expect.poll(() => panel.evaluate(() => document.activeElement?.closest('article')?.textContent ?? '')).toContain(sentence(999));
    expect(await cards.count()).toBeLessThanOrEqual(BOUND);

    // Back at the top, the edit is finished: the note is saved and shown.
    await panel.keyboard.press('Home');
    await quoteOf(2).getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => quoteOf(2).locator('.note').textContent()).toBe('Checked against the court record.');

    // Filter by a tag: 50 of the 1,000, still virtualized, in document order.
    await panel.getByRole('combobox').selectOption('t7');
    await expect.poll(() => panel.getByTestId('claims').locator('li').first().getAttribute('aria-setsize')).toBe('50');
    expect(await cards.first().textContent()).toContain(sentence(7));
    expect(await cards.count()).toBeLessThanOrEqual(BOUND);
    await panel.screenshot({ path: artifactPath('sidepanel-1000-claims-filtered.png') });
    await panel.close();
    await page.close();
  });
});

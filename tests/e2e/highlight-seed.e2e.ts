import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Page } from 'playwright-core';
import { SEED, artifactPath, launch, serveFixtures, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import type { AnchorReport } from '../../utils/messages';
import { boxesCover, clickControl, waitControl, fold, occurrenceRects, selectWithMouse, settledAnchors, uiText, waitFocus } from './highlight-helpers';
import type { TagRecord } from '../../utils/records';
import { withTagNames } from './tag-names';

const { cases } = JSON.parse(readFileSync(join(SEED, 'anchors.json'), 'utf8')) as {
  cases: { id: string; exact: string; occurrence: number; onEdited: { text?: string; occurrence?: number; orphan?: boolean } }[];
};

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

/** claim id → case id, filled as the claims are made. */
const made = new Map<string, string>();

async function openSeed(url: string): Promise<{ page: Page; tabId: number }> {
  const page = await session.context.newPage();
  // A reader's reload after the site changed: never the browser's cached copy.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(url);
  await page.waitForLoadState('load');
  await page.waitForTimeout(600); // the site's lazy loader swaps images 300 ms after load
  return { page, tabId: await tabIdOf(session, page) };
}

/** Check where every claim landed against what the fixture requires. */
async function verify(page: Page, report: AnchorReport, where: 'index' | 'edited') {
  const tally = { landed: 0, orphaned: 0, misplaced: [] as string[] };
  for (const c of cases) {
    const id = [...made].find(([, cid]) => cid === c.id)![0];
    const want = where === 'index' ? { text: c.exact, occurrence: c.occurrence } : c.onEdited;
    const got = report.claims.find((x) => x.id === id);
    if (!got) {
      if (report.orphans.includes(id) && want.orphan) tally.orphaned++;
      else tally.misplaced.push(`${c.id}: not found`);
      continue;
    }
    if (want.orphan) {
      tally.misplaced.push(`${c.id}: should be an orphan, painted on “${got.text}”`);
      continue;
    }
    // The painted boxes must cover exactly the wanted occurrence, as the page's own reading finds it.
    const expected = await page.evaluate(occurrenceRects, { text: want.text!, occurrence: want.occurrence! });
    const fresh = (await session.worker.evaluate((tab) => chrome.tabs.sendMessage(tab, { command: 'anchors' }), await tabIdOf(session, page))) as AnchorReport;
    const boxes = fresh.claims.find((x) => x.id === id)!.boxes;
    if (fold(got.text) === fold(want.text!) && expected && boxesCover(boxes, expected.rects)) tally.landed++;
    else tally.misplaced.push(`${c.id}: painted on “${got.text}” (${boxes.length} boxes), wanted “${want.text}” #${want.occurrence}`);
  }
  return tally;
}

describe('highlighting the shared seed cases in Chromium', () => {
  let bodyBefore = '';

  it('makes every anchors.json case by selecting it with the mouse, pressing Highlight and adding a tag', async () => {
    const { page, tabId } = await openSeed(`${server.origin}/seed/index.html`);
    onTestFinished(() => page.close().catch(() => undefined));
    bodyBefore = await page.evaluate(() => document.body.innerHTML);
    const docSizeBefore = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    for (const [i, c] of cases.entries()) {
      await selectWithMouse(page, c.exact, c.occurrence);
      if (i % 3 === 2) {
        // Every third case through the keyboard shortcut instead of the button.
        await page.keyboard.press('Alt+Shift+H');
      } else {
        await clickControl(page, i % 2 ? 'c-green' : 'c-yellow');
      }
      // The toolbar now edits the new claim: open Tag, type, Enter.
      try {
        await waitControl(page, 'delete'); // the toolbar now edits the new claim
        await clickControl(page, 'tag');
        await waitFocus(page, 'tag-input'); // typing goes to the field at once
      } catch (err) {
        await page.screenshot({ path: artifactPath(`seed-fail-${c.id}.png`) });
        throw new Error(`${c.id}: ${err} — UI: ${await uiText(page)}`);
      }
      await page.keyboard.type(i % 2 ? 'Economy' : 'Rights');
      await page.keyboard.press('Enter');
      const report = await settledAnchors(session, tabId, i + 1);
      const fresh = report.claims.find((x) => ![...made.keys()].includes(x.id));
      expect(fresh, c.id).toBeTruthy();
      made.set(fresh!.id, c.id);
      expect(fold(fresh!.text)).toBe(fold(c.exact));
      await page.keyboard.press('Escape');
    }
    // Tags were stored through the toolbar.
    const raw = await session.worker.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('saqta');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const tx = db.transaction(['annotations', 'tags']);
      const claims = tx.objectStore('annotations').getAll();
      const tagRows = tx.objectStore('tags').getAll();
      await new Promise((res) => (tx.oncomplete = res));
      db.close();
      return { claims: claims.result as { body: { tagIds?: string[] } }[], tags: tagRows.result as TagRecord[] };
    });
    const tags = withTagNames(raw.claims, raw.tags).map((a) => a.body.tags.join(','));
    expect(tags.sort()).toEqual(cases.map((_, i) => (i % 2 ? 'Economy' : 'Rights')).sort());
    // The page's markup is byte-identical and the page's own scripts find no trace.
    const bodyAfter = await page.evaluate(() => document.body.innerHTML);
    if (bodyAfter !== bodyBefore) {
      let i = 0;
      while (bodyAfter[i] === bodyBefore[i]) i++;
      throw new Error(`body changed at ${i}: before …${bodyBefore.slice(i - 80, i + 120)}… after …${bodyAfter.slice(i - 80, i + 120)}…`);
    }
    expect(bodyAfter).toBe(bodyBefore);
    const trace = await page.evaluate(() => {
      const hosts = [...document.documentElement.children].filter((e) => e !== document.head && e !== document.body);
      return {
        highlights: CSS.highlights.size,
        hostsReadable: hosts.map((h) => [h.shadowRoot === null, h.innerHTML, h.attributes.length, (h as HTMLElement).innerText]),
        // Sizes a page could read: the hosts are exactly the viewport, with nothing overflowing.
        hostSizes: hosts.map((h) => [h.scrollWidth - h.clientWidth, h.scrollHeight - h.clientHeight, h.clientWidth === innerWidth || h.clientWidth === document.documentElement.clientWidth]),
        docSize: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
        globals: Object.keys(window).filter((k) => /saqta/i.test(k)),
        bodyHasAttr: document.body.outerHTML.includes('saqta'),
      };
    });
    expect(trace.highlights).toBe(0);
    expect(trace.hostsReadable.length).toBeGreaterThan(0);
    for (const sz of trace.hostSizes) expect(sz).toEqual([0, 0, true]);
    expect(trace.docSize).toEqual(docSizeBefore);
    for (const h of trace.hostsReadable) expect(h).toEqual([true, '', 0, '']);
    expect(trace.globals).toEqual([]);
    expect(trace.bodyHasAttr).toBe(false);
    // (After the checks: Playwright's screenshot itself touches the page's styles.)
    await page.screenshot({ path: artifactPath('seed-highlighted.png') });
    await page.close();
  });

  it('after a reload of index.html every claim lands on its own text at its own occurrence', async () => {
    const { page, tabId } = await openSeed(`${server.origin}/seed/index.html`);
    const report = await settledAnchors(session, tabId, cases.length);
    const tally = await verify(page, report, 'index');
    console.log('index.html', JSON.stringify(tally));
    expect(tally).toEqual({ landed: cases.length, orphaned: 0, misplaced: [] });
    await page.close();
  });

  it('when the site edits the article (edited.html at the same URL) each claim lands on its new text or is an orphan', async () => {
    server.override('/seed/index.html', { file: join(SEED, 'edited.html') });
    try {
      const { page, tabId } = await openSeed(`${server.origin}/seed/index.html`);
      const report = await settledAnchors(session, tabId, cases.length);
      const tally = await verify(page, report, 'edited');
      console.log('edited.html', JSON.stringify(tally));
      const orphans = cases.filter((c) => c.onEdited.orphan).length;
      expect(tally).toEqual({ landed: cases.length - orphans, orphaned: orphans, misplaced: [] });
      await page.screenshot({ path: artifactPath('seed-edited.png') });
      await page.close();
    } finally {
      server.override('/seed/index.html', null);
    }
  });

  it('on a mirror (the edited article at another URL with the same canonical link) the claims follow', async () => {
    const { page, tabId } = await openSeed(`${server.origin}/fixtures/seed-article/edited.html?utm_source=mirror`);
    const report = await settledAnchors(session, tabId, cases.length);
    const tally = await verify(page, report, 'edited');
    console.log('mirror', JSON.stringify(tally));
    const orphans = cases.filter((c) => c.onEdited.orphan).length;
    expect(tally).toEqual({ landed: cases.length - orphans, orphaned: orphans, misplaced: [] });
    await page.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launch, serveFixtures, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { anchorsOf, clickControl, escapeToolbar, fieldText, makeClaim, selectWithMouse, settledAnchors, uiText, waitControl } from './highlight-helpers';

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

const REPEATED = 'Бәлкім, бұл мәселелер туралы Президент Тоқаевқа толық ақпарат жеткізілмеген шығар.';
const LATE_ONLY = 'Мұндағы мақсат – біреуді кінәлау немесе кезекті қарар';

describe('late content', () => {
  it('a claim whose body text arrives late is weak on the pull quote meanwhile, then moves to the body; a claim on late text anchors when it arrives', async () => {
    const seed = await session.context.newPage();
    await seed.goto(`${server.origin}/seed/index.html`);
    await seed.waitForTimeout(600);
    await makeClaim(seed, REPEATED, 2, { tags: ['late'] });
    await makeClaim(seed, LATE_ONLY, 1);
    const seedTab = await tabIdOf(session, seed);
    const onSeed = await settledAnchors(session, seedTab, 2);
    const bodyStart = onSeed.claims.find((c) => c.text === REPEATED)!.start;
    await seed.close();

    // The same article (same canonical link), rendered by the client: that paragraph comes 2 s after load.
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/hostile/late-article.html`);
    const tabId = await tabIdOf(session, page);
    const early = await settledAnchors(session, tabId, 2, 1500).catch(() => null);
    expect(early, 'the claims were placed before the late paragraph arrived').not.toBeNull();
    const earlyRepeated = early!.claims.find((c) => c.text === REPEATED)!;
    expect(earlyRepeated.weak).toBe(true); // on the pull quote, still looking
    expect(earlyRepeated.start).toBeLessThan(bodyStart);
    expect(early!.orphans).toHaveLength(1); // the late-only text is not there yet

    await expect
      .poll(async () => {
        const r = await anchorsOf(session, tabId);
        const rep = r.claims.find((c) => c.text === REPEATED);
        return [r.orphans.length, rep?.weak, rep?.start === bodyStart, r.claims.some((c) => c.text === LATE_ONLY)];
      }, { timeout: 10000 })
      .toEqual([0, false, true, true]);
    await page.close();
  });
});

describe('undo and the context-menu command', () => {
  it('Ctrl+Z in the toolbar undoes a highlight; Delete then the toast’s Undo brings it back; the background command highlights the selection', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/fixtures/seed-article/index.html`);
    await page.waitForTimeout(600);
    const tabId = await tabIdOf(session, page);
    const text = '34 сирек металдың 21-ін бере алады';
    // (The claims of the test above are on this article too: the same canonical link.)
    const mine = async () => (await anchorsOf(session, tabId)).claims.filter((c) => c.text === text);
    await selectWithMouse(page, text, 1);
    await page.keyboard.press('Alt+Shift+H');
    await waitControl(page, 'delete');
    await expect.poll(async () => (await mine()).length).toBe(1);
    // Focus is in the toolbar (the shortcut opens it on the new claim): Ctrl+Z undoes.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await mine()).length).toBe(0);
    expect(await uiText(page)).toContain('Undone.');

    // The context-menu entry / browser command reach the page as a TabCommand from the background.
    await page.keyboard.press('Escape');
    await selectWithMouse(page, text, 1).catch(async (e) => {
      await page.screenshot({ path: artifactPath('undo-fail.png') });
      throw e;
    });
    await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'highlight-selection' }), tabId);
    await waitControl(page, 'delete');
    await expect.poll(async () => (await mine()).length).toBe(1);
    await clickControl(page, 'delete');
    await expect.poll(async () => (await mine()).length).toBe(0);
    await clickControl(page, 'undo');
    await expect.poll(async () => (await mine()).length).toBe(1);
    expect((await mine())[0].boxes.length).toBeGreaterThan(0);
    await page.close();
  });
});

/**
 * A busy disk: the service worker's database is held by a long write (as on a
 * slow laptop or a large import), so making the claim takes a while. The hold
 * is the machine's state, not the person's doing; the person only clicks and
 * types at once.
 */
async function holdDatabase(s: Session): Promise<() => Promise<void>> {
  await s.worker.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const g = globalThis as unknown as { __dbHeld?: boolean };
        const open = indexedDB.open('saqta');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names, 'readwrite');
          const store = tx.objectStore(names[0]);
          g.__dbHeld = true;
          const spin = () => {
            if (!g.__dbHeld) return;
            store.count().onsuccess = spin;
          };
          spin();
          tx.oncomplete = () => db.close();
          resolve();
        };
      }),
  );
  return async () => {
    await s.worker.evaluate(() => {
      (globalThis as unknown as { __dbHeld?: boolean }).__dbHeld = false;
    });
  };
}

describe('a busy machine', () => {
  it('click Tag or Note and type at once: the keys land in the field while the claim is still being made, and are kept', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/fixtures/seed-article/index.html`);
    await page.waitForTimeout(600);
    const tabId = await tabIdOf(session, page);

    await selectWithMouse(page, 'төзімсіздік пен өшпенділіктің', 1);
    await waitControl(page, 'tag'); // the person sees the toolbar, then the machine gets busy
    let release = await holdDatabase(session);
    await clickControl(page, 'tag');
    await page.keyboard.type('urgent');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(await fieldText(page, 'tag-input'), 'what was typed is in the tag field while the claim waits').toBe('urgent');
    await release();
    await waitControl(page, 'rm-urgent'); // the tag's chip, once the claim exists
    await escapeToolbar(page);

    await selectWithMouse(page, 'қатыгез азаптаулардан', 1);
    await waitControl(page, 'note');
    release = await holdDatabase(session);
    await clickControl(page, 'note');
    await page.keyboard.type('Check with the ministry');
    await page.waitForTimeout(300);
    await release();
    await page.keyboard.type('.');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => uiText(page)).toContain('Claim changed.');
    await escapeToolbar(page);

    // Both claims are there; the note is in its field when the claim is opened again.
    await expect.poll(async () => (await anchorsOf(session, tabId)).claims.map((c) => c.text).filter((x) => x === 'төзімсіздік пен өшпенділіктің' || x === 'қатыгез азаптаулардан')).toHaveLength(2);
    const claim = (await anchorsOf(session, tabId)).claims.find((c) => c.text === 'қатыгез азаптаулардан')!;
    const box = claim.boxes[0];
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await clickControl(page, 'note');
    expect(await fieldText(page, 'note-input')).toBe('Check with the ministry.');
    await page.close();
  });
});

describe('single-page sites', () => {
  it('claims follow history changes: gone on another story, back on Back', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/hostile/spa.html?story=1`);
    const tabId = await tabIdOf(session, page);
    const text = 'raise water prices by twelve percent';
    await makeClaim(page, text, 1, { tags: ['water'] });
    await expect.poll(async () => (await anchorsOf(session, tabId)).claims.map((c) => c.text)).toEqual([text]);
    // The site's own link changes the story with pushState (no page load).
    await page.getByRole('link', { name: 'Story two' }).click();
    await expect.poll(async () => {
      const r = await anchorsOf(session, tabId);
      return r.claims.length + r.orphans.length;
    }, { timeout: 10000 }).toBe(0);
    await page.goBack();
    await expect.poll(async () => (await anchorsOf(session, tabId)).claims.map((c) => c.text), { timeout: 10000 }).toEqual([text]);
    await page.close();
  });
});

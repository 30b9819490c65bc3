/**
 * Storage guarantees in the real browser: the persistent-storage state is
 * shown truthfully in Settings; the backup reminder appears in the popup and
 * the library when claims wait too long and goes once exported; the
 * background killed in the middle of a stream of writes leaves no partial
 * record behind; killed mid-save (the server holds an image the save is
 * fetching) it stores nothing half-way and the popup says the save can be
 * retried; killed during the screenshot, which follows the ✓ (it has scrolled
 * the tab), the capture is whole and says the screenshot never came.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { launch, serveFixtures, tabIdOf, request, restartWorker, artifactPath, dbCounts, SEED, type Session } from './harness';
import { pageKeys } from '../../utils/url';
import type { FixtureServer } from '../../scripts/server.mjs';
import type { TagRecord } from '../../utils/records';
import { withTagNames } from './tag-names';

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

interface Dump {
  pages: { id: string }[];
  annotations: { id: string; pageId: string; body: { tags: string[]; note: string }; target: { selector: { exact?: string }[] } }[];
  tags: { id: string; name: string; mergedInto?: string }[];
}

/** Every page, claim and tag, read in the background straight from IndexedDB. */
const readAll = (s: Session) =>
  s.worker.evaluate(
    () =>
      new Promise<Dump>((resolve, reject) => {
        const open = indexedDB.open('saqta');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['pages', 'annotations', 'tags'], 'readonly');
          const out: Record<string, unknown[]> = {};
          for (const n of ['pages', 'annotations', 'tags']) {
            const req = tx.objectStore(n).getAll();
            req.onsuccess = () => (out[n] = req.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out as unknown as Dump);
          };
        };
      }),
  ).then((d) => ({ ...d, annotations: withTagNames(d.annotations, d.tags as TagRecord[]) }));

describe('storage', () => {
  it('Settings shows whether storage is persistent, as the browser reports it, and the request’s outcome', async () => {
    const persisted = await session.worker.evaluate(() => navigator.storage.persisted());
    const options = await session.openExtensionPage('options.html');
    const text = await options.getByTestId('persisted').textContent();
    expect(text).toBe(
      persisted
        ? 'Persistent storage is on: the browser will not delete your library to free space.'
        : 'Persistent storage is off: when the disk is short of space the browser may delete your library. Export a bundle regularly.',
    );
    if (!persisted) {
      // The reader can ask again; the answer is shown, whichever it is.
      await options.getByRole('button', { name: 'Ask the browser to keep my library' }).click();
      const after = await session.worker.evaluate(() => navigator.storage.persisted());
      if (after) await expect.poll(() => options.getByTestId('persisted').textContent()).toContain('is on');
      else await options.getByRole('alert').filter({ hasText: 'did not grant persistent storage' }).waitFor();
    }
    await options.screenshot({ path: artifactPath('options-storage-en.png'), fullPage: true });
    await options.close();
  });

  it('reminds to export when claims wait longer than the days set in Settings, in the popup and the library', async () => {
    const article = await session.context.newPage();
    await article.goto(`${server.origin}/seed/index.html`);
    const tabId = await tabIdOf(session, article);
    const url = `${server.origin}/seed/index.html`;
    const created = await request<{ ok: boolean; value: { annotation: Record<string, unknown> } }>(session, {
      type: 'annotation.create',
      page: { keys: pageKeys(url), title: 'seed' },
      selector: [{ type: 'TextQuoteSelector', exact: 'Тоқаев', prefix: '', suffix: '' }],
      body: { tags: ['backup-test'], note: '', color: 'yellow' },
    });
    expect(created.ok).toBe(true);
    // The claim was last changed four days ago (restore keeps the times it is given).
    const old = new Date(Date.now() - 4 * 86_400_000).toISOString();
    await request(session, { type: 'annotation.restore', annotation: { ...created.value.annotation, created: old, modified: old } });

    // Default 7 days: not yet.
    let popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.getByTestId('claim-count').waitFor();
    expect(await popup.getByTestId('backup-reminder').count()).toBe(0);
    await popup.close();

    // The reader sets 3 days in Settings.
    const options = await session.openExtensionPage('options.html');
    await options.getByLabel(/Remind me to export a backup/).fill('3');
    await options.getByTestId('reminder-save').click();
    await options.getByTestId('settings-message').filter({ hasText: 'Saved.' }).waitFor();
    expect(await options.getByTestId('unexported').textContent()).toMatch(/Claims not in any backup file: [1-9]/);
    // A bad value is refused with a message and changes nothing.
    await options.getByLabel(/Remind me to export a backup/).fill('400');
    await options.getByTestId('reminder-save').click();
    expect(await request<{ value: { reminderDays: number } }>(session, { type: 'backup.status' })).toMatchObject({ value: { reminderDays: 3 } });
    await options.close();

    popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.setViewportSize({ width: 340, height: 420 });
    const reminder = popup.getByTestId('backup-reminder');
    await reminder.waitFor();
    expect(await reminder.textContent()).toContain('Claims not in any backup file: 1');
    expect(await reminder.getByRole('button', { name: 'Open the library to export' }).isVisible()).toBe(true);
    await popup.screenshot({ path: artifactPath('popup-backup-reminder-en.png') });
    await popup.close();

    const library = await session.openExtensionPage('library.html');
    await library.getByTestId('backup-reminder').waitFor();
    await library.close();

    // Exported: the reminder goes.
    await request(session, { type: 'backup.exported' });
    popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.getByTestId('claim-count').waitFor();
    expect(await popup.getByTestId('backup-reminder').count()).toBe(0);
    await Promise.all([popup.close(), article.close()]);
  });

  it('the background killed in the middle of a stream of writes leaves no partial record', async () => {
    const page = await session.openExtensionPage('options.html');
    const before = await readAll(session);
    // A stream of claims, each on its own new page with five new tags (multi-table transactions), kept
    // eight in flight at all times until the background is gone: whenever the kill lands, writes are under way.
    await page.evaluate(() => {
      const state = { acks: [] as { i: number; id: string }[], cut: [] as { i: number; error: string }[], done: false };
      (window as unknown as { __kill: typeof state }).__kill = state;
      const one = async (i: number) => {
        try {
          const res = await chrome.runtime.sendMessage({
            type: 'annotation.create',
            page: { keys: { url: `https://kill.example/${i}`, normalizedUrl: `kill.example/${i}` }, title: `kill ${i}` },
            selector: [{ type: 'TextQuoteSelector', exact: `claim ${i}`, prefix: '', suffix: '' }],
            body: { tags: [0, 1, 2, 3, 4].map((t) => `kill-${i}-${t}`), note: `note ${i} `.repeat(200), color: 'green' },
          });
          if (res?.ok) state.acks.push({ i, id: res.value.annotation.id });
          else state.cut.push({ i, error: res?.error?.message ?? 'no answer' });
        } catch (e) {
          state.cut.push({ i, error: String(e) });
        }
      };
      void (async () => {
        const inFlight = new Set<Promise<void>>();
        for (let i = 0; i < 5000 && !state.cut.length; i++) {
          const p: Promise<void> = one(i).then(() => void inFlight.delete(p));
          inFlight.add(p);
          if (inFlight.size >= 8) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
        state.done = true;
      })();
    });
    // Kill it once writes are being acknowledged: some are stored, the next ones are under way.
    await page.waitForFunction(() => (window as unknown as { __kill: { acks: unknown[] } }).__kill.acks.length >= 20, undefined, { timeout: 60_000 });
    await restartWorker(session, page);
    await page.waitForFunction(() => (window as unknown as { __kill: { done: boolean } }).__kill.done, undefined, { timeout: 60_000 });
    const { acks: done, cut: lost } = await page.evaluate(() => (window as unknown as { __kill: { acks: { i: number; id: string }[]; cut: { i: number; error: string }[] } }).__kill);
    console.log(`kill mid-write: ${done.length} claims acknowledged, ${lost.length} cut off by the kill (${lost[0]?.error})`);
    expect(done.length, 'claims were stored before the kill').toBeGreaterThanOrEqual(20);
    expect(lost.length, 'the worker was killed while writes were in flight').toBeGreaterThan(0);

    const after = await readAll(session);
    const newPages = after.pages.filter((p) => !before.pages.some((b) => b.id === p.id));
    const newClaims = after.annotations.filter((a) => a.body.tags.some((t) => t.startsWith('kill-')));
    const tagNames = new Set(after.tags.map((t) => t.name));
    // Every claim the background acknowledged is there …
    for (const a of done) expect(newClaims.some((c) => c.id === a.id), `acknowledged claim ${a.i}`).toBe(true);
    // … every stored claim is whole: its page, its five tags, its full note …
    for (const c of newClaims) {
      const i = Number(c.target.selector[0].exact!.split(' ')[1]);
      expect(after.pages.some((p) => p.id === c.pageId)).toBe(true);
      expect(c.body.tags).toEqual([0, 1, 2, 3, 4].map((t) => `kill-${i}-${t}`));
      for (const t of c.body.tags) expect(tagNames.has(t)).toBe(true);
      expect(c.body.note).toBe(`note ${i} `.repeat(200));
    }
    // … and nothing exists without its claim: no page, no tag left over from a cut-off write.
    for (const p of newPages) expect(newClaims.some((c) => c.pageId === p.id), `page ${p.id} without its claim`).toBe(true);
    const usedTags = new Set(newClaims.flatMap((c) => c.body.tags));
    expect(after.tags.filter((t) => t.name.startsWith('kill-') && !usedTags.has(t.name))).toEqual([]);
    // The restarted background works.
    expect(await request(session, { type: 'ping' })).toMatchObject({ ok: true });
    await page.close();
  });

  it('the background killed mid-save stores nothing half-way; killed during the screenshot (after the ✓) the capture is whole and says the screenshot never came; the reader saves again', { timeout: 180_000 }, async () => {
    const url = `${server.origin}/seed/index.html`;
    const article = await session.context.newPage();
    await article.goto(url);
    const tabId = await tabIdOf(session, article);
    // The reader's claims on this page: a failed save must not touch them.
    for (const [exact, note] of [['Тоқаев', 'who'], ['Еуроодақ', 'where']]) {
      const made = await request<{ ok: boolean }>(session, {
        type: 'annotation.create',
        page: { keys: pageKeys(url), title: 'seed' },
        selector: [{ type: 'TextQuoteSelector', exact, prefix: '', suffix: '' }],
        body: { tags: ['kill-save'], note, color: 'blue' },
      });
      expect(made.ok).toBe(true);
    }
    const claimsOf = async () => (await readAll(session)).annotations.filter((a) => a.body.tags.includes('kill-save'));
    const claimsBefore = await claimsOf();
    const countsBefore = await dbCounts(session);
    const unchanged = async (moment: string) => {
      expect(await dbCounts(session), `${moment}: no capture, blob or page change`).toEqual(countsBefore);
      expect(await claimsOf(), `${moment}: the claims are intact`).toEqual(claimsBefore);
    };

    const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
    await popup.setViewportSize({ width: 360, height: 520 });
    const save = popup.getByTestId('save-page');
    const alert = popup.getByRole('alert');
    const INTERRUPTED = 'The save was interrupted: the browser stopped Saqta before the page was stored. Nothing was half-saved and your claims are untouched. Press Save to try again.';

    // 1. While the background fetches the article's images: the server holds one image until the worker is gone.
    const IMG = '/seed/img/brussels-meeting.png';
    let release: () => void = () => undefined;
    server.override(IMG, { file: join(SEED, 'img', 'brussels-meeting.png'), delay: new Promise<void>((r) => (release = r)) });
    const clicked = Date.now();
    await save.click();
    await expect.poll(() => server.log.some((r) => r.path === IMG && r.time >= clicked), { timeout: 30_000 }).toBe(true);
    await restartWorker(session, popup);
    release();
    server.override(IMG, null);
    await alert.filter({ hasText: INTERRUPTED }).waitFor({ timeout: 15_000 });
    await popup.bringToFront();
    await popup.screenshot({ path: artifactPath('popup-save-interrupted-en.png') });
    await unchanged('killed while fetching');
    expect(await save.isEnabled()).toBe(true);

    // 2. During the screenshot, which follows the ✓: the capture is stored whole before the screenshot starts.
    // The screenshot scrolls the tab a screen at a time; its second frame is the pinned moment.
    await article.evaluate(() => window.scrollTo(0, 0));
    await save.click();
    const height = await article.evaluate(() => innerHeight);
    await expect.poll(() => article.evaluate(() => scrollY), { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(height);
    const reading = () =>
      article.evaluate(() => ({ y: scrollY, cookieBar: getComputedStyle(document.getElementById('cookie-banner')!).visibility }));
    // The screenshot hid the page's fixed cookie bar after its first frame.
    expect((await reading()).cookieBar).toBe('hidden');
    await popup.getByTestId('save-status').filter({ hasText: 'Saved. Versions kept: 1' }).waitFor({ timeout: 15_000 });
    expect(await popup.getByTestId('screenshot-state').getAttribute('data-state')).toBe('pending');
    await restartWorker(session, popup);
    // The restarted background says the screenshot never came; the popup shows it.
    await popup.locator('[data-testid=screenshot-state][data-state=interrupted]').waitFor({ timeout: 15_000 });
    expect(await popup.getByTestId('screenshot-state').textContent()).toBe('No screenshot: Saqta was stopped before it was taken');
    expect(await alert.count()).toBe(0);
    await popup.bringToFront();
    await popup.screenshot({ path: artifactPath('popup-screenshot-interrupted-en.png') });
    // With no word from the stopped background, the page puts itself back: the reader's place and the bar.
    await expect.poll(reading, { timeout: 20_000 }).toEqual({ y: 0, cookieBar: 'visible' });

    // 3. The reader presses Save again: a second whole capture, whose screenshot arrives after its ✓.
    await popup.bringToFront();
    await save.click();
    await popup.getByTestId('save-status').filter({ hasText: 'Saved. Versions kept: 2' }).waitFor({ timeout: 90_000 });
    await popup.locator('[data-testid=screenshot-state][data-state=ok]').waitFor({ timeout: 90_000 });
    expect(await alert.count()).toBe(0);
    const state = await session.worker.evaluate(
      () =>
        new Promise<{ captures: { id: string; pageId: string; capturedAt: string; notes?: { screenshot?: string }; artifacts: { kind: string; blobId: string; size: number }[] }[]; blobs: { id: string; captureId: string; size: number; real: number }[] }>((resolve) => {
          const open = indexedDB.open('saqta');
          open.onsuccess = () => {
            const tx = open.result.transaction(['captures', 'blobs'], 'readonly');
            const out: Record<string, unknown[]> = {};
            for (const n of ['captures', 'blobs']) {
              const req = tx.objectStore(n).getAll();
              req.onsuccess = () =>
                (out[n] = n === 'blobs' ? (req.result as { id: string; captureId: string; size: number; data: Blob }[]).map(({ id, captureId, size, data }) => ({ id, captureId, size, real: data.size })) : req.result);
            }
            tx.oncomplete = () => resolve(out as never);
          };
        }),
    );
    const mine = state.captures.filter((c) => claimsBefore.some((a) => a.pageId === c.pageId)).sort((a, b) => (a.capturedAt < b.capturedAt ? -1 : 1));
    expect(mine).toHaveLength(2);
    // Killed after the ✓: complete (article, snapshot, raw HTML, images), saying the screenshot never came.
    expect(mine[0].notes?.screenshot).toBe('interrupted');
    expect(mine[0].artifacts.map((a) => a.kind).filter((k) => k !== 'resource' && k !== 'image').sort()).toEqual(['article', 'raw', 'snapshot']);
    expect(mine[1].notes?.screenshot).toBe('ok');
    expect(mine[1].artifacts.map((a) => a.kind).filter((k) => k !== 'resource' && k !== 'image').sort()).toEqual(['article', 'raw', 'screenshot', 'snapshot']);
    const blobs = new Map(state.blobs.map((b) => [b.id, b]));
    for (const c of mine) {
      for (const a of c.artifacts) {
        expect(blobs.get(a.blobId)?.size, a.blobId).toBe(a.size);
        expect(blobs.get(a.blobId)?.real, a.blobId).toBe(a.size);
      }
      expect(state.blobs.filter((b) => b.captureId === c.id)).toHaveLength(c.artifacts.length);
    }
    for (const b of state.blobs) expect(state.captures.some((c) => c.id === b.captureId), `blob ${b.id} without its capture`).toBe(true);
    expect(await claimsOf()).toEqual(claimsBefore);
    console.log(`kill during save: while fetching nothing stored; killed during the screenshot (after ✓) the capture is whole (${mine[0].artifacts.length} artifacts) and says so; the retry stored ${mine[1].artifacts.length} artifacts`);
    await popup.close();
    await article.close();
  });
});

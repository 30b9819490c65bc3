/**
 * The save's ✓ comes before the screenshot (utils/background/save.ts): with
 * the built extension in Chromium, Alt+Shift+S on the seed article shows ✓
 * while the full-page screenshot is still held back (the test holds
 * `captureVisibleTab` in the service worker until it lets go), and at that
 * moment the capture is complete — article, snapshot, raw HTML, images, each
 * hashed — and the popup and the reader say "Taking the screenshot…". Let go,
 * the reader says "Screenshot added" and downloads the PNG its record hashes.
 * A tab closed right after the ✓ leaves a record, and a reader, that say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { launch, serveFixtures, artifactPath, tabIdOf, request, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { pageKeys } from '../../utils/url';
import type { CaptureRecord } from '../../utils/db';

let server: FixtureServer;
let session: Session;
let seedUrl: string;

beforeAll(async () => {
  server = await serveFixtures();
  seedUrl = `${server.origin}/seed/index.html`;
  session = await launch({ lang: 'en' });
  // The test's hold on the screenshot: captureVisibleTab waits while `__holdShot` is set. Installed
  // before the background first calls it (the polyfill keeps the function it first finds).
  await session.worker.evaluate(() => {
    const g = globalThis as unknown as { __holdShot?: Promise<void>; __shotHeld?: number };
    const real = chrome.tabs.captureVisibleTab.bind(chrome.tabs) as (...a: unknown[]) => Promise<string>;
    g.__shotHeld = 0;
    (chrome.tabs as unknown as { captureVisibleTab: unknown }).captureVisibleTab = async (...args: unknown[]) => {
      if (g.__holdShot) {
        g.__shotHeld!++;
        await g.__holdShot;
      }
      return real(...args);
    };
  });
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** Hold every screenshot frame until the returned function is called. */
async function holdScreenshots(): Promise<() => Promise<void>> {
  await session.worker.evaluate(() => {
    const g = globalThis as unknown as { __holdShot?: Promise<void>; __letGo?: () => void; __shotHeld?: number };
    g.__shotHeld = 0;
    g.__holdShot = new Promise<void>((r) => (g.__letGo = r));
  });
  return async () => {
    await session.worker.evaluate(() => {
      const g = globalThis as unknown as { __holdShot?: Promise<void>; __letGo?: () => void };
      g.__holdShot = undefined;
      g.__letGo?.();
    });
  };
}

async function openSeed(): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(seedUrl);
  // The site's lazy loader replaces two placeholders 300 ms after load.
  await page.waitForFunction(() => document.querySelectorAll('img.lazy').length === 0);
  return page;
}

/** Alt+Shift+S as a person presses it, then the toolbar button's ✓ (badge and tooltip), read in the worker. */
async function saveWithKeys(page: Page, tabId: number) {
  await page.locator('h1').click();
  await page.keyboard.press('Alt+Shift+KeyS');
  return session.worker.evaluate(async (id) => {
    const limit = Date.now() + 90_000;
    for (;;) {
      const badge = await chrome.action.getBadgeText({ tabId: id });
      if (badge) return { badge, title: await chrome.action.getTitle({ tabId: id }) };
      if (Date.now() > limit) throw new Error('no badge within 90 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  }, tabId);
}

const newest = async (pageId: string) =>
  (await request<{ ok: true; value: { captures: CaptureRecord[] } }>(session, { type: 'save.captures', pageId })).value.captures[0]!;
const pageIdOf = async (url: string) => (await request<{ ok: true; value: { page: { id: string } } }>(session, { type: 'page.get', keys: pageKeys(url) })).value.page.id;
const held = () => session.worker.evaluate(() => (globalThis as unknown as { __shotHeld: number }).__shotHeld);

describe('the ✓ before the screenshot (Chromium, en)', () => {
  it('Alt+Shift+S: ✓ while the screenshot is held, the capture already complete; then "Screenshot added" and the PNG in the reader', async () => {
    const article = await openSeed();
    const tabId = await tabIdOf(session, article);
    const letGo = await holdScreenshots();
    expect(await saveWithKeys(article, tabId)).toEqual({ badge: '✓', title: 'Saqta: this page is saved' });
    const pageId = await pageIdOf(seedUrl);

    // ✓ shown, the screenshot not taken yet: the capture holds everything else, each artifact hashed and stored.
    await expect.poll(held, { timeout: 30_000 }).toBeGreaterThan(0);
    const atCheck = await newest(pageId);
    expect(atCheck.notes?.screenshot).toBe('pending');
    expect(atCheck.artifacts.map((a) => a.kind).filter((k) => k !== 'resource').sort()).toEqual(['article', 'image', 'image', 'image', 'raw', 'snapshot']);
    const stored = await session.worker.evaluate(
      (id) =>
        new Promise<{ id: string; size: number }[]>((ok) => {
          const open = indexedDB.open('saqta');
          open.onsuccess = () => {
            const req = open.result.transaction('blobs').objectStore('blobs').index('captureId').getAll(id);
            req.onsuccess = () => ok((req.result as { id: string; data: Blob }[]).map((b) => ({ id: b.id, size: b.data.size })));
          };
        }),
      atCheck.id,
    );
    expect(stored.map((b) => b.id).sort()).toEqual(atCheck.artifacts.map((a) => a.blobId).sort());
    for (const a of atCheck.artifacts) expect(stored.find((b) => b.id === a.blobId)!.size).toBe(a.size);

    // Where the reader looks: the popup and the reader say the screenshot is being taken.
    const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
    const popupState = popup.getByTestId('screenshot-state');
    await popupState.waitFor();
    expect(await popupState.textContent()).toBe('Taking the screenshot…');
    await popup.screenshot({ path: artifactPath('popup-screenshot-pending-en.png'), clip: { x: 0, y: 0, width: 344, height: 300 } });
    const reader = await session.openExtensionPage(`reader.html?page=${encodeURIComponent(pageId)}`);
    const readerState = reader.getByTestId('capture').getByTestId('screenshot-state');
    await readerState.waitFor();
    expect(await readerState.getAttribute('data-state')).toBe('pending');
    expect(await reader.getByTestId('download-screenshot').count()).toBe(0);
    await reader.getByTestId('capture').screenshot({ path: artifactPath('reader-screenshot-pending-en.png') });

    // Let go: the screenshot arrives; the reader and the popup say so without being reloaded.
    await letGo();
    await reader.locator('[data-testid=capture] [data-testid=screenshot-state][data-state=ok]').waitFor({ timeout: 90_000 });
    expect(await readerState.textContent()).toBe('Screenshot added');
    await popup.locator('[data-testid=screenshot-state][data-state=ok]').waitFor({ timeout: 30_000 });
    await reader.getByTestId('capture').screenshot({ path: artifactPath('reader-screenshot-added-en.png') });
    const after = await newest(pageId);
    expect(after.id).toBe(atCheck.id);
    expect(after.notes?.screenshot).toBe('ok');
    expect(after.artifacts.filter((a) => a.kind !== 'screenshot')).toEqual(atCheck.artifacts);
    const ref = after.artifacts.find((a) => a.kind === 'screenshot')!;
    expect(ref.addedAt).toMatch(/Z$/);
    const [download] = await Promise.all([reader.waitForEvent('download'), reader.getByTestId('download-screenshot').click()]);
    const file = artifactPath('seed-screenshot-after-check.png');
    await download.saveAs(file);
    const png = readFileSync(file);
    expect(createHash('sha256').update(png).digest('hex')).toBe(ref.sha256);
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(2000);
    // It shows the article, not the popup or reader that were in front when the hold was let go: the site's
    // dark blue header is at the top of the PNG.
    const header = await article.evaluate(() => {
      const r = document.querySelector('.site-header')!.getBoundingClientRect();
      return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
    });
    const navy = await reader.evaluate(
      async ({ src, box }) => {
        const bmp = await createImageBitmap(await (await fetch(src)).blob());
        const g = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
        g.drawImage(bmp, 0, 0);
        const s = bmp.width / 1280;
        const px = g.getImageData(Math.round(box.x * s), Math.round(box.y * s), Math.round(box.width * s), Math.round(box.height * s)).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i] - 0x1d) < 12 && Math.abs(px[i + 1] - 0x2b) < 12 && Math.abs(px[i + 2] - 0x53) < 12) n++;
        return n / (px.length / 4);
      },
      { src: (await reader.getByTestId('download-screenshot').getAttribute('href'))!, box: header },
    );
    expect(navy).toBeGreaterThan(0.5);
    await Promise.all([popup.close(), reader.close(), article.close()]);
  });

  it('a tab closed right after the ✓: the record and the reader say it was closed before the screenshot', async () => {
    const article = await openSeed();
    const tabId = await tabIdOf(session, article);
    const letGo = await holdScreenshots();
    expect((await saveWithKeys(article, tabId)).badge).toBe('✓');
    const pageId = await pageIdOf(seedUrl);
    const mine = (await newest(pageId)).id;
    await expect.poll(held, { timeout: 30_000 }).toBeGreaterThan(0);
    await article.close();
    await letGo();
    await expect.poll(async () => (await newest(pageId)).notes?.screenshot, { timeout: 60_000 }).toBe('tab-closed');
    const c = await newest(pageId);
    expect(c.id).toBe(mine);
    expect(c.artifacts.map((a) => a.kind)).not.toContain('screenshot');
    expect(c.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['article', 'snapshot', 'raw']));
    const reader = await session.openExtensionPage(`reader.html?page=${encodeURIComponent(pageId)}&capture=${encodeURIComponent(mine)}`);
    const state = reader.getByTestId('capture').getByTestId('screenshot-state');
    await state.waitFor();
    expect(await state.textContent()).toBe('No screenshot: the tab was closed (or left the page) before it was taken');
    await reader.getByTestId('capture').screenshot({ path: artifactPath('reader-screenshot-tab-closed-en.png') });
    await reader.close();
  });
});

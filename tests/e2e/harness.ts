/**
 * End-to-end harness: Debian's Chromium (or CHROME_PATH) with the built
 * extension, pages served on 127.0.0.1, and helpers to drive it the way a
 * person does. Every browser gets a fresh profile.
 */
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findChrome, chromeArgs, INSTALL_HINT } from '../../scripts/chrome.mjs';
import { startServer, type FixtureServer } from '../../scripts/server.mjs';

export const ROOT = resolve(__dirname, '..', '..');
export const EXTENSION_DIR = join(ROOT, '.output', 'chrome-mv3');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
export { SEED, FIXTURES } from '../paths';
import { FIXTURE_MOUNTS } from '../paths';

export interface Session {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  /** Open an extension page such as 'popup.html'. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launch(
  options: {
    lang?: string;
    colorScheme?: 'light' | 'dark';
    /** Extra Chromium flags (e.g. proxyArgs() from network.ts). */
    args?: string[];
  } = {},
): Promise<Session> {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(INSTALL_HINT);
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error(`Build the extension first: ${EXTENSION_DIR} is missing.`);
  const profile = mkdtempSync(join(tmpdir(), 'saqta-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...chromeArgs(EXTENSION_DIR, { lang: options.lang }), ...(options.args ?? [])],
    locale: options.lang,
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: 1280, height: 900 },
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    worker,
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Serve the demo article at /seed/ (and /fixtures/seed-article/), the Readability pages at /fixtures/readability/. */
export function serveFixtures(): Promise<FixtureServer> {
  return startServer({ ...FIXTURE_MOUNTS, '/hostile/': join(ROOT, 'tests', 'e2e', 'pages') });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** The tab id of a page, as the extension sees it. */
export async function tabIdOf(session: Session, page: Page): Promise<number> {
  const url = page.url();
  return session.worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    const tab = tabs.find((t) => t.url === u);
    if (!tab?.id) throw new Error(`no tab for ${u}`);
    return tab.id;
  }, url);
}

/** Record counts of every table in Saqta's database, read in the background. */
export async function dbCounts(session: Session): Promise<Record<string, number>> {
  return session.worker.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('saqta');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          if (!names.length) return resolve({});
          const tx = db.transaction(names, 'readonly');
          const out: Record<string, number> = {};
          for (const n of names) {
            const req = tx.objectStore(n).count();
            req.onsuccess = () => (out[n] = req.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** Send a request to the background as an extension page does (the popup's way in). */
export async function request<T = unknown>(session: Session, msg: Record<string, unknown>): Promise<T> {
  const page = session.context.pages().find((p) => p.url().startsWith(`chrome-extension://${session.extensionId}/`))
    ?? (await session.openExtensionPage('options.html'));
  return page.evaluate((m) => chrome.runtime.sendMessage(m), msg) as Promise<T>;
}

/**
 * Stop the background service worker the way the browser does when it is
 * idle or killed (CDP ServiceWorker.stopWorker), then wake it with a request
 * and point `session.worker` at the new one.
 */
export async function restartWorker(session: Session, via: Page): Promise<void> {
  const cdp = await session.context.newCDPSession(via);
  const states: { versionId: string; runningStatus: string; scriptURL: string }[] = [];
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  cdp.on('ServiceWorker.workerVersionUpdated', (e: { versions: typeof states }) => {
    states.push(...e.versions);
    if (e.versions.some((v) => v.scriptURL.includes(session.extensionId) && v.runningStatus === 'stopped')) resolveStopped();
  });
  await cdp.send('ServiceWorker.enable');
  const deadline = Date.now() + 5000;
  while (!states.some((v) => v.scriptURL.includes(session.extensionId)) && Date.now() < deadline) await via.waitForTimeout(50);
  const version = states.find((v) => v.scriptURL.includes(session.extensionId));
  if (!version) throw new Error('the extension has no service worker to stop');
  await cdp.send('ServiceWorker.stopWorker', { versionId: version.versionId });
  await stopped;
  await cdp.detach();
  const next = session.context.waitForEvent('serviceworker', { timeout: 10_000 }).catch(() => null);
  await via.evaluate(() => chrome.runtime.sendMessage({ type: 'ping' }));
  session.worker = (await next) ?? session.context.serviceWorkers().at(-1)!;
}

/**
 * The stand-in for a click on Saqta's toolbar icon while `page` is the active
 * tab: its popup, for that tab (a driven browser cannot click the browser's
 * own toolbar; the popup is opened as a page with the tab's id).
 */
export async function openPopupFor(session: Session, page: Page): Promise<Page> {
  const tabId = await tabIdOf(session, page);
  return session.openExtensionPage(`popup.html?tab=${tabId}`);
}

/**
 * The Firefox build, run in Firefox (Debian's firefox-esr), driven through
 * WebDriver BiDi by puppeteer-core: a person highlights with the mouse and
 * Alt+Shift+H, reloads, saves with Alt+Shift+S, and when the site answers 451
 * opens the saved copy from the popup's offer and finds it in the library.
 *
 * Firefox's content scripts see page objects through Xray wrappers, its
 * background is an event page, not a service worker, and its IndexedDB is
 * its own: the Chromium tests do not stand in for any of that (this test
 * found `[...url.searchParams.entries()]` throwing in a Firefox content script).
 *
 * Saqta's UI sits in a closed shadow root; the test reads its text the way
 * the CDP helpers do for Chromium: BiDi serializes closed shadow trees when
 * asked (`includeShadowTree: 'all'`), which page scripts cannot do.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ROOT, artifactPath, serveFixtures } from './harness';
import { yellowIn } from './pixels';
import type { FixtureServer } from '../../scripts/server.mjs';

const FIREFOX_DIR = join(ROOT, '.output', 'firefox-mv2');
const CANDIDATES = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].filter(Boolean) as string[];
const FIREFOX = CANDIDATES.find((p) => existsSync(p));
/** Firefox's id for Saqta's toolbar button (the add-on id, made an XUL id). */
const WIDGET = 'saqta_saqta_app-browser-action';
/** A fixed moz-extension:// host, so the test can tell Saqta's pages by URL. */
const UUID = '5a9c7a11-0000-4000-8000-5a97a5a97a00';

let server: FixtureServer;
let browser: Browser;
let profile: string;
let page: Page;
let seedUrl: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function chord(p: Page, key: 'KeyH' | 'KeyS') {
  await p.keyboard.down('Alt');
  await p.keyboard.down('Shift');
  await p.keyboard.press(key);
  await p.keyboard.up('Shift');
  await p.keyboard.up('Alt');
}

interface BidiNode {
  type?: string;
  value?: { nodeType?: number; nodeValue?: string; localName?: string; children?: BidiNode[]; shadowRoot?: BidiNode | null };
}

/** Text of Saqta's in-page UI (toolbar, toast), read over BiDi. */
async function uiText(p: Page): Promise<string> {
  const connection = (browser as unknown as { connection: { send(m: string, params: object): Promise<{ result: { result: BidiNode } }> } }).connection;
  const res = await connection.send('script.evaluate', {
    expression: `[...document.documentElement.children].find((e) => e.localName === 'saqta-ui') ?? null`,
    target: { context: (p.mainFrame() as unknown as { _id: string })._id },
    awaitPromise: false,
    serializationOptions: { includeShadowTree: 'all', maxDomDepth: 40 },
  });
  const out: string[] = [];
  const walk = (n: BidiNode | null | undefined) => {
    const v = n?.value;
    if (!v) return;
    if (v.nodeType === 3 && v.nodeValue) out.push(v.nodeValue);
    if (v.localName === 'style') return;
    walk(v.shadowRoot);
    for (const c of v.children ?? []) walk(c);
  };
  walk(res.result.result);
  return out.join(' ').replace(/\s+/g, ' ');
}

/** puppeteer's WebDriver BiDi connection, for what its API does not cover. */
const bidi = () => (browser as unknown as { connection: { send(m: string, params: object): Promise<{ result: unknown }> } }).connection;

/**
 * Saqta's toolbar button as the reader sees it for the selected tab: its badge
 * and its tooltip (the title the extension set). Read from Firefox's own
 * window (BiDi's chrome scope, allowed by --remote-allow-system-access):
 * Firefox's BiDi refuses to navigate a tab to a moz-extension:// page, so the
 * test has no extension page before the blocked-site page; the web page itself
 * learns nothing.
 */
async function toolbarButton(): Promise<{ badge: string; title: string }> {
  const connection = bidi();
  const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string; url: string }[] };
  const win = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
  if (!win) throw new Error('Firefox’s browser window is not reachable over BiDi');
  const res = (
    await connection.send('script.evaluate', {
      expression: `(() => {
        const node = CustomizableUI.getWidget(${JSON.stringify(WIDGET)})?.forWindow(window)?.node;
        if (!node) return null;
        // The action button; Firefox renders its tooltip from the extension's title through Fluent (data-l10n-args).
        const button = node.querySelector('.webextension-browser-action') ?? node;
        const args = JSON.parse(button.getAttribute('data-l10n-args') || '{}');
        return JSON.stringify({ badge: button.getAttribute('badge') ?? '', title: args.extensionTitle ?? button.getAttribute('tooltiptext') ?? '' });
      })()`,
      target: { context: win.context },
      awaitPromise: false,
    })
  ).result as { type: string; result?: { value?: string }; exceptionDetails?: { text: string } };
  if (res.type !== 'success' || typeof res.result?.value !== 'string') throw new Error(`Saqta's toolbar button was not found: ${JSON.stringify(res).slice(0, 300)}`);
  return JSON.parse(res.result.value) as { badge: string; title: string };
}

/**
 * Open one of Saqta's pages in a new tab, as the toolbar button's menu or about:addons would (BiDi
 * refuses to navigate a tab to moz-extension://), from Firefox's own window.
 */
async function openSaqtaPage(path: string): Promise<Page> {
  const url = `moz-extension://${UUID}/${path}`;
  const tree = (await bidi().send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string; url: string }[] };
  const win = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
  if (!win) throw new Error('Firefox’s browser window is not reachable over BiDi');
  await bidi().send('script.evaluate', {
    expression: `(() => { gBrowser.selectedTab = gBrowser.addTab(${JSON.stringify(url)}, { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }); return 'ok'; })()`,
    target: { context: win.context },
    awaitPromise: false,
  });
  // (puppeteer's page.url() of a tab Firefox opened itself stays about:blank: ask the page.)
  return until(`${path} in a tab`, async () => {
    for (const p of await browser.pages()) if ((await p.evaluate(() => location.href).catch(() => '')).startsWith(url)) return p;
    return null;
  });
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeout = 30_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The first two lines of the article's lead paragraph, in viewport coordinates. */
async function leadLines(p: Page) {
  return p.evaluate(() => {
    const para = [...document.querySelectorAll('article p')].find((x) => (x.textContent ?? '').length > 200)!;
    para.scrollIntoView({ block: 'center' });
    const r = document.createRange();
    r.selectNodeContents(para);
    const lines = [...r.getClientRects()].filter((x) => x.width > 50);
    const [a, b] = lines;
    return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 4, y2: b.top + b.height / 2, line: { x: a.left, y: a.top, width: a.width, height: a.height } };
  });
}

/**
 * Share of a screen area painted in Saqta's yellow, decoded by the browser
 * itself (an extra blank tab: the article's page is left alone).
 */
async function yellowShare(p: Page, clip: { x: number; y: number; width: number; height: number }): Promise<number> {
  const png = await p.screenshot({ clip, encoding: 'base64' });
  const scratch = await browser.newPage();
  try {
    return await scratch.evaluate(yellowIn, { src: `data:image/png;base64,${png}`, box: { x: 0, y: 0, width: clip.width, height: clip.height } });
  } finally {
    await scratch.close();
  }
}

beforeAll(async () => {
  if (!FIREFOX) throw new Error(`Firefox is needed for this test: apt-get install -y firefox-esr, or set FIREFOX_PATH (looked in ${CANDIDATES.join(', ')}).`);
  if (!existsSync(join(FIREFOX_DIR, 'manifest.json'))) throw new Error(`Build the Firefox extension first (npx wxt build -b firefox): ${FIREFOX_DIR} is missing.`);
  server = await serveFixtures();
  seedUrl = `${server.origin}/seed/index.html`;
  profile = mkdtempSync(join(tmpdir(), 'saqta-firefox-'));
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    // Lets `toolbarButton` read Saqta's badge in Firefox's window (chrome scope over BiDi).
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ 'saqta@saqta.app': UUID }),
      'intl.locale.requested': 'en-US',
      // Nothing but 127.0.0.1: no update checks or telemetry noise in the run.
      'network.proxy.type': 0,
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
  await browser.installExtension(FIREFOX_DIR);
  page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (profile) rmSync(profile, { recursive: true, force: true });
  await server?.close();
});

describe('the Firefox build in Firefox', () => {
  it('a claim made with the mouse and Alt+Shift+H is painted again after a reload, and the page sees nothing', async () => {
    await page.goto(seedUrl, { waitUntil: 'load' });
    await sleep(700); // the site's lazy loader swaps images after load
    const bodyBefore = await page.evaluate(() => document.body.innerHTML);
    const at = await leadLines(page);
    const before = await yellowShare(page, at.line);

    await page.mouse.move(at.x1, at.y1);
    await page.mouse.down();
    await page.mouse.move(at.x2, at.y2, { steps: 10 });
    await page.mouse.up();
    const selected = await page.evaluate(() => String(getSelection()));
    expect(selected.length).toBeGreaterThan(60);
    await until('the selection toolbar', async () => /Tag/.test(await uiText(page)));
    await chord(page, 'KeyH');
    await until('“Highlighted”', async () => /Highlighted/.test(await uiText(page)));
    await page.keyboard.press('Escape');

    // The page's own view: its DOM is unchanged and no highlight is readable.
    expect(await page.evaluate(() => document.body.innerHTML)).toBe(bodyBefore);
    expect(await page.evaluate(() => (CSS as unknown as { highlights?: Map<string, unknown> }).highlights?.size ?? 0)).toBe(0);

    await page.reload({ waitUntil: 'load' });
    await sleep(700);
    const again = await leadLines(page);
    const after = await until('the claim painted after the reload', async () => {
      const share = await yellowShare(page, again.line);
      return share > 0.3 ? share : null;
    });
    await page.screenshot({ path: artifactPath('firefox-highlight.png') });
    expect(before).toBeLessThan(0.02);
    expect(after).toBeGreaterThan(0.3);
  });

  it('Alt+Shift+S saves; when the site answers 451 the saved copy is offered and opens with the claim, and the library finds it', async () => {
    await page.goto(seedUrl, { waitUntil: 'load' });
    await sleep(700);
    const from = server.log.length;
    // Nothing says "saved" for this tab yet, so the wait below cannot pass before the save.
    expect(await toolbarButton()).toEqual({ badge: '', title: 'Saqta' });
    await page.click('h1');
    await chord(page, 'KeyS');
    // The save is over when the toolbar button says so (✓ and its tooltip), as
    // the reader sees it. The background's network traffic is no clock for that:
    // after the last fetch it still stitches the screenshot and writes the copy,
    // which takes seconds on a loaded machine.
    const saved = await until(
      'the toolbar button to say the page is saved',
      async () => {
        // The background sets the badge, then the tooltip: both, for the save's outcome.
        const b = await toolbarButton();
        return b.badge !== '' && b.title !== 'Saqta' ? b : null;
      },
      90_000,
    );
    expect(saved).toEqual({ badge: '✓', title: 'Saqta: this page is saved' });
    // Saving fetched the article's images from the site.
    expect(server.log.slice(from).some((r) => r.path.startsWith('/seed/img/'))).toBe(true);

    server.override('/seed/index.html', { status: 451 });
    try {
      // One visit, as a reader following a link. The blocked-site fallback is offered, not forced
      // (docs/fallback.md): the tab keeps the site's 451 answer, and Saqta's toolbar button offers the
      // copy (the ↩ badge and its tooltip) for that tab; the popup's "Open my saved copy" opens it there.
      const target = `${seedUrl}?utm_source=telegram`;
      await bidi().send('browsingContext.navigate', { context: (page.mainFrame() as unknown as { _id: string })._id, url: target, wait: 'none' });
      const offered = await until(
        'the ↩ badge on Saqta’s button',
        async () => {
          const b = await toolbarButton();
          return b.badge === '↩' ? b : null;
        },
        45_000,
      );
      expect(offered).toEqual({ badge: '↩', title: 'Saqta: this page could not be reached — your saved copy is one click away' });
      // The site's answer is still in the tab: the site cannot tell that a copy is there.
      expect(await page.evaluate(() => location.href)).toBe(target);
      expect(await page.evaluate(() => document.title)).not.toContain('Ақылбекова');

      // The popup for that tab (opened as a tab: headless Firefox shows no panel), and one click.
      const popup = await openSaqtaPage('options.html');
      const tabId = await popup.evaluate(async (u: string) => {
        const api = (globalThis as unknown as { browser: { tabs: { query(q: object): Promise<{ id: number; url: string }[]> } } }).browser;
        return (await api.tabs.query({})).find((t) => t.url === u)?.id ?? -1;
      }, target);
      expect(tabId).toBeGreaterThan(0);
      await popup.evaluate((id: number) => (location.href = `/popup.html?tab=${id}`), tabId);
      await popup.waitForSelector('[data-testid=offer-reason]');
      expect(await popup.$eval('[data-testid=offer-reason]', (e) => e.textContent)).toContain('451');
      expect(await popup.$eval('[data-testid=open-my-copy]', (e) => e.textContent)).toBe('Open my saved copy');
      await popup.screenshot({ path: artifactPath('firefox-blocked.png') });
      await popup.click('[data-testid=open-my-copy]');
      await until('the copy in the tab that got 451', async () => (await page.evaluate(() => location.pathname).catch(() => '')) === '/reader.html');
      await popup.close().catch(() => undefined);
      await page.waitForSelector('[data-testid=title]');
      expect(await page.evaluate(() => location.pathname)).toBe('/reader.html');
      expect(await page.$eval('[data-testid=title]', (e) => e.textContent)).toContain('Ақылбекова');
      await page.waitForSelector('[data-testid=claims] li');
      expect(await page.$eval('[data-testid=claims] li', (e) => e.textContent)).toContain('Қасым-Жомарт Тоқаев');
      await page.screenshot({ path: artifactPath('firefox-reader.png') });

      // The library, reached from the reader: Latin-script Kazakh finds the Cyrillic article.
      await page.evaluate(() => (location.href = '/library.html'));
      await page.waitForSelector('[data-testid=search]');
      await page.type('[data-testid=search]', 'Aqylbekova');
      await page.waitForSelector('[data-testid=search-results] li');
      expect(await page.$eval('[data-testid=search-results]', (e) => e.textContent)).toContain('Ақылбекова');
      await page.screenshot({ path: artifactPath('firefox-library.png') });
    } finally {
      server.override('/seed/index.html', null);
    }
  });

  it("the popup and the sidebar, opened for the article's tab, show its claim and its saved copy", async () => {
    const article = await browser.newPage();
    await article.setViewport({ width: 1100, height: 900 });
    await article.goto(seedUrl, { waitUntil: 'load' });
    // `page` is on Saqta's library now: an extension page, where `browser.tabs` answers.
    const tabId = await page.evaluate(async (url: string) => {
      const api = (globalThis as unknown as { browser: { tabs: { query(q: object): Promise<{ id: number; url: string }[]> } } }).browser;
      return (await api.tabs.query({})).find((t) => t.url === url)!.id;
    }, seedUrl);

    await page.evaluate((id: number) => (location.href = `/popup.html?tab=${id}`), tabId);
    await page.waitForSelector('[data-testid=claim-count]');
    await until('the claim count', async () => /\b1\b/.test((await page.$eval('[data-testid=claim-count]', (e) => e.textContent)) ?? ''));
    await page.waitForSelector('[data-testid=open-copy]');
    await page.screenshot({ path: artifactPath('firefox-popup.png') });

    await page.evaluate((id: number) => (location.href = `/sidepanel.html?tab=${id}`), tabId);
    await page.waitForSelector('[data-testid=claims] li');
    expect(await page.$eval('[data-testid=claims]', (e) => e.textContent)).toContain('Қасым-Жомарт Тоқаев');
    await page.screenshot({ path: artifactPath('firefox-sidebar.png') });

    // The full-page screenshot in Firefox: one tabs.captureTab call whose rect is the whole page (no
    // scrolled frames), added to the capture after the save's answer. Asked for from an extension page,
    // waiting for the screenshot; its PNG is read back from Saqta's database.
    const page1 = await article.evaluate(() => ({ height: document.documentElement.scrollHeight, width: document.documentElement.clientWidth, dpr: devicePixelRatio }));
    const shot = await page.evaluate(async (id: number) => {
      const api = (globalThis as unknown as { browser: { runtime: { sendMessage(m: object): Promise<{ ok: boolean; error?: { message: string }; value: { capture: { notes?: { screenshot?: string }; artifacts: { kind: string; blobId: string; addedAt?: string }[] } } }> } } }).browser;
      const res = await api.runtime.sendMessage({ type: 'save.page', tabId: id, wait: 'screenshot' });
      if (!res.ok) return { error: res.error!.message };
      const ref = res.value.capture.artifacts.find((a) => a.kind === 'screenshot');
      if (!ref) return { state: res.value.capture.notes?.screenshot };
      const blob = await new Promise<Blob>((ok, no) => {
        const open = indexedDB.open('saqta');
        open.onerror = () => no(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('blobs').objectStore('blobs').get(ref.blobId);
          req.onsuccess = () => ok((req.result as { data: Blob }).data);
        };
      });
      const head = new DataView(await blob.slice(0, 24).arrayBuffer());
      return { state: res.value.capture.notes?.screenshot, added: Boolean(ref.addedAt), width: head.getUint32(16), height: head.getUint32(20) };
    }, tabId);
    expect(shot).toMatchObject({ state: 'ok', added: true });
    // As tall as the page plus the dated strip (36 CSS px), in device pixels.
    expect((shot as { width: number }).width).toBe(Math.round(page1.width * page1.dpr));
    expect((shot as { height: number }).height).toBe(Math.round((Math.min(page1.height, 16_000) + 36) * page1.dpr));
    expect(page1.height).toBeGreaterThan(2 * 900);
    await article.close();
  });
});

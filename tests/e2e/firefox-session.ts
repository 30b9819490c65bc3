/**
 * Firefox (Debian's firefox-esr, as a person meets it) with the built Firefox
 * extension, driven over WebDriver BiDi by puppeteer-core: the set-up and the
 * stand-ins a driven browser needs, not a person's actions (those are in
 * person-firefox.ts). Shared by tests/e2e/journey-firefox.e2e.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ROOT } from './harness';

export const FIREFOX_DIR = join(ROOT, '.output', 'firefox-mv2');
const CANDIDATES = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].filter(Boolean) as string[];
export const FIREFOX = CANDIDATES.find((p) => existsSync(p));
/** A fixed moz-extension:// host per profile, so the test can tell Saqta's pages by URL. */
export const UUID = '5a9c7a11-0000-4000-8000-5a97a5a97a01';
export const EXT = `moz-extension://${UUID}`;

export interface FirefoxSession {
  browser: Browser;
  /** Where Firefox saves downloads (no dialog: the person's default folder). */
  downloads: string;
  /**
   * Open one of Saqta's pages in a new tab, as its links in the popup do
   * (BiDi may not navigate to moz-extension://; Firefox's own window may).
   */
  openExtensionPage(path: string): Promise<Page>;
  /**
   * The person's choice in the browser's file dialog: the next dialog a page
   * opens (by a click or a key on its file field) answers with this file.
   * Firefox's WebDriver BiDi does not report dialogs of moz-extension://
   * pages, so the dialog itself is replaced, in Firefox's own window, by one
   * that picks this file (what Firefox's own tests do with MockFilePicker).
   */
  answerFileDialog(path: string): Promise<void>;
  /** The stand-in for a click on Saqta's toolbar button over `page`: its popup, for that tab. */
  openPopupFor(page: Page): Promise<Page>;
  close(): Promise<void>;
}

type Bidi = { send(m: string, params: object): Promise<{ result: unknown }> };
export const bidiOf = (browser: Browser) => (browser as unknown as { connection: Bidi }).connection;
export const contextOf = (page: Page) => (page.mainFrame() as unknown as { _id: string })._id;

/**
 * `profile`: a profile folder that outlives the browser (closed, then scanned or reopened; issue 28),
 * else a fresh one removed on close. Saqta is installed as a temporary add-on, which Firefox
 * uninstalls at shutdown: with a kept profile its storage and its address are kept then, as for an
 * add-on installed for good.
 */
export async function launchFirefox(lang: 'en' | 'kk', options: { profile?: string; colorScheme?: 'light' | 'dark' } = {}): Promise<FirefoxSession> {
  if (!FIREFOX) throw new Error(`Firefox is needed for this test: apt-get install -y firefox-esr, or set FIREFOX_PATH (looked in ${CANDIDATES.join(', ')}).`);
  if (!existsSync(join(FIREFOX_DIR, 'manifest.json'))) throw new Error(`Build the Firefox extension first (npx wxt build -b firefox): ${FIREFOX_DIR} is missing.`);
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), 'saqta-ff-journey-'));
  const downloads = join(profile, 'Downloads');
  mkdirSync(downloads, { recursive: true });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ 'saqta@saqta.app': UUID }),
      // Kazakh Firefox is Debian's firefox-esr with its Kazakh language pack (firefox-esr-l10n-kk).
      'intl.locale.requested': lang === 'kk' ? 'kk' : 'en-US',
      'intl.accept_languages': lang === 'kk' ? 'kk,en' : 'en-US,en',
      'network.proxy.type': 0,
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'browser.download.folderList': 2,
      'browser.download.dir': downloads,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.alwaysOpenPanel': false,
      ...(options.profile ? { 'extensions.webextensions.keepStorageOnUninstall': true, 'extensions.webextensions.keepUuidOnUninstall': true } : {}),
      ...(options.colorScheme ? { 'layout.css.prefers-color-scheme.content-override': options.colorScheme === 'dark' ? 0 : 1 } : {}),
    },
  });
  await browser.installExtension(FIREFOX_DIR);
  const bidi = bidiOf(browser);
  const chromeWindow = async () => {
    const tree = (await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string; url: string }[] };
    const win = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
    if (!win) throw new Error('Firefox’s browser window is not reachable over BiDi');
    return win.context;
  };
  const openExtensionPage = async (path: string): Promise<Page> => {
    const url = `${EXT}/${path}`;
    const before = new Set((await contexts(browser)).map((c) => c.context));
    await bidi.send('script.evaluate', {
      expression: `gBrowser.selectedTab = gBrowser.addTrustedTab(${JSON.stringify(url)})`,
      target: { context: await chromeWindow() },
      awaitPromise: false,
    });
    return pageAt(browser, (u) => u === url, before);
  };
  let pickerInstalled = false;
  const answerFileDialog = async (path: string): Promise<void> => {
    const res = (await bidi.send('script.evaluate', {
      target: { context: await chromeWindow() },
      awaitPromise: false,
      expression: `(() => {
        const file = Cc['@mozilla.org/file/local;1'].createInstance(Ci.nsIFile);
        file.initWithPath(${JSON.stringify(path)});
        globalThis.__saqtaPick = file;
        if (${pickerInstalled}) return 'ok';
        const picker = () => ({
          QueryInterface: ChromeUtils.generateQI(['nsIFilePicker']),
          init() {}, appendFilters() {}, appendFilter() {}, appendRawFilter() {},
          defaultString: '', defaultExtension: '', filterIndex: 0, displayDirectory: null, displaySpecialDirectory: '',
          addToRecentDocs: false, okButtonLabel: '', mode: 0, capture: 0,
          get file() { return globalThis.__saqtaPick; },
          get fileURL() { return Services.io.newFileURI(globalThis.__saqtaPick); },
          get files() { return [globalThis.__saqtaPick][Symbol.iterator](); },
          get domFileOrDirectory() { return null; },
          get domFileOrDirectoryEnumerator() { return [][Symbol.iterator](); },
          open(done) { Services.tm.dispatchToMainThread(() => done.done(Ci.nsIFilePicker.returnOK)); },
          close() {},
        });
        const factory = { createInstance: (iid) => picker().QueryInterface(iid), QueryInterface: ChromeUtils.generateQI(['nsIFactory']) };
        Components.manager.QueryInterface(Ci.nsIComponentRegistrar)
          .registerFactory(Components.ID('{5a9c7a11-0000-4000-8000-5a97a5a97f01}'), 'the person’s file choice', '@mozilla.org/filepicker;1', factory);
        return 'ok';
      })()`,
    })) as { result: { type: string; result?: { value?: string } } };
    if (res.result.type !== 'success' || res.result.result?.value !== 'ok') throw new Error(`the file dialog could not be answered: ${JSON.stringify(res).slice(0, 300)}`);
    pickerInstalled = true;
  };
  return {
    browser,
    downloads,
    openExtensionPage,
    answerFileDialog,
    async openPopupFor(page) {
      const url = page.url();
      const helper = await openExtensionPage('options.html');
      const tabId = await helper.evaluate(async (u: string) => {
        const api = (globalThis as unknown as { browser: { tabs: { query(q: object): Promise<{ id: number; url: string }[]> } } }).browser;
        return (await api.tabs.query({})).find((t) => t.url === u)!.id;
      }, url);
      await helper.close();
      return openExtensionPage(`popup.html?tab=${tabId}`);
    },
    async close() {
      await browser.close().catch(() => undefined);
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Firefox's tabs as BiDi sees them (puppeteer keeps "about:blank" as the address of a tab that went to a moz-extension:// page). */
async function contexts(browser: Browser): Promise<{ context: string; url: string }[]> {
  return ((await bidiOf(browser).send('browsingContext.getTree', {})).result as { contexts: { context: string; url: string }[] }).contexts;
}

/** The tab whose address matches (and was not among `except`), once it has loaded. */
export async function pageAt(browser: Browser, match: (url: string) => boolean, except = new Set<string>(), timeout = 20_000): Promise<Page> {
  const end = Date.now() + timeout;
  for (;;) {
    const found = (await contexts(browser)).find((c) => match(c.url) && !except.has(c.context));
    const page = found && (await browser.pages()).find((p) => contextOf(p) === found.context);
    if (page) {
      await page.setViewport({ width: 1100, height: 900 });
      await page.waitForFunction(() => document.readyState === 'complete');
      return page;
    }
    if (Date.now() > end) throw new Error('no tab opened at the address expected');
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The file Firefox saved in the downloads folder (finished: no .part beside it). */
export async function downloaded(dir: string, pattern: RegExp, timeout = 60_000): Promise<string> {
  const end = Date.now() + timeout;
  for (;;) {
    const names = readdirSync(dir);
    const done = names.find((n) => pattern.test(n) && !names.includes(`${n}.part`));
    if (done) return join(dir, done);
    if (Date.now() > end) throw new Error(`no download matching ${pattern} in ${dir}: ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

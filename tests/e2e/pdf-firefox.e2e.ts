/**
 * PDFs in Firefox (docs/pdf.md): the navigation's own bytes are kept
 * (`filterResponseData`), the viewer shows them, a claim made with the mouse
 * and Alt+Shift+H is painted, a claim on page 2 gets a tag and a note through
 * the toolbar, a claim across the page break (click, wheel, shift+click,
 * Alt+Shift+H), an area claim dragged on the scanned page, Alt+Shift+S saves
 * bytes whose SHA-256 is the served file's (the record says they are the bytes
 * served), reload re-anchors all of them; with the server stopped the popup's
 * fallback offers the saved PDF, which opens with its claims; the library's
 * export is a WACZ that verifies, with the PDF's `response` record.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { ROOT, artifactPath } from './harness';
import { startServer, type FixtureServer } from '../../scripts/server.mjs';
import { textPdf, TEXT_PDF } from '../support/pdf-fixtures';
import { clickControl, controlBox, escapeToolbar, waitControl } from './person-firefox';
import { bidiOf, contextOf, downloaded, launchFirefox, type FirefoxSession } from './firefox-session';
import { unzipStrict } from '../../utils/zip/read';
import type { TagRecord } from '../../utils/records';
import { withTagNames } from './tag-names';

/** The texts the viewer paints as claims (the Custom Highlight API's ranges), spaces squashed. */
const painted = (p: Page) =>
  p.evaluate(() => {
    const out: string[] = [];
    for (const [name, h] of (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights)
      if (/^saqta-(yellow|green|blue|pink|purple)$/.test(name)) for (const r of h) out.push(r.toString().replace(/\s+/g, ''));
    return out;
  });

/** Where a line of page `n` is drawn (first and last characters), or null when it is not on screen. */
function lineAt(p: Page, n: number, line: string) {
  return p.evaluate(
    (n, line) => {
      // The text layer may split a line into several runs.
      const layer = document.querySelector(`.pdf-page[data-page-number="${n}"] .textLayer`)!;
      const nodes: { t: Text; i: number }[] = [];
      let text = '';
      const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        for (let i = 0; i < t.data.length; i++) nodes.push({ t, i });
        text += t.data;
      }
      const from = text.indexOf(line);
      const box = (k: number) => {
        const r = document.createRange();
        r.setStart(nodes[k]!.t, nodes[k]!.i);
        r.setEnd(nodes[k]!.t, nodes[k]!.i + 1);
        return r.getBoundingClientRect();
      };
      const a = box(from);
      const z = box(from + line.length - 1);
      return { x1: a.left + 1, x2: z.right - 1, y: a.top + a.height / 2 };
    },
    n,
    line,
  );
}

/** Select a line with the mouse: wheel until it is on screen, press at its start, drag, release. */
async function selectLine(p: Page, n: number, line: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const at = await lineAt(p, n, line);
    if (at.y > 120 && at.y < 800) break;
    await p.mouse.move(550, 450);
    await p.mouse.wheel({ deltaY: at.y < 120 ? -150 : 150 });
    await sleep(150);
  }
  const at = await lineAt(p, n, line);
  await p.mouse.move(at.x1, at.y);
  await p.mouse.down();
  await p.mouse.move(at.x2, at.y, { steps: 10 });
  await p.mouse.up();
}

const UUID = '5a9c7a11-0000-4000-8000-5a97a5a97a01';

let server: FixtureServer;
let ff: FirefoxSession;
let dir: string;
let served: Uint8Array;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeout = 30_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function chord(p: Page, key: 'KeyH' | 'KeyS') {
  await p.keyboard.down('Alt');
  await p.keyboard.down('Shift');
  await p.keyboard.press(key);
  await p.keyboard.up('Shift');
  await p.keyboard.up('Alt');
}

/** Where a character of page `n`'s text layer is drawn: just inside the first (or last) character of `text`. */
function charAt(p: Page, n: number, text: string, end: boolean) {
  return p.evaluate(
    (n, text, end) => {
      const layer = document.querySelector(`.pdf-page[data-page-number="${n}"] .textLayer`)!;
      const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        const at = t.data.indexOf(text);
        if (at < 0) continue;
        const i = end ? at + text.length - 1 : at;
        const r = document.createRange();
        r.setStart(t, i);
        r.setEnd(t, i + 1);
        const b = r.getBoundingClientRect();
        return { x: end ? b.right - 1 : b.left + 1, y: b.top + b.height / 2 };
      }
      return null;
    },
    n,
    text,
    end,
  );
}

/** Turn the wheel until `where()` is between `lo` and `hi` on screen and still. */
async function wheelTo(p: Page, where: () => Promise<{ y: number } | null>, lo: number, hi: number): Promise<void> {
  let last = NaN;
  for (let i = 0; i < 60; i++) {
    const at = await where();
    if (!at) throw new Error('not in the viewer');
    if (at.y >= lo && at.y <= hi) {
      if (at.y === last) return;
      last = at.y;
      await sleep(120);
      continue;
    }
    await p.mouse.move(550, 450);
    await p.mouse.wheel({ deltaY: at.y < lo ? -150 : 150 });
    await sleep(120);
  }
  throw new Error('could not scroll it into view');
}

/** The top-left corner of page `n`'s box on screen. */
const pageBox = (p: Page, n: number) =>
  p.evaluate((n) => {
    const r = document.querySelector(`.pdf-page[data-page-number="${n}"]`)?.getBoundingClientRect();
    return r ? { x: r.left, y: r.top } : null;
  }, n);

/** The claims stored for the PDF, read from the extension's own database in its own page (a check, not an act). */
const storedClaims = async (page: Page) => {
  type Raw = { id: string; body: { note: string; tags?: string[]; tagIds?: string[] }; target: { selector: { type: string; label?: string; exact?: string; value?: string }[] } };
  const { claims, tags } = await page.evaluate(
    () =>
      new Promise<{ claims: Raw[]; tags: TagRecord[] }>((resolve, reject) => {
        const open = indexedDB.open('saqta');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['annotations', 'tags']);
          const claims = tx.objectStore('annotations').getAll();
          const tags = tx.objectStore('tags').getAll();
          tx.oncomplete = () => resolve({ claims: claims.result as Raw[], tags: tags.result as TagRecord[] });
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  return withTagNames(claims, tags).map((a) => ({
    id: a.id,
    note: a.body.note,
    tags: a.body.tags,
    page: a.target.selector.find((x) => x.type === 'PageSelector')?.label,
    exact: a.target.selector.find((x) => x.type === 'TextQuoteSelector')?.exact,
    frag: a.target.selector.find((x) => x.type === 'FragmentSelector')?.value,
  }));
};

const squash = (s: string) => s.replace(/\s+/g, '');
const TEXT_CLAIMS = ['Суд признал договор недействительным', 'Министрлік бұл шешімге шағым берді', TEXT_PDF.acrossBreak].map(squash);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saqta-pdf-fx-'));
  served = await textPdf();
  writeFileSync(join(dir, 'report.pdf'), served);
  server = await startServer({ '/pdf/': dir });
  server.override('/pdf/report.pdf', { file: join(dir, 'report.pdf'), headers: { 'content-type': 'application/pdf', 'x-served-by': 'saqta-tests' } });
  server.override('/pdf/ligatures.pdf', { file: join(ROOT, 'tests', 'fixtures', 'pdf', 'ligatures.pdf'), headers: { 'content-type': 'application/pdf' } });
  ff = await launchFirefox('en');
}, 120_000);

afterAll(async () => {
  await ff?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server?.close().catch(() => undefined);
});

describe('PDFs in Firefox', () => {
  let page: Page;
  it('the served bytes open in Saqta’s viewer; a claim with the mouse and Alt+Shift+H; a page-2 claim with a tag and a note', async () => {
    page = await ff.browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    await sleep(1000); // the background has started (a person does not open a PDF in the first second)
    const fetchesBefore = server.log.filter((r: { path: string }) => r.path === '/pdf/report.pdf').length;
    await page.goto(`${server.origin}/pdf/report.pdf`).catch(() => undefined);
    // (puppeteer's page.url() does not follow a navigation the extension makes: ask the page itself.)
    await until('Saqta’s viewer', async () => (await page.evaluate(() => location.href)).startsWith(`moz-extension://${UUID}/pdf.html?held=`));
    await until('the pages', async () => (await page.evaluate(() => document.querySelector('#pdf-doc')?.getAttribute('data-anchored'))) === 'true');
    expect(await page.evaluate(() => document.querySelector('#pdf-pages')?.textContent)).toBe('3 pages');
    // The server was asked once: the viewer shows the navigation's own bytes.
    expect(server.log.filter((r: { path: string }) => r.path === '/pdf/report.pdf').length - fetchesBefore).toBe(1);

    // Select a line of page 1 with the mouse (press, drag, release), then Alt+Shift+H.
    await selectLine(page, 1, 'Суд признал договор недействительным.');
    expect((await page.evaluate(() => String(getSelection()))).trim()).toBe('Суд признал договор недействительным.');
    await sleep(300);
    await chord(page, 'KeyH');
    await until('the claim painted', async () =>
      page.evaluate(() => {
        const reg = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights;
        return [...reg].some(([name, h]) => /^saqta-(yellow|green|blue|pink|purple)$/.test(name) && [...h].some((r) => r.toString().includes('Суд признал')));
      }),
    );
    await page.screenshot({ path: artifactPath('pdf-firefox.png') });
    await escapeToolbar(page);

    // Page 2: a claim with a colour from the toolbar, a tag and a note, typed.
    await selectLine(page, 2, 'Министрлік бұл шешімге шағым берді.');
    expect((await page.evaluate(() => String(getSelection()))).trim()).toBe('Министрлік бұл шешімге шағым берді.');
    await clickControl(page, 'c-green');
    await waitControl(page, 'delete');
    if (!(await controlBox(page, 'tag-input'))) await clickControl(page, 'tag');
    await clickControl(page, 'tag-input');
    await page.keyboard.type('сот');
    await page.keyboard.press('Enter');
    await waitControl(page, 'rm-сот');
    await clickControl(page, 'note');
    await clickControl(page, 'note-input');
    await page.keyboard.type('Шағым 2-бетте');
    await clickControl(page, 'note-save');
    await sleep(300);
    await escapeToolbar(page);
    await until('the tag and note stored', async () => (await storedClaims(page)).some((a) => a.note === 'Шағым 2-бетте' && a.tags.join() === 'сот' && a.page === '2'));

  }, 120_000);

  it('a claim across the page break: click, wheel, shift+click, Alt+Shift+H', async () => {
    await wheelTo(page, () => charAt(page, 1, 'ministry', false), 100, 500);
    await page.mouse.click(5, 300); // a click on the desk: no selection left over
    const from = (await charAt(page, 1, 'ministry', false))!;
    await page.mouse.click(from.x, from.y);
    await wheelTo(page, () => charAt(page, 2, 'tender', true), 100, 800);
    const to = (await charAt(page, 2, 'tender', true))!;
    await page.keyboard.down('Shift');
    await page.mouse.click(to.x, to.y);
    await page.keyboard.up('Shift');
    expect(squash(await page.evaluate(() => String(getSelection())))).toBe(squash(TEXT_PDF.acrossBreak));
    await sleep(300);
    await chord(page, 'KeyH');
    const made = await until('the claim across the break stored', async () => (await storedClaims(page)).find((a) => squash(a.exact ?? '') === squash(TEXT_PDF.acrossBreak)));
    expect(made.page).toBe('1');
    await until('it is painted as one range', async () => (await painted(page)).includes(squash(TEXT_PDF.acrossBreak)));
    await escapeToolbar(page);
  }, 60_000);

  it('an area claim on the scanned page: a rectangle dragged with the mouse', async () => {
    await wheelTo(page, () => pageBox(page, 3), 60, 200);
    await until('page 3 painted', () => page.evaluate(() => document.querySelector('.pdf-page[data-page-number="3"]')?.getAttribute('data-painted') === 'true'));
    const b = (await pageBox(page, 3))!;
    const scale = Number(await page.evaluate(() => document.querySelector('.pdf-page[data-page-number="3"]')!.getAttribute('data-scale')));
    await page.mouse.move(b.x + 100, b.y + 100);
    await page.mouse.down();
    await page.mouse.move(b.x + 250, b.y + 200, { steps: 6 });
    await page.mouse.move(b.x + 400, b.y + 300, { steps: 6 });
    await page.mouse.up();
    await waitControl(page, 'delete');
    const made = await until('the area claim stored', async () => (await storedClaims(page)).find((a) => a.frag));
    expect(made.page).toBe('3');
    expect(made.exact).toBeUndefined();
    const [, l, t, w, h] = /^page=3&viewrect=([\d.]+),([\d.]+),([\d.]+),([\d.]+)$/.exec(made.frag!)!.map(Number);
    for (const [got, px] of [[l, 100], [t, 100], [w, 300], [h, 200]] as const) expect(Math.abs(got! - px / scale), `${made.frag} at scale ${scale}`).toBeLessThan(1.5);
    const box = await until('its box on the page', () =>
      page.evaluate((id) => {
        const r = document.querySelector(`.pdf-area[data-claim-id="${id}"]`)?.getBoundingClientRect();
        return r ? { x: r.left, y: r.top, w: r.width, h: r.height } : null;
      }, made.id),
    );
    expect(Math.abs(box.x - (b.x + 100))).toBeLessThan(2);
    expect(Math.abs(box.w - 300)).toBeLessThan(2);
    expect(Math.abs(box.h - 200)).toBeLessThan(2);
    await page.screenshot({ path: artifactPath('pdf-firefox-area.png') });
    await escapeToolbar(page);
  }, 60_000);

  it('Alt+Shift+S keeps the bytes served; reload re-anchors every claim', async () => {
    await page.mouse.click(5, 400);
    await chord(page, 'KeyS');
    await until('“Saved”', async () => /Saved/.test((await page.evaluate(() => document.querySelector('#pdf-status')?.textContent)) ?? ''));
    // The saved record, read from the extension's own database in its own page.
    const got = await page.evaluate(
      () =>
        new Promise<{ raw: string; source: string; headers: [string, string][] }>((resolve, reject) => {
          const open = indexedDB.open('saqta');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(['captures', 'blobs']);
            const req = tx.objectStore('captures').getAll();
            req.onsuccess = () => {
              const c = req.result.at(-1);
              const ref = c.artifacts.find((a: { kind: string }) => a.kind === 'raw');
              const b = tx.objectStore('blobs').get(ref.blobId);
              b.onsuccess = async () => {
                const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await (b.result.data as Blob).arrayBuffer()));
                resolve({ raw: [...d].map((x) => x.toString(16).padStart(2, '0')).join(''), source: c.notes.pdf.source, headers: c.exchanges[0].responseHeaders });
              };
            };
          };
        }),
    );
    expect(got.raw).toBe(sha(served));
    expect(got.source).toBe('served');
    expect(got.headers.some(([k, v]) => k.toLowerCase() === 'x-served-by' && v === 'saqta-tests')).toBe(true);

    // Reload (the viewer asks the server again: the held bytes were taken once): every claim re-anchors and is painted.
    const area = (await storedClaims(page)).find((a) => a.frag)!;
    // (The browser's reload, not waited for: puppeteer's page.reload() waits 30 s for a load event it never hears here.)
    const origin = await page.evaluate(() => performance.timeOrigin);
    await bidiOf(ff.browser).send('browsingContext.reload', { context: contextOf(page), wait: 'none' });
    await until('the pages again, in a new document', async () => (await page.evaluate(() => [performance.timeOrigin, document.querySelector('#pdf-doc')?.getAttribute('data-anchored')] as const).then(([o, a]) => o !== origin && a === 'true')));
    await until('the three text claims painted after reload', async () => {
      const got = await painted(page);
      return TEXT_CLAIMS.every((b) => got.some((g) => g.includes(b)));
    });
    await until('the area box back after reload', () => page.evaluate((id) => !!document.querySelector(`.pdf-area[data-claim-id="${id}"]`), area.id));

  }, 120_000);

  it('ligatures and hyphenation: claims on a word broken across lines and on words with ligature glyphs re-anchor after reload', async () => {
    const tab = await ff.browser.newPage();
    await tab.setViewport({ width: 1100, height: 900 });
    await tab.goto(`${server.origin}/pdf/ligatures.pdf`).catch(() => undefined);
    await until('Saqta’s viewer', async () => (await tab.evaluate(() => location.href)).startsWith(`moz-extension://${UUID}/pdf.html?held=`));
    await until('the pages', async () => (await tab.evaluate(() => document.querySelector('#pdf-doc')?.getAttribute('data-anchored'))) === 'true');
    const letters = (s: string) => s.replace(/[\s\u00ad\u2010-]/g, '');
    const claim = async (from: string, to: string, want: string) => {
      await wheelTo(tab, () => charAt(tab, 1, from, false), 100, 700);
      await tab.mouse.click(5, 300);
      const a = (await charAt(tab, 1, from, false))!;
      const z = (await charAt(tab, 1, to, true))!;
      await tab.mouse.click(a.x, a.y);
      await tab.keyboard.down('Shift');
      await tab.mouse.click(z.x, z.y);
      await tab.keyboard.up('Shift');
      expect(letters(await tab.evaluate(() => String(getSelection())))).toBe(letters(want));
      await sleep(300);
      await chord(tab, 'KeyH');
      await until(`“${want}” stored`, async () => (await storedClaims(tab)).some((c) => letters(c.exact ?? '') === letters(want)));
      await escapeToolbar(tab);
    };
    // "spokes‐" ends a line, "person" starts the next; "The official filings show": "ff" and "fi" are ligature glyphs.
    await claim('spokes', 'person', 'spokesperson');
    await claim('The o', 'lings show', 'The official filings show');
    const wanted = ['spokesperson', 'The official filings show'].map(letters);
    const paintedHere = async () => (await painted(tab)).map(letters);
    await until('both painted', async () => {
      const got = await paintedHere();
      return wanted.every((w) => got.includes(w));
    });
    const origin = await tab.evaluate(() => performance.timeOrigin);
    await bidiOf(ff.browser).send('browsingContext.reload', { context: contextOf(tab), wait: 'none' });
    await until('the pages again, in a new document', async () => (await tab.evaluate(() => [performance.timeOrigin, document.querySelector('#pdf-doc')?.getAttribute('data-anchored')] as const).then(([o, a]) => o !== origin && a === 'true')));
    await until('both claims painted after reload', async () => {
      const got = await paintedHere();
      return wanted.every((w) => got.includes(w));
    });
    await tab.screenshot({ path: artifactPath('pdf-firefox-ligatures.png') });
    await tab.close();
  }, 90_000);

  it('stop the server → the popup’s fallback offers the saved PDF; it opens in Saqta’s viewer with its claims and the area box', async () => {
    const url = `${server.origin}/pdf/report.pdf`;
    await server.close();
    const tab = await ff.browser.newPage();
    await tab.setViewport({ width: 1100, height: 900 });
    await tab.goto(url).catch(() => undefined);
    // The popup for that tab (opened as a tab: headless Firefox shows no panel; puppeteer does not know
    // the failed tab's address, so the tab is found by it), the offer, and one click.
    const helper = await ff.openExtensionPage('options.html');
    const tabId = await until('the tab that failed', () =>
      helper.evaluate(async (u: string) => {
        const api = (globalThis as unknown as { browser: { tabs: { query(q: object): Promise<{ id: number; url: string }[]> } } }).browser;
        return (await api.tabs.query({})).find((t) => t.url === u)?.id ?? 0;
      }, url),
    );
    await helper.close();
    const popup = await until(
      'the offer in the popup',
      async () => {
        const p = await ff.openExtensionPage(`popup.html?tab=${tabId}`);
        if (await p.waitForSelector('[data-testid=open-my-copy]', { timeout: 3000 }).catch(() => null)) return p;
        await p.close();
        return null;
      },
      45_000,
    );
    expect(await popup.$eval('[data-testid=blocked-offer]', (e) => e.textContent)).toContain(TEXT_PDF.title);
    await popup.click('[data-testid=open-my-copy]');
    await until('the saved PDF in the tab', async () => /^\/pdf\.html$/.test(await tab.evaluate(() => location.pathname).catch(() => '')) && (await tab.evaluate(() => new URLSearchParams(location.search).get('saved'))));
    await popup.close().catch(() => undefined);
    await until('its claims anchored', async () => (await tab.evaluate(() => document.querySelector('#pdf-doc')?.getAttribute('data-anchored'))) === 'true');
    await until('“Saved copy of”', async () => /Saved copy of/.test((await tab.evaluate(() => document.querySelector('#pdf-status')?.textContent)) ?? ''));
    await until('the three text claims painted', async () => {
      const got = await painted(tab);
      return TEXT_CLAIMS.every((b) => got.some((g) => g.includes(b)));
    });
    await until('the area box', () => tab.evaluate(() => document.querySelectorAll('.pdf-area:not(.pdf-area-draft)').length === 1));
    await tab.screenshot({ path: artifactPath('pdf-firefox-fallback.png') });
    await tab.close();
  }, 90_000);

  it('export from the library → a WACZ that verifies, with the PDF’s response record holding the served bytes', async () => {
    const lib = await ff.openExtensionPage('library.html');
    const button = await until('the PDF’s row and its WACZ export', async () =>
      lib.evaluateHandle((title) => [...document.querySelectorAll('[data-page-id]')].find((r) => r.textContent?.includes(title))?.querySelector('[data-testid=export-article-wacz]') ?? null, TEXT_PDF.title).then((h) => (h.asElement() ? h : null)),
    );
    await (button as unknown as { click(): Promise<void> }).click();
    const wacz = await downloaded(ff.downloads, /\.wacz$/);
    const check = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite-node/dist/cli.mjs'), 'scripts/verify.ts', wacz], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stdout).toContain('RESULT: the bundle is intact.');
    expect(check.status).toBe(0);
    // The WARC's `response` record for the PDF's address: its payload is the served file.
    const files = await unzipStrict(new Uint8Array(readFileSync(wacz)));
    const warc = [...files].find(([name]) => /^archive\/.+\.warc(\.gz)?$/.test(name));
    expect(warc).toBeDefined();
    const data = Buffer.from(warc![0].endsWith('.gz') ? gunzipSync(warc![1]) : warc![1]);
    const url = `${server.origin}/pdf/report.pdf`;
    const at = data.indexOf(Buffer.from(served));
    expect(at).toBeGreaterThan(0);
    const head = data.subarray(data.lastIndexOf(Buffer.from('WARC/1.'), at), at).toString('latin1');
    expect(head).toContain('WARC-Type: response');
    expect(head).toContain(`WARC-Target-URI: ${url}`);
    expect(head).toMatch(/content-type: application\/pdf/i);
    expect(sha(new Uint8Array(data.subarray(at, at + served.length)))).toBe(sha(served));
    await lib.close();
  }, 90_000);
});

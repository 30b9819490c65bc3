/**
 * PDFs in Firefox (docs/pdf.md): the navigation's own bytes are kept
 * (`filterResponseData`), the viewer shows them, a claim made with the mouse
 * and Alt+Shift+H is painted, a claim on page 2 gets a tag and a note through
 * the toolbar, reload re-anchors both, Alt+Shift+S saves bytes whose SHA-256
 * is the served file's, and the record says they are the bytes served.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ROOT, artifactPath } from './harness';
import { startServer, type FixtureServer } from '../../scripts/server.mjs';
import { textPdf } from '../support/pdf-fixtures';
import { clickControl, controlBox, escapeToolbar, waitControl } from './person-firefox';

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

const FIREFOX_DIR = join(ROOT, '.output', 'firefox-mv2');
const CANDIDATES = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].filter(Boolean) as string[];
const FIREFOX = CANDIDATES.find((p) => existsSync(p));
const UUID = '5a9c7a11-0000-4000-8000-5a97a5a97a01';

let server: FixtureServer;
let browser: Browser;
let profile: string;
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

beforeAll(async () => {
  if (!FIREFOX) throw new Error(`Firefox is needed for this test (looked in ${CANDIDATES.join(', ')}).`);
  if (!existsSync(join(FIREFOX_DIR, 'manifest.json'))) throw new Error(`Build the Firefox extension first (npx wxt build -b firefox): ${FIREFOX_DIR} is missing.`);
  dir = mkdtempSync(join(tmpdir(), 'saqta-pdf-fx-'));
  served = await textPdf();
  writeFileSync(join(dir, 'report.pdf'), served);
  server = await startServer({ '/pdf/': dir });
  server.override('/pdf/report.pdf', { file: join(dir, 'report.pdf'), headers: { 'content-type': 'application/pdf', 'x-served-by': 'saqta-tests' } });
  profile = mkdtempSync(join(tmpdir(), 'saqta-firefox-'));
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ 'saqta@saqta.app': UUID }),
      'intl.locale.requested': 'en-US',
      'network.proxy.type': 0,
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
  await browser.installExtension(FIREFOX_DIR);
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
  await server?.close();
});

describe('PDFs in Firefox', () => {
  it('the served bytes open in Saqta’s viewer; a claim with the mouse and Alt+Shift+H; a page-2 claim with a tag and a note; Alt+Shift+S keeps the bytes served; reload re-anchors both', async () => {
    const page = await browser.newPage();
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
    const stored = () =>
      page.evaluate(
        () =>
          new Promise<{ note: string; tags: string[]; page?: string }[]>((resolve, reject) => {
            const open = indexedDB.open('saqta');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const req = open.result.transaction('annotations').objectStore('annotations').getAll();
              req.onsuccess = () =>
                resolve(req.result.map((a: { body: { note: string; tags: string[] }; target: { selector: { type: string; label?: string }[] } }) => ({ note: a.body.note, tags: a.body.tags, page: a.target.selector.find((x) => x.type === 'PageSelector')?.label })));
            };
          }),
      );
    await until('the tag and note stored', async () => (await stored()).some((a) => a.note === 'Шағым 2-бетте' && a.tags.join() === 'сот' && a.page === '2'));

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

    // Reload (the viewer asks the server again: the held bytes were taken once): both claims re-anchor and are painted.
    await page.reload().catch(() => undefined);
    await until('the pages again', async () => (await page.evaluate(() => document.querySelector('#pdf-doc')?.getAttribute('data-anchored'))) === 'true');
    const both = ['Суд признал договор недействительным', 'Министрлік бұл шешімге шағым берді'].map((x) => x.replace(/\s+/g, ''));
    await until('both claims painted after reload', async () => {
      const got = await painted(page);
      return both.every((b) => got.some((g) => g.includes(b)));
    });

  }, 120_000);
});

/**
 * PDFs in Firefox (docs/pdf.md): the navigation's own bytes are kept
 * (`filterResponseData`), the viewer shows them, a claim made with the mouse
 * and Alt+Shift+H is painted, Alt+Shift+S saves bytes whose SHA-256 is the
 * served file's, and the record says they are the bytes served.
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
  it('the served bytes open in Saqta’s viewer; a claim with the mouse and Alt+Shift+H; Alt+Shift+S keeps the bytes served', async () => {
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
    const at = await page.evaluate(() => {
      // Where the line's first and last characters are drawn (the text layer may split a line into several runs).
      const layer = document.querySelector('.pdf-page[data-page-number="1"] .textLayer')!;
      const nodes: { t: Text; i: number }[] = [];
      let text = '';
      const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        for (let i = 0; i < t.data.length; i++) nodes.push({ t, i });
        text += t.data;
      }
      const line = 'Суд признал договор недействительным.';
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
    });
    await page.mouse.move(at.x1, at.y);
    await page.mouse.down();
    await page.mouse.move(at.x2, at.y, { steps: 10 });
    await page.mouse.up();
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
  }, 120_000);
});

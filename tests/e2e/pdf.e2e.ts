/**
 * PDFs are evidence too (docs/pdf.md), in Chromium, driven as a person:
 * a served PDF opens in Saqta's viewer; a claim with a tag and a note on page
 * 2; a claim across the page break; reload → both re-anchor; Alt+Shift+S →
 * the capture's bytes have the served file's SHA-256; a script in a PDF never
 * runs; a broken PDF says so; an area claim on the scanned page (a dragged rectangle) is
 * kept, re-placed on reload and shown with its picture in the side panel; the setting and "Open in the browser's viewer"
 * leave PDFs to the browser. The test PDFs are made here (tests/support/pdf-fixtures.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { unzipStrict } from '../../utils/zip/read';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, artifactPath, tabIdOf, ROOT, type Session } from './harness';
import { startServer, type FixtureServer } from '../../scripts/server.mjs';
import { clickControl, controlBox, escapeToolbar, focusedControl, uiText, waitControl } from './highlight-helpers';
import { popupWithOffer } from './fallback-offer';
import { brokenPdf, scriptedPdf, textPdf, TEXT_PDF } from '../support/pdf-fixtures';
import type { Annotation } from '../../utils/annotation';
import type { CaptureRecord } from '../../utils/db';
import type { TagRecord } from '../../utils/records';
import { withTagNames } from './tag-names';

let server: FixtureServer;
let session: Session;
let dir: string;
let served: Uint8Array;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
/** Characters only: a DOM range's text has no line break between two text-layer lines (the layout's <br> is not text). */
const squash = (s: string) => s.replace(/\s+/g, '');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saqta-pdf-'));
  server = await startServer({ '/pdf/': dir });
  served = await textPdf();
  writeFileSync(join(dir, 'report.pdf'), served);
  writeFileSync(join(dir, 'scripted.pdf'), await scriptedPdf(`${server.origin}/js-ran`));
  writeFileSync(join(dir, 'broken.pdf'), brokenPdf());
  // The report as a server sends a PDF; the others as octet-stream with a .pdf name (the server's default).
  server.override('/pdf/report.pdf', { file: join(dir, 'report.pdf'), headers: { 'content-type': 'application/pdf', 'x-served-by': 'saqta-tests' } });
  session = await launch({ lang: 'en' });
  // The browser has been running a moment (a person does not type a URL in the first
  // milliseconds after install): the background has set its PDF rules.
  for (let i = 0; i < 100; i++) {
    if ((await session.worker.evaluate(async () => (await chrome.declarativeNetRequest.getSessionRules()).length)) === 3) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(async () => {
  await session?.close();
  await server?.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** What each viewer tab asked for once it was Saqta's page, and what the browser refused it (CSP). */
const viewerRequests = new Map<Page, string[]>();
const cspErrors: string[] = [];

/** Go to a PDF's address as a person does (typed URL): it lands in Saqta's viewer. */
async function openPdf(path: string): Promise<Page> {
  const page = await session.context.newPage();
  const log: string[] = [];
  viewerRequests.set(page, log);
  page.on('request', (r) => {
    if (page.url().startsWith('chrome-extension://')) log.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
  await page.goto(`${server.origin}${path}`, { waitUntil: 'commit' }).catch(() => undefined);
  await page.waitForURL((u) => u.href.startsWith(`chrome-extension://${session.extensionId}/pdf.html`), { timeout: 15_000, waitUntil: 'commit' });
  await page.waitForSelector('#pdf-doc[data-state]', { timeout: 20_000 });
  return page;
}

/**
 * Where a person presses to select from the start of `from` (on page `fromPage`) to the end
 * of `to` (on page `toPage`): just inside the first and last characters, read from the layout.
 */
async function pointsOf(page: Page, fromPage: number, from: string, toPage: number, to: string) {
  return page.evaluate(
    ({ fromPage, from, toPage, to }) => {
      const find = (n: number, text: string, end: boolean) => {
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
          return { x: end ? b.right - 1 : b.left + 1, y: b.top + b.height / 2, top: b.top };
        }
        return null;
      };
      return { from: find(fromPage, from, false), to: find(toPage, to, true) };
    },
    { fromPage, from, toPage, to },
  );
}

/** Scroll with the mouse wheel until the point `which` of the text is between `lo` and `hi` on screen, and still. */
async function wheelTo(page: Page, which: () => Promise<{ top: number } | null>, lo: number, hi: number): Promise<void> {
  let last = NaN;
  for (let i = 0; i < 60; i++) {
    const at = await which();
    if (!at) throw new Error('text not in the text layer');
    if (at.top >= lo && at.top <= hi) {
      if (at.top === last) return;
      last = at.top;
      await page.waitForTimeout(100);
      continue;
    }
    await page.mouse.move(640, 450);
    await page.mouse.wheel(0, at.top < lo ? -120 : 120);
    await page.waitForTimeout(80);
  }
  throw new Error('could not scroll the text into view');
}

/** Select from the start of `from` to the end of `to` as a person does: click, scroll with the wheel if needed, shift+click. */
async function selectAcross(page: Page, fromPage: number, from: string, toPage: number, to: string): Promise<string> {
  await wheelTo(page, async () => (await pointsOf(page, fromPage, from, toPage, to)).from, 100, 400);
  await page.mouse.click(5, 300); // a click on the desk: no selection left over
  const start = (await pointsOf(page, fromPage, from, toPage, to)).from!;
  await page.mouse.click(start.x, start.y);
  await wheelTo(page, async () => (await pointsOf(page, fromPage, from, toPage, to)).to, 100, 800);
  const end = (await pointsOf(page, fromPage, from, toPage, to)).to!;
  await page.keyboard.down('Shift');
  await page.mouse.click(end.x, end.y);
  await page.keyboard.up('Shift');
  const got = await page.evaluate(() => document.getSelection()?.toString() ?? '');
  return got;
}

/** The claims the background stores for the open PDF (read in the background, as a check). */
async function storedClaims(): Promise<Annotation[]> {
  const { claims, tags } = await session.worker.evaluate(
    () =>
      new Promise<{ claims: Annotation[]; tags: TagRecord[] }>((resolve, reject) => {
        const open = indexedDB.open('saqta');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['annotations', 'tags']);
          const claims = tx.objectStore('annotations').getAll();
          const tags = tx.objectStore('tags').getAll();
          tx.oncomplete = () => resolve({ claims: claims.result as Annotation[], tags: tags.result as TagRecord[] });
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  return withTagNames(claims, tags);
}

/** The texts the viewer paints as claims (the Custom Highlight API's ranges). */
async function paintedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const reg = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights;
    for (const [name, h] of reg) if (/^saqta-(yellow|green|blue|pink|purple)$/.test(name)) for (const r of h) out.push(r.toString());
    return out;
  });
}

describe('PDFs in Saqta’s viewer (Chromium)', () => {
  let viewer: Page;

  it('a served PDF opens in Saqta’s viewer, all three pages, with a text layer and the scanned page named', async () => {
    viewer = await openPdf('/pdf/report.pdf');
    expect(await viewer.locator('#pdf-doc').getAttribute('data-state')).toBe('ready');
    expect(new URL(viewer.url()).search).toBe(`?file=${server.origin}/pdf/report.pdf`);
    await expect.poll(() => viewer.locator('#pdf-pages').textContent()).toBe('3 pages');
    expect(await viewer.locator('#pdf-name').textContent()).toBe(TEXT_PDF.title);
    // The text layer holds the document's words, Kazakh letters included.
    const text = fold((await viewer.locator('.pdf-page[data-page-number="2"] .textLayer').textContent()) ?? '');
    expect(text).toContain('Министрлік бұл шешімге шағым берді.');
    expect(await viewer.locator('#pdf-status').textContent()).toContain('Pages without text (scanned images): 3. Drag a rectangle');
    // The first page is painted (a canvas with ink on it).
    await viewer.waitForSelector('.pdf-page[data-page-number="1"][data-painted="true"]');
    await viewer.screenshot({ path: artifactPath('pdf-viewer.png') });
    // PDF.js's worker, character maps and fonts come from the extension; the page reaches no server
    // (the bytes came through the background), and its strict CSP refused nothing PDF.js needed.
    const asked = viewerRequests.get(viewer)!;
    expect(asked.some((u) => u.endsWith('/pdfjs/pdf.worker.min.mjs'))).toBe(true);
    expect(asked.filter((u) => !u.startsWith(`chrome-extension://${session.extensionId}/`))).toEqual([]);
    expect(cspErrors).toEqual([]);
  });

  it('a claim with a tag and a note on page 2', async () => {
    const got = await selectAcross(viewer, 2, 'Министрлік', 2, 'берді');
    expect(fold(got)).toBe('Министрлік бұл шешімге шағым берді');
    await clickControl(viewer, 'c-green');
    await waitControl(viewer, 'delete');
    if (!(await controlBox(viewer, 'tag-input'))) await clickControl(viewer, 'tag');
    await clickControl(viewer, 'tag-input');
    await viewer.keyboard.type('сот');
    await viewer.keyboard.press('Enter');
    await waitControl(viewer, 'rm-сот');
    await clickControl(viewer, 'note');
    await clickControl(viewer, 'note-input');
    await viewer.keyboard.type('Шағым 2-бетте');
    await clickControl(viewer, 'note-save');
    // Its citation names the page.
    await clickControl(viewer, 'cite');
    await expect.poll(() => uiText(viewer)).toContain(`“Министрлік бұл шешімге шағым берді”\n— ${TEXT_PDF.title}, p. 2. ${server.origin}/pdf/report.pdf`);
    await escapeToolbar(viewer);
    await expect.poll(async () => (await storedClaims()).find((a) => a.body.note === 'Шағым 2-бетте')?.body.tags).toEqual(['сот']);
    const a = (await storedClaims()).find((x) => x.body.note === 'Шағым 2-бетте')!;
    expect(a.target.source).toBe(`${server.origin}/pdf/report.pdf`);
    expect(a.target.selector).toContainEqual({ type: 'PageSelector', index: 1, label: '2' });
    expect(a.target.selector.find((s) => s.type === 'TextQuoteSelector')).toMatchObject({ exact: 'Министрлік бұл шешімге шағым берді' });
    expect(a.target.selector.some((s) => s.type === 'TextPositionSelector')).toBe(true);
    expect(await paintedTexts(viewer)).toContain('Министрлік бұл шешімге шағым берді');
  });

  it('a claim across the page break (Alt+Shift+H)', async () => {
    const got = await selectAcross(viewer, 1, 'ministry', 2, 'tender');
    expect(fold(got)).toBe(TEXT_PDF.acrossBreak);
    await viewer.keyboard.press('Alt+Shift+H');
    await expect.poll(async () => (await storedClaims()).length).toBe(2);
    const a = (await storedClaims()).find((x) => x.body.note === '')!;
    const quote = a.target.selector.find((s) => s.type === 'TextQuoteSelector')!;
    expect(fold((quote as { exact: string }).exact)).toBe(TEXT_PDF.acrossBreak);
    expect(a.target.selector).toContainEqual({ type: 'PageSelector', index: 0, label: '1' });
    expect((await paintedTexts(viewer)).map(squash)).toContain(squash(TEXT_PDF.acrossBreak));
  });

  it('reload → both claims re-anchor where they were made', async () => {
    await viewer.reload();
    await viewer.waitForSelector('#pdf-doc[data-anchored="true"]', { timeout: 20_000 });
    await expect.poll(async () => (await paintedTexts(viewer)).map(squash).sort()).toEqual(['Министрлік бұл шешімге шағым берді', TEXT_PDF.acrossBreak].map(squash).sort());
    await viewer.screenshot({ path: artifactPath('pdf-claims.png'), fullPage: false });
  });

  it('Alt+Shift+S → the capture holds bytes whose SHA-256 is the served file’s, its headers, and says they were fetched again', async () => {
    await viewer.mouse.click(5, 300);
    await viewer.keyboard.press('Alt+Shift+S');
    await expect.poll(() => viewer.locator('#pdf-status').textContent(), { timeout: 20_000 }).toContain('Saved');
    const got = await session.worker.evaluate(
      () =>
        new Promise<{ capture: CaptureRecord; raw: string }>((resolve, reject) => {
          const open = indexedDB.open('saqta');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(['captures', 'blobs']);
            const req = tx.objectStore('captures').getAll();
            req.onsuccess = () => {
              const capture = (req.result as CaptureRecord[]).at(-1)!;
              const ref = capture.artifacts.find((a) => a.kind === 'raw')!;
              const b = tx.objectStore('blobs').get(ref.blobId);
              b.onsuccess = async () => {
                const bytes = new Uint8Array(await (b.result.data as Blob).arrayBuffer());
                const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
                resolve({ capture, raw: [...d].map((x) => x.toString(16).padStart(2, '0')).join('') });
              };
            };
          };
        }),
    );
    expect(got.raw).toBe(sha(served));
    expect(got.capture.notes?.pdf).toMatchObject({ sha256: sha(served), source: 'refetched', pages: 3 });
    const main = got.capture.exchanges!.find((x) => x.main)!;
    expect(main.url).toBe(`${server.origin}/pdf/report.pdf`);
    expect(main.responseHeaders).toContainEqual(['x-served-by', 'saqta-tests']);
    expect(got.capture.artifacts.some((a) => a.kind === 'screenshot' && a.mime === 'image/png' && a.size > 1000)).toBe(true);
  });

  it('the saved copy opens from the reader page in the PDF viewer, without the server, with both claims', async () => {
    const pageId = (await storedClaims())[0]!.pageId;
    const asked = server.log.length;
    const reader = await session.openExtensionPage(`reader.html?page=${encodeURIComponent(pageId)}`);
    await reader.waitForURL((u) => u.pathname === '/pdf.html' && u.searchParams.get('saved') === pageId, { timeout: 15_000, waitUntil: 'commit' });
    await reader.waitForSelector('#pdf-doc[data-anchored="true"]', { timeout: 20_000 });
    expect(await reader.locator('#pdf-doc').getAttribute('data-saved')).toBe('true');
    await expect.poll(() => reader.locator('#pdf-status').textContent()).toContain('Saved copy of');
    await expect.poll(async () => (await paintedTexts(reader)).map(squash).sort()).toEqual(['Министрлік бұл шешімге шағым берді', TEXT_PDF.acrossBreak].map(squash).sort());
    expect(server.log.length).toBe(asked);
    // Its evidence sheet, printed from the viewer's bar: the claims with their page numbers, and nothing of the pages.
    const print = reader.getByRole('button', { name: 'Print evidence sheet' });
    await print.waitFor();
    await reader.waitForSelector('#pdf-sheet[data-ready="true"]', { state: 'attached' });
    await reader.emulateMedia({ media: 'print' });
    const sheet = reader.getByTestId('evidence-sheet');
    expect(await sheet.isVisible()).toBe(true);
    expect(await reader.locator('#pdf-doc').isVisible()).toBe(false);
    const claimsText = fold((await sheet.locator('.ev-claims').textContent()) ?? '');
    expect(claimsText).toContain('“Министрлік бұл шешімге шағым берді” (p. 2)');
    expect(claimsText).toContain('(p. 1)');
    expect(claimsText).toContain('сот');
    expect(fold((await sheet.locator('.ev-artifacts').textContent()) ?? '')).toContain(`SHA-256 ${sha(served)}`);
    await reader.screenshot({ path: artifactPath('pdf-evidence-sheet.png'), fullPage: true });
    await reader.emulateMedia({ media: null });
    await reader.close();
  });

  it('an area claim on the scanned page: a rectangle dragged with the mouse, tag and note; reload → its box is back; the side panel shows its picture', async () => {
    const page3 = viewer.locator('.pdf-page[data-page-number="3"]');
    await wheelTo(viewer, async () => {
      const b = await page3.boundingBox();
      return b ? { top: b.y } : null;
    }, 60, 200);
    await viewer.waitForSelector('.pdf-page[data-page-number="3"][data-painted="true"]');
    const b = (await page3.boundingBox())!;
    const scale = Number(await page3.getAttribute('data-scale'));
    await viewer.mouse.move(b.x + 100, b.y + 100);
    await viewer.mouse.down();
    await viewer.mouse.move(b.x + 250, b.y + 250, { steps: 6 });
    await viewer.mouse.move(b.x + 400, b.y + 400, { steps: 6 });
    await viewer.mouse.up();
    // The box shows where it was drawn, and the toolbar opens on the new claim.
    const box = viewer.locator('.pdf-area:not(.pdf-area-draft)');
    await expect.poll(() => box.count()).toBe(1);
    const drawn = (await box.boundingBox())!;
    expect(Math.abs(drawn.x - (b.x + 100))).toBeLessThan(2);
    expect(Math.abs(drawn.width - 300)).toBeLessThan(2);
    await waitControl(viewer, 'delete');
    if (!(await controlBox(viewer, 'tag-input'))) await clickControl(viewer, 'tag');
    await clickControl(viewer, 'tag-input');
    await viewer.keyboard.type('мөр');
    await viewer.keyboard.press('Enter');
    await waitControl(viewer, 'rm-мөр');
    await clickControl(viewer, 'note');
    await clickControl(viewer, 'note-input');
    await viewer.keyboard.type('Сканерленген бет, мөр');
    await clickControl(viewer, 'note-save');
    await viewer.waitForTimeout(300);
    await viewer.keyboard.press('Escape');
    await expect.poll(async () => (await storedClaims()).find((a) => a.body.note === 'Сканерленген бет, мөр')?.body.tags).toEqual(['мөр']);
    const a = (await storedClaims()).find((x) => x.body.note === 'Сканерленген бет, мөр')!;
    expect(a.target.selector).toContainEqual({ type: 'PageSelector', index: 2, label: '3' });
    const frag = a.target.selector.find((s) => s.type === 'FragmentSelector') as { conformsTo: string; value: string };
    expect(frag.conformsTo).toBe('http://tools.ietf.org/rfc/rfc3778');
    const [, l, t, w, h] = /^page=3&viewrect=([\d.]+),([\d.]+),([\d.]+),([\d.]+)$/.exec(frag.value)!.map(Number);
    for (const [got, px] of [[l, 100], [t, 100], [w, 300], [h, 300]] as const) expect(Math.abs(got! - px / scale), `${frag.value} at scale ${scale}`).toBeLessThan(1);
    expect(a.target.selector.some((s) => s.type === 'TextQuoteSelector')).toBe(false);
    await expect.poll(() => box.getAttribute('data-claim-id')).toBe(a.id);
    await viewer.screenshot({ path: artifactPath('pdf-area.png') });

    // Reload: the box is back in the same place, with the claim's colour; the text claims too.
    await viewer.reload();
    await viewer.waitForSelector('#pdf-doc[data-anchored="true"]', { timeout: 20_000 });
    const again = viewer.locator(`.pdf-area[data-claim-id="${a.id}"]`);
    await expect.poll(() => again.count()).toBe(1);
    const b2 = (await viewer.locator('.pdf-page[data-page-number="3"]').boundingBox())!;
    const d2 = (await again.boundingBox())!;
    expect(Math.abs(d2.x - b2.x - 100)).toBeLessThan(2);
    expect(Math.abs(d2.y - b2.y - 100)).toBeLessThan(2);
    expect(Math.abs(d2.height - 300)).toBeLessThan(2);
    expect(await again.getAttribute('data-color')).toBe(a.body.color);
    await expect.poll(async () => (await paintedTexts(viewer)).filter(Boolean).map(squash).sort()).toEqual(['Министрлік бұл шешімге шағым берді', TEXT_PDF.acrossBreak].map(squash).sort());

    // The side panel beside the viewer: the card names the page and shows the cropped picture of the scan.
    const tabId = await tabIdOf(session, viewer);
    const panel = await session.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    const card = panel.locator(`[data-claim-id="${a.id}"]`);
    await expect.poll(() => card.count(), { timeout: 15_000 }).toBe(1);
    expect(await card.textContent()).toContain('Area on page 3');
    expect(await card.textContent()).toContain('Сканерленген бет, мөр');
    const pic = card.getByRole('img', { name: 'Picture of the area on page 3' });
    await expect.poll(() => pic.count(), { timeout: 10_000 }).toBe(1);
    const ink = await pic.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! < 100) dark++;
      return { w: img.naturalWidth, h: img.naturalHeight, dark: dark / (d.length / 4) };
    });
    // The crop is the area's shape (300×300 px drawn: square) and holds the scan's dark lines.
    expect(Math.abs(ink.w / ink.h - 1)).toBeLessThan(0.02);
    expect(ink.dark).toBeGreaterThan(0.05);
    await panel.screenshot({ path: artifactPath('pdf-area-sidepanel.png') });
    await panel.close();
  });

  it('an area claim with the keyboard only: Tab to “Mark an area”, arrows move, Shift+arrows resize, Enter marks it', async () => {
    await viewer.bringToFront();
    const button = viewer.getByRole('button', { name: 'Mark an area on page 3' });
    let tabs = 0;
    while (!(await button.evaluate((b) => b === document.activeElement)) && tabs++ < 20) await viewer.keyboard.press('Tab');
    expect(tabs).toBeLessThan(20);
    await viewer.keyboard.press('Enter');
    const draft = viewer.locator('.pdf-area-keys');
    await expect.poll(() => draft.evaluate((d) => d === document.activeElement)).toBe(true);
    expect(await draft.getAttribute('aria-label')).toContain('Arrow keys move it');
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'Shift+ArrowLeft', 'Shift+ArrowLeft', 'Shift+ArrowLeft', 'Shift+ArrowLeft', 'Shift+ArrowLeft', 'Shift+ArrowUp', 'Shift+ArrowUp'])
      await viewer.keyboard.press(key);
    // Where it is, said in the status line (a live region) after every press.
    await expect.poll(() => viewer.getByRole('status').textContent()).toMatch(/^Rectangle on page 3: \d+% from the left, \d+% from the top, \d+% wide, \d+% high\.$/);
    await viewer.screenshot({ path: artifactPath('pdf-area-keyboard.png') });
    await viewer.emulateMedia({ colorScheme: 'dark' });
    await viewer.screenshot({ path: artifactPath('pdf-area-keyboard-dark.png') });
    await viewer.emulateMedia({ colorScheme: 'light' });
    const before = new Set((await storedClaims()).map((x) => x.id));
    await viewer.keyboard.press('Enter');
    // The claim is made and the toolbar opens on it with the keyboard in it.
    await expect.poll(async () => (await storedClaims()).length).toBe(before.size + 1);
    await expect.poll(() => focusedControl(viewer)).not.toBeNull();
    await escapeToolbar(viewer);
    const [w, h] = ((await viewer.locator('.pdf-page[data-page-number="3"]').getAttribute('data-points')) ?? '').split(',').map(Number);
    const made = (await storedClaims()).find((x) => !before.has(x.id))!;
    const frag = made.target.selector.find((s) => s.type === 'FragmentSelector') as { value: string };
    const got = /^page=3&viewrect=([\d.]+),([\d.]+),([\d.]+),([\d.]+)$/.exec(frag.value)!.slice(1).map(Number);
    const want = [w! / 4 + 30, (h! * 3) / 8 + 20, w! / 2 - 50, h! / 4 - 20];
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(0.01));
    await expect.poll(() => viewer.locator(`.pdf-area[data-claim-id="${made.id}"]`).count()).toBe(1);
    expect(await draft.count()).toBe(0);
  });

  it('a PDF’s JavaScript and Launch actions never run', async () => {
    const page = await openPdf('/pdf/scripted.pdf');
    expect(await page.locator('#pdf-doc').getAttribute('data-state')).toBe('ready');
    expect(fold((await page.locator('.textLayer').first().textContent()) ?? '')).toContain('This PDF carries a script that must never run.');
    await page.waitForTimeout(1500);
    expect(server.log.filter((r: { path: string }) => r.path.startsWith('/js-ran'))).toEqual([]);
    await page.close();
  });

  it('a broken PDF gets a clear message', async () => {
    const page = await openPdf('/pdf/broken.pdf');
    expect(await page.locator('#pdf-doc').getAttribute('data-state')).toBe('broken');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This file is damaged or is not a PDF');
    await page.close();
  });

  it('“Open in the browser’s viewer” and the setting leave PDFs to the browser', async () => {
    await viewer.getByRole('button', { name: 'Open in the browser\'s viewer' }).click();
    await viewer.waitForURL(`${server.origin}/pdf/report.pdf`, { timeout: 10_000 });
    await viewer.waitForTimeout(1000);
    expect(viewer.url()).toBe(`${server.origin}/pdf/report.pdf`);

    const options = await session.openExtensionPage('options.html');
    const box = options.getByRole('checkbox', { name: /Open PDFs in Saqta's viewer/ });
    expect(await box.isChecked()).toBe(true);
    await box.click();
    expect(await box.isChecked()).toBe(false);
    await options.waitForTimeout(500);
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/pdf/report.pdf?again`, { waitUntil: 'commit' }).catch(() => undefined);
    await page.waitForTimeout(1500);
    expect(page.url()).toBe(`${server.origin}/pdf/report.pdf?again`);
    // On again: the next PDF opens in Saqta.
    await box.click();
    await options.waitForTimeout(500);
    (await openPdf('/pdf/report.pdf?third')).close();
  });
  it('stop the server → the fallback offers the saved PDF; it opens in Saqta’s viewer with its claims and the area box', async () => {
    await viewer.close(); // it shows the live PDF in the browser's viewer (the test before): one tab at this address
    await server.close();
    const url = `${server.origin}/pdf/report.pdf`;
    const page = await session.context.newPage();
    await page.goto(url).catch(() => undefined);
    const offer = await popupWithOffer(session, url);
    expect(await offer.getByTestId('blocked-offer').textContent()).toContain(TEXT_PDF.title);
    await offer.getByTestId('open-my-copy').click();
    await page.waitForURL((u) => u.pathname === '/pdf.html' && !!u.searchParams.get('saved'), { timeout: 15_000, waitUntil: 'commit' });
    await page.waitForSelector('#pdf-doc[data-anchored="true"]', { timeout: 20_000 });
    await expect.poll(() => page.locator('#pdf-status').textContent()).toContain('Saved copy of');
    await expect.poll(async () => (await paintedTexts(page)).filter(Boolean).map(squash).sort()).toEqual(['Министрлік бұл шешімге шағым берді', TEXT_PDF.acrossBreak].map(squash).sort());
    await expect.poll(() => page.locator('.pdf-area:not(.pdf-area-draft)').count()).toBe(2);
    expect(await page.getByRole('img', { name: 'Area on page 3' }).count()).toBe(2);
    await offer.close();
    await page.close();
  });
  it('the library lists the PDF with a PDF mark, finds its text and claims typed in Kazakh Latin, with page numbers', async () => {
    const lib = await session.openExtensionPage('library.html');
    const row = lib.getByTestId('articles').locator('.row', { hasText: TEXT_PDF.title });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getByTestId('pdf-mark').textContent()).toBe('PDF');
    const search = async (q: string) => {
      await lib.getByTestId('search').click();
      await lib.keyboard.press('Control+A');
      await lib.keyboard.type(q);
      const results = lib.locator(`[data-testid="search-results"][data-query="${q}"]`);
      await results.locator('li').first().waitFor({ timeout: 60_000 });
      return results;
    };
    // Text on page 1 that no claim quotes («Сот келісімшартты заңсыз деп тапты»), typed in Latin letters.
    let results = await search('kelisimshartty zansyz');
    expect(await results.locator('li').first().textContent()).toContain(TEXT_PDF.title);
    expect(await results.locator('li').first().locator('mark').textContent()).toBe('келісімшартты заңсыз');
    // A claim's quote, in Latin letters: the claim, with its page.
    results = await search('shagym berdi');
    const hit = results.locator('li', { hasText: 'Министрлік бұл шешімге шағым берді' }).first();
    await hit.waitFor();
    // The Claims tab lists the PDF's claims with their page numbers, the area claim by its page.
    await lib.getByTestId('search').click();
    await lib.keyboard.press('Control+A');
    await lib.keyboard.press('Backspace');
    await lib.getByTestId('tab-claims').click();
    const claims = lib.getByTestId('claims');
    await claims.locator('.row', { hasText: 'Министрлік бұл шешімге шағым берді' }).waitFor({ timeout: 15_000 });
    expect(await claims.locator('.row', { hasText: 'Министрлік бұл шешімге шағым берді' }).textContent()).toContain('p. 2');
    expect(await claims.locator('.row', { hasText: 'ministry had signed' }).textContent()).toContain('p. 1');
    expect(await claims.locator('.row', { hasText: 'Area on page 3' }).count()).toBe(2);
    expect(await claims.locator('.row', { hasText: 'Area on page 3' }).first().textContent()).toContain('p. 3');
    await lib.screenshot({ path: artifactPath('pdf-library-claims.png') });
    await lib.close();
  });

  it('export → a WACZ that verifies, its reader.html with the area pictures; ReplayWeb.page replays the PDF’s served bytes from it', async () => {
    const lib = await session.openExtensionPage('library.html');
    const row = lib.locator('[data-page-id]').filter({ hasText: TEXT_PDF.title });
    await row.getByTestId('export-article-wacz').waitFor({ timeout: 15_000 });
    const [download] = await Promise.all([lib.waitForEvent('download', { timeout: 60_000 }), row.getByTestId('export-article-wacz').click()]);
    const wacz = artifactPath('pdf-export.wacz');
    await download.saveAs(wacz);
    await lib.close();
    const check = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite-node/dist/cli.mjs'), 'scripts/verify.ts', wacz], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stdout).toContain('RESULT: the bundle is intact.');
    expect(check.status).toBe(0);
    // reader.html shows each claim with its page, the two area claims with their cropped pictures.
    const files = await unzipStrict(new Uint8Array(readFileSync(wacz)));
    const reader = new TextDecoder().decode([...files].find(([name]) => name.endsWith('/reader.html'))![1]);
    expect(reader.match(/<img class="saqta-area" src="data:image\/png;base64,/g)?.length).toBe(2);
    expect(reader).toContain('Министрлік бұл шешімге шағым берді</mark> <small class="saqta-page">(p. 2)</small>');

    // ReplayWeb.page (the replay test's set-up: its npm files served on 127.0.0.1) opens the WACZ at the PDF's address.
    const url = `${server.origin}/pdf/report.pdf`;
    const rdir = join(dir, 'replay-site');
    const rwp = join(ROOT, 'node_modules', 'replaywebpage');
    mkdirSync(join(rdir, 'replay'), { recursive: true });
    mkdirSync(join(rdir, 'archives'));
    copyFileSync(join(rwp, 'ui.js'), join(rdir, 'ui.js'));
    copyFileSync(join(rwp, 'sw.js'), join(rdir, 'replay', 'sw.js'));
    copyFileSync(join(rwp, 'ui.js'), join(rdir, 'replay', 'ui.js'));
    copyFileSync(wacz, join(rdir, 'archives', 'pdf.wacz'));
    writeFileSync(
      join(rdir, 'index.html'),
      `<!doctype html><meta charset="utf-8"><title>Replay</title><script src="./ui.js"></script><style>html,body{margin:0;height:100%}replay-web-page{display:block;height:100vh}</style><replay-web-page source="./archives/pdf.wacz" replayBase="./replay/" url="${url}" embed="replayonly"></replay-web-page>`,
    );
    const replay = await startServer({ '/': rdir });
    try {
      const page = await session.context.newPage();
      await page.goto(`${replay.origin}/index.html`);
      const isArchived = (u: string) => /\/replay\/w\/.+\/\d{14}mp_\//.test(u) && u.endsWith(url);
      await expect.poll(() => page.frames().some((f) => isArchived(f.url())), { timeout: 60_000 }).toBe(true).catch(async (err) => {
        await page.screenshot({ path: artifactPath('pdf-replay-failed.png') });
        throw new Error(`${err}; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
      });
      const frame = page.frames().find((f) => isArchived(f.url()))!;
      const archived = frame.url();
      // The archived PDF's response, as ReplayWeb.page's service worker serves it to that frame (asked from its
      // parent, ReplayWeb.page's own frame): the served bytes, as a PDF.
      const app = frame.parentFrame()!;
      expect(new URL(app.url()).pathname.startsWith('/replay/')).toBe(true);
      const got = await app.evaluate(async (u) => {
        const r = await fetch(u);
        const d = new Uint8Array(await crypto.subtle.digest('SHA-256', await r.arrayBuffer()));
        return { type: r.headers.get('content-type'), sha: [...d].map((x) => x.toString(16).padStart(2, '0')).join('') };
      }, archived);
      expect(got.type).toContain('application/pdf');
      expect(got.sha).toBe(sha(served));
      await page.screenshot({ path: artifactPath('pdf-replay.png') });
      await page.close();
    } finally {
      await replay.close();
    }
  });

  it('a local file:// PDF opens in Saqta’s viewer when file access is allowed, and saves the file’s exact bytes', async () => {
    // The harness loads the unpacked build, which Chrome gives file access ("Allow access to file URLs" on).
    expect(await session.worker.evaluate(() => chrome.extension.isAllowedFileSchemeAccess())).toBe(true);
    const fileUrl = pathToFileURL(join(dir, 'report.pdf')).href;
    const page = await session.context.newPage();
    await page.goto(fileUrl, { waitUntil: 'commit' }).catch(() => undefined);
    await expect.poll(() => page.url(), { timeout: 15_000 }).toMatch(`chrome-extension://${session.extensionId}/pdf.html`);
    const query = new URL(page.url()).search;
    expect(query).toMatch(/^\?held=[0-9a-f-]{36}&file=/);
    expect(query.slice(query.indexOf('&file=') + 6)).toBe(fileUrl);
    await page.waitForSelector('#pdf-doc[data-state="ready"]', { timeout: 20_000 });
    expect(fold((await page.locator('.pdf-page[data-page-number="2"] .textLayer').textContent()) ?? '')).toContain('Министрлік бұл шешімге шағым берді.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#pdf-status').textContent(), { timeout: 20_000 }).toMatch(/Saved/);
    const notes = await session.worker.evaluate(
      (url) =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('saqta');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('captures').objectStore('captures').getAll();
            req.onsuccess = () => resolve((req.result as CaptureRecord[]).find((c) => c.url === url)?.notes?.pdf);
          };
        }),
      fileUrl,
    );
    expect(notes).toMatchObject({ sha256: sha(served), source: 'file' });
    // A web page sending the reader to the viewer with a local file's address of its choosing (pdf.html is
    // web-accessible): the viewer does not read the file.
    await page.goto(`chrome-extension://${session.extensionId}/pdf.html?file=${fileUrl}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Saqta opens a PDF file from this computer only when you open the file yourself.');
    expect(await page.locator('.pdf-page').count()).toBe(0);
    await page.close();
  });
});

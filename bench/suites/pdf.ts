/**
 * PDFs (issue 27, docs/pdf.md): a 300-page PDF served as `application/pdf`,
 * opened by navigating the tab to its address. Saqta: navigation → the first
 * page painted in Saqta's viewer (`data-painted` on page 1's box) and → the
 * claims painted (`data-anchored`: three claims, on pages 1, 150 and 300, are
 * anchored and painted); the viewer tab's JS heap and the browser's resident
 * memory with the PDF open. Peer in the same run: Chromium's built-in viewer in
 * a browser launched without the extension (same binary and flags): navigation
 * → the tab's `load` event, which fires once the viewer's plugin frame has
 * loaded the document (its first paint is not observable from outside its
 * frame: the nearest signal) — and the same resident memory.
 *
 * Saqta's claims are made once before timing, as a person does (text selected
 * on the text layer, Alt+Shift+H).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer } from '../../scripts/server.mjs';
import { longPdf, longPdfClaimText } from '../../tests/support/pdf-fixtures';
import { browserRssKb, launchBrowser, type Browser } from '../lib/browser';
import { decodePng, showsTextOnPaper } from '../lib/png';
import { median, round } from '../lib/stats';
import type { AnchorReport } from '../../utils/messages';
import { figure, type Figure, type NotMeasured, type Suite } from '../lib/types';

const PAGES = 300;
const CLAIM_PAGES = [1, 150, 300];

async function rulesSet(b: Browser): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await b.worker!.evaluate(async () => (await chrome.declarativeNetRequest.getSessionRules()).length)) >= 3) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the PDF rules were not set');
}

/** Make a claim on page n as a person does: select the page's finding sentence with the mouse, Alt+Shift+H. */
async function claimOnPage(page: Page, n: number): Promise<void> {
  // PDF.js may lay a line out as several spans: find the sentence across the page's text nodes.
  // A page far from the screen has its text but no positioned text layer yet (docs/pdf.md): go to the page first.
  await page.locator(`.pdf-page[data-page-number="${n}"]`).scrollIntoViewIfNeeded();
  const layer = page.locator(`.pdf-page[data-page-number="${n}"] .textLayer:not([data-plain])`);
  // The page is taller than the window: bring its first line (the sentence) into view, not the page's middle.
  const line = layer.locator('span', { hasText: 'Finding' }).first();
  await line.waitFor();
  await line.scrollIntoViewIfNeeded();
  const b = await layer.evaluate((el, want) => {
    const nodes: Text[] = [];
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) nodes.push(t as Text);
    const all = nodes.map((t) => t.data).join('');
    const at = all.indexOf(want);
    if (at < 0) return null;
    const spot = (offset: number) => {
      for (const t of nodes) {
        if (offset <= t.data.length) return { node: t, offset };
        offset -= t.data.length;
      }
      return null;
    };
    const s = spot(at)!;
    const e = spot(at + want.length)!;
    const r = document.createRange();
    r.setStart(s.node, s.offset);
    r.setEnd(e.node, e.offset);
    const rects = [...r.getClientRects()].filter((x) => x.width > 0);
    const first = rects[0];
    const last = rects[rects.length - 1];
    return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
  }, longPdfClaimText(n));
  if (!b) throw new Error(`the sentence of page ${n} is not in its text layer`);
  await page.mouse.move(b.x1, b.y1);
  await page.mouse.down();
  await page.mouse.move(b.x2, b.y2, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.press('Alt+Shift+H');
  await page.waitForTimeout(400);
  // The toolbar opens on the new claim; close it as a person does before the next one.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
}

/**
 * Navigation → the first moment a screenshot of the tab shows a page with text (white paper, dark glyphs),
 * polled: the same signal for Saqta's viewer and the built-in one (whose paint is inside its own frame).
 */
async function untilTextShown(page: Page, t0: number, timeout = 120_000): Promise<number> {
  const clip = { x: 0, y: 0, width: 1280, height: 600 };
  while (performance.now() - t0 < timeout) {
    const shot = await page.screenshot({ clip, type: 'png', animations: 'allow', caret: 'initial' }).catch(() => null);
    const at = performance.now() - t0;
    if (shot && showsTextOnPaper(decodePng(shot))) return at;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no page with text was shown');
}

/** Where the viewer's claims landed, as the side panel asks it (the `anchors` tab command): the viewer paints only what is near the screen. */
async function anchorsOf(b: Browser, mark: string): Promise<AnchorReport | null> {
  return (await b.worker!.evaluate(async (m) => {
    const tab = (await chrome.tabs.query({})).find((t) => t.url?.includes('/pdf.html') && t.url.includes(m));
    if (tab?.id === undefined) return null;
    return chrome.tabs.sendMessage(tab.id, { command: 'anchors' }).catch(() => null);
  }, mark)) as AnchorReport | null;
}

export const pdf: Suite = {
  id: 'pdf',
  title: 'PDFs: the 300-page PDF in Saqta’s viewer vs Chromium’s built-in viewer',
  async run(ctx) {
    const reps = ctx.quick ? 1 : 5;
    const dir = mkdtempSync(join(tmpdir(), 'saqta-bench-pdf-'));
    const file = join(dir, 'long.pdf');
    writeFileSync(file, await longPdf(PAGES));
    const server = await startServer({ '/pdf/': dir });
    server.override('/pdf/long.pdf', { file, headers: { 'content-type': 'application/pdf' } });
    const url = `${server.origin}/pdf/long.pdf`;
    const figures: Figure[] = [];
    const notMeasured: NotMeasured[] = [];
    const samples = { firstPage: [] as number[], firstShown: [] as number[], lastPage: [] as number[], claims: [] as number[], heapMB: [] as number[], rssMB: [] as number[], peerLoad: [] as number[], peerShown: [] as number[], peerRssMB: [] as number[] };
    try {
      const saqta = await launchBrowser({ extension: true });
      try {
        await rulesSet(saqta);
        // The claims, made once.
        const first = await saqta.newPage();
        await first.goto(url, { waitUntil: 'commit' }).catch(() => undefined);
        await first.waitForSelector('#pdf-doc[data-anchored="true"]', { timeout: 120_000 });
        for (const n of CLAIM_PAGES) await claimOnPage(first, n);
        const made = await anchorsOf(saqta, '');
        if (made?.claims.length !== CLAIM_PAGES.length) throw new Error(`made ${made?.claims.length ?? 'no'} claims of ${CLAIM_PAGES.length}: ${JSON.stringify(made)?.slice(0, 300)}`);
        await first.close();
        for (let i = 0; i < reps; i++) {
          const page = await saqta.newPage();
          const t0 = performance.now();
          const shown = untilTextShown(page, t0);
          await page.goto(`${url}?r=${i}`, { waitUntil: 'commit' }).catch(() => undefined);
          await page.waitForSelector('.pdf-page[data-page-number="1"][data-painted="true"]', { timeout: 120_000 });
          samples.firstPage.push(performance.now() - t0);
          samples.firstShown.push(await shown);
          // Anchored: the viewer says where each claim is (text and page), wherever it is on the 300 pages.
          let report: AnchorReport | null = null;
          for (;;) {
            report = await anchorsOf(saqta, `r=${i}`);
            if (report && report.claims.length + report.orphans.length >= CLAIM_PAGES.length) break;
            if (performance.now() - t0 > 120_000) throw new Error(`the claims did not anchor in 120 s: ${JSON.stringify(report)?.slice(0, 300)}`);
            await new Promise((r) => setTimeout(r, 20));
          }
          samples.claims.push(performance.now() - t0);
          if (report.orphans.length) throw new Error(`${report.orphans.length} claims not found`);
          for (const n of CLAIM_PAGES)
            if (!report.claims.some((c) => c.text.replace(/\s+/g, ' ').includes(longPdfClaimText(n)))) throw new Error(`the claim of page ${n} is not where it was made`);
          // Painted: the claim on screen (page 1) is in the page's highlights; the others paint when scrolled to.
          const painted = await page.evaluate(() => [...((CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.values())].reduce((s, h) => s + h.size, 0));
          if (painted < 1) throw new Error('the claim on page 1 is not painted');
          await page.locator('.pdf-page[data-page-number="300"]').scrollIntoViewIfNeeded();
          const t1 = performance.now();
          await page.waitForSelector('.pdf-page[data-page-number="300"][data-painted="true"]', { timeout: 60_000 });
          await page.waitForFunction(() => [...((CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.values())].some((h) => [...h].some((r) => (r as Range).startContainer.isConnected && !(r as Range).startContainer.parentElement?.closest('.textLayer[data-plain]') && (r as Range).startContainer.parentElement?.closest('.pdf-page')?.getAttribute('data-page-number') === '300')), undefined, { timeout: 60_000 });
          samples.lastPage.push(performance.now() - t1);
          const cdp = await page.context().newCDPSession(page);
          await cdp.send('Performance.enable');
          const { metrics } = await cdp.send('Performance.getMetrics');
          samples.heapMB.push((metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 1048576);
          samples.rssMB.push(browserRssKb(saqta.profile) / 1024);
          await page.close();
        }
      } finally {
        await saqta.close();
      }
      const chrome = await launchBrowser({ extension: false });
      try {
        for (let i = 0; i < reps; i++) {
          const page = await chrome.newPage();
          const t0 = performance.now();
          const shown = untilTextShown(page, t0);
          await page.goto(`${url}?r=${i}`, { waitUntil: 'load', timeout: 120_000 }).catch(() => undefined);
          samples.peerLoad.push(performance.now() - t0);
          samples.peerShown.push(await shown);
          await page.waitForTimeout(500);
          samples.peerRssMB.push(browserRssKb(chrome.profile) / 1024);
          await page.close();
        }
      } finally {
        await chrome.close();
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const on = `${PAGES}-page PDF, ${CLAIM_PAGES.length} claims (pages ${CLAIM_PAGES.join(', ')})`;
    const peer = 'Chromium’s built-in viewer';
    const note = `median of ${reps}; "shown" = the first screenshot (polled) with a page of text on screen, the same signal for both`;
    figures.push(figure({ suite: 'pdf', measure: 'navigation → first page shown (screenshot)', on, unit: 'ms', saqta: round(median(samples.firstShown)), peer, peerValue: round(median(samples.peerShown)), note }));
    figures.push(figure({ suite: 'pdf', measure: 'navigation → page 1 painted (viewer’s own signal)', on, unit: 'ms', saqta: round(median(samples.firstPage)), peer: 'built-in viewer: tab load event', peerValue: round(median(samples.peerLoad)), note: `median of ${reps}; the built-in viewer's paint is not observable from outside its frame: its load event is the nearest signal` }));
    figures.push(figure({ suite: 'pdf', measure: 'navigation → all claims anchored (page 1 painted)', on, unit: 'ms', saqta: round(median(samples.claims)), peer, peerValue: round(median(samples.peerShown)), note: `median of ${reps}; asked of the viewer as the side panel does; the peer has no claims (its first page shown)` }));
    figures.push(figure({ suite: 'pdf', measure: 'scroll to page 300 → its claim painted', on, unit: 'ms', saqta: round(median(samples.lastPage)), peer: '—', peerValue: NaN, note: `median of ${reps}; canvases paint lazily near the screen` }));
    figures.push(figure({ suite: 'pdf', measure: 'browser resident memory with the PDF open', on, unit: 'MB', saqta: round(median(samples.rssMB)), peer, peerValue: round(median(samples.peerRssMB)), note }));
    notMeasured.push({ suite: 'pdf', measure: `viewer tab JS heap: ${round(median(samples.heapMB), 1)} MB (Saqta)`, reason: 'the built-in viewer’s heap is in its own extension frame, not comparable' });
    return { figures, notMeasured, details: samples };
  },
};

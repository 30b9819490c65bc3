/**
 * 6. Watching at scale: 500 watched articles on 50 sites (local servers on
 * 50 ports: a host is name + port), one round of checks started by the alarm
 * as in use — fetch, hash, extract in the offscreen document, compare with
 * the saved copy, record; 50 of them changed, so 50 captures are saved. With
 * the production limits (4 at once, one request per site every 5 s).
 *
 * Measured: the round's time, the rise of the browser's resident memory
 * (every Chromium process), the longest stall of a page being read meanwhile
 * (a 16 ms timer's lateness) and of the background (a `ping` round trip).
 * Peer, same run: the same 500 URLs fetched by a plain loop in the same
 * service worker with the same concurrency and no per-site limit, no
 * extraction, nothing stored — the floor of any checker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import type { Page } from 'playwright-core';
import { startServer } from '../../scripts/server.mjs';
import { browserRssKb, launchBrowser, type Browser } from '../lib/browser';
import { FIXTURE_MOUNTS, SEED } from '../lib/paths';
import { round } from '../lib/stats';
import { figure, type Figure, type Suite } from '../lib/types';
import { extractHtml } from '../../utils/watch/extract-html';
import { ROUND } from '../../utils/background/watch';

const SITES = 50;
const PER_SITE = 10;
const CHANGED_EVERY = 10;

/** Watch a page's timer lateness and the background's ping time until stopped. */
async function monitors(reader: Page, ext: Page) {
  await reader.evaluate(() => {
    const w = window as unknown as { __lag: number[]; __lagStop: () => void };
    w.__lag = [];
    let last = performance.now();
    const id = setInterval(() => {
      const now = performance.now();
      w.__lag.push(now - last - 16);
      last = now;
    }, 16);
    w.__lagStop = () => clearInterval(id);
  });
  await ext.evaluate(() => {
    const w = window as unknown as { __ping: number[]; __pingOn: boolean };
    w.__ping = [];
    w.__pingOn = true;
    void (async () => {
      while (w.__pingOn) {
        const t = performance.now();
        await chrome.runtime.sendMessage({ type: 'ping' });
        w.__ping.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
  });
  return async () => {
    const lag = await reader.evaluate(() => {
      const w = window as unknown as { __lag: number[]; __lagStop: () => void };
      w.__lagStop();
      return w.__lag;
    });
    const ping = await ext.evaluate(() => {
      const w = window as unknown as { __ping: number[]; __pingOn: boolean };
      w.__pingOn = false;
      return w.__ping;
    });
    return { maxLagMs: Math.max(0, ...lag), maxPingMs: Math.max(0, ...ping), pings: ping.length };
  };
}

export const watch: Suite = {
  id: 'watch',
  title: 'Watching 500 articles',
  async run(ctx) {
    const servers = await Promise.all(Array.from({ length: SITES }, () => startServer(FIXTURE_MOUNTS)));
    const urls: string[] = [];
    servers.forEach((s, i) => {
      for (let k = 0; k < PER_SITE; k++) {
        const n = i * PER_SITE + k;
        urls.push(`${s.origin}/seed/${n % CHANGED_EVERY === 0 ? 'edited' : 'index'}.html?article=${n}`);
      }
    });
    // The saved copy of every article: the seed's article, extracted as a save does.
    const html = readFileSync(join(SEED, 'index.html'), 'utf8');
    const w = new JSDOM(html, { url: urls[0] }).window as unknown as Window & typeof globalThis;
    const article = extractHtml(html, urls[0], false, w).article!.html;

    let browser: Browser | undefined;
    const figures: Figure[] = [];
    try {
      browser = await launchBrowser({ extension: true });
      const profile = browser.profile;
      const ext = await browser.newPage();
      await ext.goto(`chrome-extension://${browser.extensionId}/options.html`);
      // Seed 500 saved, watched articles straight into the extension's database (same origin).
      await ext.evaluate(
        async ({ urls, article }) => {
          const open = () =>
            new Promise<IDBDatabase>((ok, no) => {
              const r = indexedDB.open('saqta');
              r.onsuccess = () => ok(r.result);
              r.onerror = () => no(r.error);
            });
          let db = await open();
          for (let i = 0; i < 50 && !db.objectStoreNames.contains('watches'); i++) {
            db.close();
            await new Promise((r) => setTimeout(r, 100));
            db = await open();
          }
          const tx = db.transaction(['pages', 'captures', 'blobs', 'watches'], 'readwrite');
          const now = new Date().toISOString();
          const blob = new Blob([article], { type: 'text/html' });
          urls.forEach((url, i) => {
            const id = `bench-page-${i}`;
            tx.objectStore('pages').put({ id, url, normalizedUrl: url, aliases: [], title: `Article ${i}`, createdAt: now, updatedAt: now, savedAt: now });
            tx.objectStore('captures').put({ id: `bench-cap-${i}`, pageId: id, url, finalUrl: url, capturedAt: '2026-06-24T11:12:00.000Z', browser: 'bench', extensionVersion: '0', artifacts: [{ kind: 'article', blobId: `bench-blob-${i}`, sha256: '0'.repeat(64), size: article.length, mime: 'text/html' }] });
            tx.objectStore('blobs').put({ id: `bench-blob-${i}`, pageId: id, captureId: `bench-cap-${i}`, kind: 'article', sha256: '0'.repeat(64), size: article.length, mime: 'text/html', data: blob });
            tx.objectStore('watches').put({ pageId: id, watched: 1, state: 'ok' });
          });
          await new Promise((ok, no) => {
            tx.oncomplete = ok;
            tx.onerror = () => no(tx.error);
          });
          db.close();
        },
        { urls, article },
      );
      const reader = await browser.newPage();
      await reader.goto(`${ctx.server.origin}/seed/index.html`);
      const worker = browser.worker!;
      const countChecks = () =>
        ext.evaluate(
          () =>
            new Promise<number>((ok) => {
              const r = indexedDB.open('saqta');
              r.onsuccess = () => {
                const q = r.result.transaction('checks').objectStore('checks').count();
                q.onsuccess = () => (ok(q.result), r.result.close());
              };
            }),
        );

      // Peer: the plain loop, same URLs, same concurrency, no per-site limit, nothing else.
      const rss0 = browserRssKb(profile);
      let stop = await monitors(reader, ext);
      let peakPeer = rss0;
      const peerTimer = setInterval(() => (peakPeer = Math.max(peakPeer, browserRssKb(profile))), 500);
      const peerMs = await worker.evaluate(
        async ({ urls, concurrency }) => {
          const t = performance.now();
          let next = 0;
          await Promise.all(
            Array.from({ length: concurrency }, async () => {
              while (next < urls.length) {
                const u = urls[next++];
                await fetch(u, { cache: 'no-store' }).then((r) => r.arrayBuffer()).catch(() => null);
              }
            }),
          );
          return performance.now() - t;
        },
        { urls, concurrency: ROUND.concurrency },
      );
      clearInterval(peerTimer);
      const peer = await stop();
      ctx.log(`  peer (plain fetch loop, ${ROUND.concurrency} at once, no site limit): ${round(peerMs / 1000, 1)} s; page stall ≤ ${round(peer.maxLagMs)} ms; ping ≤ ${round(peer.maxPingMs)} ms; RSS +${round((peakPeer - rss0) / 1024)} MB`);

      // Saqta: the alarm's round.
      const rss1 = browserRssKb(profile);
      let peak = rss1;
      stop = await monitors(reader, ext);
      const memTimer = setInterval(() => (peak = Math.max(peak, browserRssKb(profile))), 500);
      const t0 = Date.now();
      await worker.evaluate(() => chrome.alarms.create('saqta-watch', { when: Date.now() }));
      let done = 0;
      const deadline = Date.now() + 15 * 60_000;
      while ((done = await countChecks()) < urls.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
      const ms = Date.now() - t0;
      clearInterval(memTimer);
      const own = await stop();
      const captures = await ext.evaluate(
        () =>
          new Promise<number>((ok) => {
            const r = indexedDB.open('saqta');
            r.onsuccess = () => {
              const q = r.result.transaction('captures').objectStore('captures').count();
              q.onsuccess = () => (ok(q.result), r.result.close());
            };
          }),
      );
      // The floor the per-site limit sets: each site's 10 articles 5 s apart.
      const floorMs = (PER_SITE - 1) * ROUND.perHostGapMs;
      ctx.log(`  Saqta: ${done}/${urls.length} checked in ${round(ms / 1000, 1)} s (per-site floor ${floorMs / 1000} s), ${captures - urls.length} new captures; page stall ≤ ${round(own.maxLagMs)} ms; ping ≤ ${round(own.maxPingMs)} ms over ${own.pings} pings; RSS +${round((peak - rss1) / 1024)} MB`);
      const on = `${urls.length} watched articles on ${SITES} local sites, ${urls.length / CHANGED_EVERY} changed`;
      figures.push(
        figure({ suite: this.id, measure: 'one round of checks (alarm → every record stored)', on, unit: 'ms', saqta: round(ms), peer: `plain fetch loop (${ROUND.concurrency} at once, no site limit, no extraction)`, peerValue: round(peerMs), goal: `all ${urls.length} checked`, met: done === urls.length, note: `per-site limit alone needs ≥ ${floorMs / 1000} s` }),
        figure({ suite: this.id, measure: 'longest stall of a page being read during the round', on, unit: 'ms', saqta: round(own.maxLagMs), peer: 'same page during the plain fetch loop', peerValue: round(peer.maxLagMs), goal: '< 200 ms (no freeze)', met: own.maxLagMs < 200 }),
        figure({ suite: this.id, measure: 'longest background ping during the round', on, unit: 'ms', saqta: round(own.maxPingMs), peer: 'during the plain fetch loop', peerValue: round(peer.maxPingMs) }),
        figure({ suite: this.id, measure: 'browser resident memory rise (all processes, peak)', on, unit: 'MB', saqta: round((peak - rss1) / 1024), peer: 'during the plain fetch loop', peerValue: round((peakPeer - rss0) / 1024) }),
      );
      return { figures, notMeasured: [], details: { ms, peerMs, done, captures: captures - urls.length, own, peer, rss: { rss0, peakPeer, rss1, peak }, limits: ROUND } };
    } finally {
      await browser?.close();
      await Promise.all(servers.map((s) => s.close()));
    }
  },
};

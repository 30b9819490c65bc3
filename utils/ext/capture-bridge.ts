/**
 * Browser glue for saving (the `CaptureBridge` of utils/background/save.ts):
 * inject the capture script, fetch with the extension's host permissions,
 * and take a full-page screenshot: in Firefox with one `tabs.captureTab`
 * call whose `rect` is the whole page (no scrolling), elsewhere by scrolling
 * and stitching captureVisibleTab frames on an OffscreenCanvas.
 */
import { browser } from 'wxt/browser';
import { TabGone } from '../background/save';
import type { CaptureBridge, CapturePayload } from '../background/types';
import type { Fetched, FetchInit, HttpInfo } from '../snapshot/inline';

const mimeOf = (res: Response) => (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();

/**
 * A page or resource that has not answered (and been read) in this long is left out and listed as
 * failed: a blocked CDN or a stalled server must not hold a save's ✓ or a watch round forever.
 */
const FETCH_TIMEOUT_MS = 20_000;

/** The answer and its body, both within the deadline (a server may send headers and then stall). */
async function get(url: string, credentials: RequestCredentials = 'include'): Promise<{ res: Response; bytes: Uint8Array } | null> {
  try {
    const res = await fetch(url, { cache: 'force-cache', credentials, redirect: 'follow', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    return res.ok ? { res, bytes: new Uint8Array(await res.arrayBuffer()) } : null;
  } catch {
    return null;
  }
}

/** What the exchange was, for the WARC record (fetch() does not tell which request headers the browser added). */
function httpOf(res: Response, url: string): HttpInfo {
  return {
    url: res.url || url,
    status: res.status,
    statusText: res.statusText,
    headers: [...res.headers.entries()],
    requestHeaders: [['User-Agent', navigator.userAgent]],
    date: new Date().toISOString(),
  };
}

async function fetchResource(url: string, init?: FetchInit): Promise<Fetched | null> {
  if (!/^https?:/i.test(url)) return null;
  // Without cookies unless the save says the page could read it (utils/snapshot/inline.ts credentialsFor).
  const got = await get(url, init?.credentials ?? 'omit');
  if (!got) return null;
  return { bytes: got.bytes, mime: mimeOf(got.res) || guessMime(url), http: httpOf(got.res, url) };
}

function guessMime(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return (
    { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif', svg: 'image/svg+xml', css: 'text/css', woff2: 'font/woff2', woff: 'font/woff', ttf: 'font/ttf' }[ext] ??
    'application/octet-stream'
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Chrome allows about two captureVisibleTab calls a second. */
const CAPTURE_INTERVAL_MS = 600;
/** Without word from the background this long, a page being screenshotted puts itself back (see `scrollTo`). */
const WATCHDOG_MS = 8000;
/** What a screenshot changed in the page: the reader's scroll position and the bars it hid (element, visibility, priority). */
interface Shot {
  y: number;
  hidden: [HTMLElement, string, string][];
  timer: number;
}
/** Longest page we stitch, in CSS pixels (canvas limits; very long pages are cut and say so). */
const MAX_HEIGHT = 16_000;
const BANNER = 36;

const withoutHash = (u: string) => u.replace(/#.*$/, '');

/** Throws `TabGone` unless the tab is still open on `url` (the screenshot follows the save's ✓: the reader may have moved on). */
async function stillThere(tabId: number, url: string | undefined) {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  if (!tab) throw new TabGone();
  if (url && tab.url && withoutHash(tab.url) !== withoutHash(url)) throw new TabGone('The tab left the page before the screenshot.');
  return tab;
}

/** Firefox: the whole page in one `captureTab` call (its `rect` may reach beyond the viewport). */
type CaptureTab = (tabId: number, options: { format: 'png'; rect: { x: number; y: number; width: number; height: number }; scale?: number }) => Promise<string>;
const captureTabOf = () => (browser.tabs as unknown as { captureTab?: CaptureTab }).captureTab;

async function fullPageScreenshot(tabId: number, label: string, url?: string): Promise<Uint8Array | null> {
  try {
    return await takeScreenshot(tabId, label, url);
  } catch (err) {
    // Closed or navigated mid-way (scripting and capture calls then fail with their own words): say which.
    await stillThere(tabId, url);
    throw err;
  }
}

async function takeScreenshot(tabId: number, label: string, url?: string): Promise<Uint8Array | null> {
  const tab = await stillThere(tabId, url);
  if (tab.windowId === undefined) return null;
  const [{ result: m }] = (await browser.scripting.executeScript({
    target: { tabId },
    func: () => ({
      width: document.documentElement.clientWidth,
      height: Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight ?? 0),
      viewport: innerHeight,
      x: scrollX,
      y: scrollY,
    }),
  })) as { result: { width: number; height: number; viewport: number; x: number; y: number } }[];
  const [previous] = await browser.tabs.query({ active: true, windowId: tab.windowId });
  if (previous?.id !== tabId) await browser.tabs.update(tabId, { active: true });
  // The page keeps what the screenshot changed (where the reader was, the bars it hid) in the
  // content scripts' world, with a watchdog: if the browser stops Saqta's background mid-screenshot,
  // no `finish` comes and the page puts itself back WATCHDOG_MS after the last frame.
  const scrollTo = async (y: number) => {
    const [{ result }] = (await browser.scripting.executeScript({
      target: { tabId },
      args: [y, m.y, WATCHDOG_MS],
      func: (top: number, readerY: number, ms: number) =>
        new Promise<number>((done) => {
          const w = window as unknown as { __saqtaShot?: Shot };
          // The reader's marks (the highlighter's overlay) are not the page: hidden while capturing.
          const marks = (globalThis as Record<symbol, unknown>)[Symbol.for('saqta.marksVisible')] as ((v: boolean) => void) | undefined;
          if (!w.__saqtaShot) marks?.(false);
          const shot = (w.__saqtaShot ??= { y: readerY, hidden: [], timer: 0 });
          clearTimeout(shot.timer);
          shot.timer = window.setTimeout(() => {
            marks?.(true);
            for (const [el, value, prio] of shot.hidden) {
              if (value) el.style.setProperty('visibility', value, prio);
              else el.style.removeProperty('visibility');
            }
            window.scrollTo({ top: shot.y, left: 0, behavior: 'instant' as ScrollBehavior });
            delete w.__saqtaShot;
          }, ms);
          window.scrollTo({ top, left: 0, behavior: 'instant' as ScrollBehavior });
          // Painted: two frames (a hidden tab runs none, hence the timer).
          requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(scrollY), 80)));
          setTimeout(() => done(scrollY), 500);
        }),
    })) as { result: number }[];
    return result;
  };
  // Fixed and sticky bars (headers, cookie banners) would repeat in every frame: after the first frame they are hidden.
  const hideFixedBars = async () =>
    browser.scripting.executeScript({
      target: { tabId },
      func: () => {
        const shot = (window as unknown as { __saqtaShot?: Shot }).__saqtaShot;
        if (!shot) return;
        for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
          if (el.localName.startsWith('saqta-')) continue;
          const pos = getComputedStyle(el).position;
          if (pos !== 'fixed' && pos !== 'sticky') continue;
          shot.hidden.push([el, el.style.getPropertyValue('visibility'), el.style.getPropertyPriority('visibility')]);
          el.style.setProperty('visibility', 'hidden', 'important');
        }
      },
    });
  // Put the bars back as they were and the reader where they were.
  const finish = async () =>
    browser.scripting.executeScript({
      target: { tabId },
      args: [m.y],
      func: (readerY: number) => {
        const w = window as unknown as { __saqtaShot?: Shot };
        const shot = w.__saqtaShot;
        ((globalThis as Record<symbol, unknown>)[Symbol.for('saqta.marksVisible')] as ((v: boolean) => void) | undefined)?.(true);
        if (shot) {
          clearTimeout(shot.timer);
          for (const [el, value, prio] of shot.hidden) {
            if (value) el.style.setProperty('visibility', value, prio);
            else el.style.removeProperty('visibility');
          }
          delete w.__saqtaShot;
        }
        window.scrollTo({ top: shot?.y ?? readerY, left: 0, behavior: 'instant' as ScrollBehavior });
      },
    });
  const total = Math.min(m.height, MAX_HEIGHT);
  const frames: { y: number; bmp: ImageBitmap }[] = [];
  let last = 0;
  const captureTab = captureTabOf();
  try {
    if (captureTab) {
      // One call, no scrolling: the page from the top (fixed bars drawn once, where they sit at the top).
      await scrollTo(0);
      const dataUrl = await captureTab(tabId, { format: 'png', rect: { x: 0, y: 0, width: m.width, height: total } });
      const blob = await (await fetch(dataUrl)).blob();
      frames.push({ y: 0, bmp: await createImageBitmap(blob) });
    }
    for (let y = 0; !captureTab && y < total; y += m.viewport) {
      // The reader may have switched tabs since the ✓: captureVisibleTab takes the window's active tab
      // (and a hidden tab paints nothing new).
      const now = await stillThere(tabId, url);
      if (!now.active) await browser.tabs.update(tabId, { active: true });
      let actual = await scrollTo(y);
      let dataUrl = '';
      // The frame counts only if the tab was the active one before and after it was taken.
      for (let tries = 0; !dataUrl; tries++) {
        if (!(await stillThere(tabId, url)).active) {
          await browser.tabs.update(tabId, { active: true });
          actual = await scrollTo(y); // painted again once shown
        }
        const gap = CAPTURE_INTERVAL_MS - (Date.now() - last);
        if (gap > 0) await sleep(gap);
        last = Date.now();
        const got = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'png' }).catch((err: unknown) => {
          // Over Chrome's two-a-second quota (a call that was slow to be served): wait and take it again.
          if (tries < 3 && /MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND/i.test(String(err))) return '';
          throw err;
        });
        if (!got) {
          last = Date.now();
          continue;
        }
        if ((await stillThere(tabId, url)).active) dataUrl = got;
        else if (tries >= 3) throw new Error('another tab kept being shown while the screenshot was taken');
      }
      const blob = await (await fetch(dataUrl)).blob();
      frames.push({ y: actual, bmp: await createImageBitmap(blob) });
      if (actual + m.viewport >= total) break;
      if (frames.length === 1) await hideFixedBars();
    }
  } finally {
    await finish().catch(() => undefined);
    if (previous?.id !== undefined && previous.id !== tabId && (await browser.tabs.get(tabId).then((t) => t.active, () => false)))
      await browser.tabs.update(previous.id, { active: true }).catch(() => undefined);
  }
  if (!frames.length) return null;
  const scale = frames[0].bmp.width / m.width;
  const canvas = new OffscreenCanvas(Math.round(m.width * scale), Math.round((total + BANNER) * scale));
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  for (const f of frames) g.drawImage(f.bmp, 0, Math.round(f.y * scale));
  // The proof strip: where and when, drawn into the pixels.
  g.fillStyle = '#111418';
  g.fillRect(0, Math.round(total * scale), canvas.width, Math.round(BANNER * scale));
  g.fillStyle = '#ffffff';
  g.font = `${Math.round(15 * scale)}px system-ui, sans-serif`;
  g.textBaseline = 'middle';
  const text = m.height > total ? `${label} · first ${total}px of ${m.height}px` : label;
  g.fillText(text, Math.round(10 * scale), Math.round((total + BANNER / 2) * scale), canvas.width - 20 * scale);
  const png = await canvas.convertToBlob({ type: 'image/png' });
  return new Uint8Array(await png.arrayBuffer());
}

async function browserName(): Promise<string> {
  const b = browser.runtime as unknown as { getBrowserInfo?: () => Promise<{ name: string; version: string }> };
  if (b.getBrowserInfo) {
    const info = await b.getBrowserInfo();
    return `${info.name} ${info.version}`;
  }
  const uad = (navigator as Navigator & {
    userAgentData?: { getHighEntropyValues(h: string[]): Promise<{ fullVersionList?: { brand: string; version: string }[] }> };
  }).userAgentData;
  if (uad) {
    const { fullVersionList = [] } = await uad.getHighEntropyValues(['fullVersionList']);
    const real = fullVersionList.filter((v) => !/not.?a.?brand/i.test(v.brand));
    const pick = real.find((v) => v.brand !== 'Chromium') ?? real[0];
    if (pick) return `${pick.brand} ${pick.version}`;
  }
  return navigator.userAgent;
}

/** The toolbar badge after a save: ✓ or !, with a readable title. */
async function showSaved(tabId: number, ok: boolean): Promise<void> {
  const action = browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
  await action.setBadgeBackgroundColor({ tabId, color: ok ? '#1a7f37' : '#b42318' }).catch(() => undefined);
  await action.setBadgeText({ tabId, text: ok ? '✓' : '!' }).catch(() => undefined);
  await action.setTitle({ tabId, title: browser.i18n.getMessage(ok ? 'saveBadgeSaved' : 'saveBadgeFailed') }).catch(() => undefined);
}

export function captureBridge(): CaptureBridge {
  return {
    async capture(tabId) {
      const [res] = await browser.scripting.executeScript({ target: { tabId }, files: ['/capture.js'] });
      const payload = res?.result as CapturePayload | undefined;
      if (!payload?.snapshot) throw new Error('the capture script returned nothing');
      return payload;
    },
    fetch: fetchResource,
    async fetchRaw(url) {
      const got = await get(url);
      if (!got) return null;
      return { bytes: got.bytes, mime: mimeOf(got.res) || 'text/html', finalUrl: got.res.url || url, http: httpOf(got.res, url) };
    },
    screenshot: fullPageScreenshot,
    browser: browserName,
    badge: showSaved,
  };
}

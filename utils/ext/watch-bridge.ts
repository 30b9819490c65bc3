/**
 * Browser glue for watching (the `WatchBridge` of utils/background/watch.ts):
 * fetch a watched article from this browser and classify a failure, extract
 * in an offscreen document (Chrome's service worker has no DOM) or right here
 * (Firefox's event page has one), read a tab's HTML, notify, schedule alarms.
 */
import { browser } from 'wxt/browser';
import type { Extracted, FetchOutcome, WatchBridge } from '../background/types';
import { errorClassOf } from '../watch/record';
import { extractHtml, paragraphsOfHtml } from '../watch/extract-html';
import { captureBridge } from './capture-bridge';
import { t } from './i18n';

/** A watched page that does not answer in this long is recorded as a timeout. */
const FETCH_TIMEOUT_MS = 30_000;
export const ALARM = 'saqta-watch';

export const hasDom = () => typeof DOMParser !== 'undefined' && typeof document !== 'undefined';

/** Network errors by URL, from webRequest (fetch itself only says "Failed to fetch"). */
const netErrors = new Map<string, string>();
let listening = 0;
const onError = (d: { url: string; error: string; tabId: number }) => {
  if (d.tabId === -1) netErrors.set(d.url, d.error);
};

async function fetchPage(url: string, opts: { cookies: boolean } = { cookies: false }): Promise<FetchOutcome> {
  if (!/^https?:/i.test(url)) return { ok: false, errorClass: 'other', error: 'not an http(s) address' };
  if (listening++ === 0) browser.webRequest.onErrorOccurred.addListener(onError as never, { urls: ['<all_urls>'] });
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
  try {
    // Without the browser's cookies unless the reader turned them on for this site (Settings → Watch; issue 23).
    const res = await fetch(url, { cache: 'no-store', credentials: opts.cookies ? 'include' : 'omit', redirect: 'follow', signal: ctl.signal });
    const bytes = await readCapped(res);
    const mime = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    // The exchange, for the capture a change makes (the WARC response of the page; utils/capture/record.ts).
    const http = {
      url: res.url || url,
      status: res.status,
      statusText: res.statusText,
      headers: [...res.headers.entries()] as [string, string][],
      requestHeaders: [['User-Agent', navigator.userAgent]] as [string, string][],
      date: new Date().toISOString(),
    };
    return { ok: true, status: res.status, finalUrl: res.url || url, bytes, mime, http };
  } catch (err) {
    if (ctl.signal.aborted) return { ok: false, errorClass: 'timeout', error: `no answer in ${FETCH_TIMEOUT_MS / 1000} s` };
    // webRequest reports the error a moment after fetch rejects.
    let error = netErrors.get(url);
    for (let i = 0; !error && i < 10; i++) {
      await new Promise((r) => setTimeout(r, 20));
      error = netErrors.get(url);
    }
    error ??= err instanceof Error ? err.message : String(err);
    return { ok: false, errorClass: errorClassOf(error), error };
  } finally {
    clearTimeout(timer);
    netErrors.delete(url);
    if (--listening === 0) browser.webRequest.onErrorOccurred.removeListener(onError as never);
  }
}

/** A watched page bigger than this is cut (the record says how many bytes were hashed). */
const MAX_BYTES = 32 * 1024 * 1024;

async function readCapped(res: Response): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
    if (size >= MAX_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const out = new Uint8Array(Math.min(size, MAX_BYTES));
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.byteLength, out.byteLength - at);
    out.set(p.subarray(0, take), at);
    at += take;
  }
  return out;
}

let creating: Promise<void> | null = null;
let closeTimer: ReturnType<typeof setTimeout> | undefined;

async function ensureOffscreen(): Promise<void> {
  clearTimeout(closeTimer);
  // Close it when nothing asked for a minute; the worker may stop before that, closing it anyway.
  closeTimer = setTimeout(() => void chrome.offscreen.closeDocument().catch(() => undefined), 60_000);
  const contexts = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] });
  if (contexts.length) return;
  creating ??= chrome.offscreen
    .createDocument({ url: 'offscreen.html', reasons: ['DOM_PARSER' as chrome.offscreen.Reason], justification: 'Extract watched articles from their HTML' })
    .finally(() => {
      creating = null;
    });
  await creating;
}

export async function offscreen<T>(job: Record<string, unknown>): Promise<T> {
  await ensureOffscreen();
  const res = (await browser.runtime.sendMessage({ target: 'saqta-offscreen', ...job })) as { ok: boolean; value?: T; error?: string } | undefined;
  if (!res?.ok) throw new Error(res?.error ?? 'The extraction document did not answer.');
  return res.value as T;
}

const win = () => globalThis as unknown as Window & typeof globalThis;

export function watchBridge(): WatchBridge {
  const capture = captureBridge();
  return {
    fetchPage,
    // Firefox's event page has a DOM, and its build leaves the offscreen code out; Chrome's worker has none.
    extract: import.meta.env.FIREFOX
      ? (html, url, withSnapshot) => Promise.resolve(extractHtml(html, url, withSnapshot, win()))
      : (html, url, withSnapshot) =>
          hasDom() ? Promise.resolve(extractHtml(html, url, withSnapshot, win())) : offscreen<Extracted>({ op: 'extract', html, url, withSnapshot }),
    paragraphs: import.meta.env.FIREFOX
      ? (html) => Promise.resolve(paragraphsOfHtml(html, win()))
      : (html) => (hasDom() ? Promise.resolve(paragraphsOfHtml(html, win())) : offscreen<string[]>({ op: 'paragraphs', html })),
    async tabHtml(tabId) {
      const [{ result }] = await browser.scripting.executeScript({
        target: { tabId },
        func: () => ({ html: document.documentElement.outerHTML, url: location.href }),
      });
      return result as { html: string; url: string };
    },
    fetchResource: capture.fetch,
    async notify(pageId, title, message) {
      await browser.notifications.create(`saqta-watch:${pageId}:${Date.now()}`, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title,
        message,
      });
    },
    browser: capture.browser,
    text: (key, ...args) => t(key, args),
  };
}

/** One alarm, every hour at most: each round checks only the articles whose interval has passed. */
export async function scheduleWatch(hours: number): Promise<void> {
  await browser.alarms.create(ALARM, { periodInMinutes: Math.min(60, hours * 60), delayInMinutes: 1 });
}

/** A click on a watch notification opens the article's timeline in the library. */
export function openTimelineOnClick(): void {
  browser.notifications?.onClicked.addListener((id) => {
    const m = /^saqta-watch:(.*):\d+$/.exec(id);
    if (!m) return;
    // One article: its timeline; a round's summary (no page id): the library.
    void browser.tabs.create({ url: browser.runtime.getURL(m[1] ? `/library.html?timeline=${encodeURIComponent(m[1])}` : '/library.html') });
    void browser.notifications.clear(id);
  });
}

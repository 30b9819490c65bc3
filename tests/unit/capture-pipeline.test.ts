// @vitest-environment node
/**
 * One capture pipeline (issue 26, utils/capture/): a watched capture and a saved capture of the same page have
 * the same fields — artifacts, HTTP exchanges, page metadata — and a PDF's capture the fields a PDF has.
 */
import 'fake-indexeddb/auto';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB, type CaptureRecord, type PageRecord } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import type { CaptureBridge, CapturePayload, WatchBridge } from '../../utils/background/types';
import type { Fetched } from '../../utils/snapshot/inline';
import { extractArticle } from '../../utils/extract';
import { snapshotDocument } from '../../utils/snapshot/serialize';
import { extractHtml, paragraphsOfHtml } from '../../utils/watch/extract-html';
import { DEFAULT_WATCH } from '../../utils/background/watch';
import { toBase64 } from '../../utils/evidence/bytes';
import type { CheckRecord } from '../../utils/watch/record';
import type { Event, SaveResult, WatchSettings } from '../../utils/messages';
import { textPdf } from '../support/pdf-fixtures';
import { SEED } from '../paths';

const ORIGIN = 'http://127.0.0.1:8080';
const URL1 = `${ORIGIN}/seed/index.html`;
const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.css': 'text/css', '.html': 'text/html' };

/** The page's HTML: the one the server sends now (what both the tab and a watch check see). */
let html = 'edited.html';

/** The server: files of the seed article, each with its HTTP exchange. */
function serve(url: string): Fetched | null {
  const u = new URL(url);
  if (u.origin !== ORIGIN || !u.pathname.startsWith('/seed/')) return null;
  const name = u.pathname === '/seed/index.html' ? html : decodeURIComponent(u.pathname.slice(6));
  const f = join(SEED, name);
  if (!existsSync(f)) return null;
  const bytes = new Uint8Array(readFileSync(f));
  const mime = MIME[extname(f)] ?? 'application/octet-stream';
  return { bytes, mime, http: { url, status: 200, statusText: 'OK', headers: [['Content-Type', mime]], requestHeaders: [['User-Agent', 'Node test']], date: '2026-12-05T04:00:00.000Z' } };
}

function payload(): CapturePayload {
  const dom = new JSDOM(readFileSync(join(SEED, html), 'utf8'), { url: URL1, virtualConsole: new VirtualConsole() });
  const doc = dom.window.document;
  return {
    url: URL1,
    title: doc.title,
    canonical: doc.querySelector('link[rel=canonical]')?.getAttribute('href') ?? null,
    lang: doc.documentElement.lang,
    article: extractArticle(doc, dom.window as unknown as Window & typeof globalThis),
    snapshot: snapshotDocument(doc),
  };
}

const capture: CaptureBridge = {
  capture: async () => payload(),
  fetch: async (url) => serve(url),
  fetchRaw: async (url) => {
    const got = serve(url);
    return got ? { ...got, finalUrl: url } : null;
  },
  screenshot: async () => null,
  browser: async () => 'Chromium 142.0.0.0',
};

const win = (url: string) => new JSDOM('', { url }).window as unknown as Window & typeof globalThis;
const watchBridge: WatchBridge = {
  fetchPage: async (url) => {
    const got = serve(url)!;
    return { ok: true, status: 200, finalUrl: url, bytes: got.bytes, mime: got.mime, http: got.http };
  },
  extract: async (h, url, snap) => extractHtml(h, url, snap, win(url)),
  paragraphs: async (h) => paragraphsOfHtml(h, win(URL1)),
  tabHtml: async () => ({ html: '', url: URL1 }),
  fetchResource: async (url) => serve(url),
  notify: async () => undefined,
  browser: async () => 'Chromium 142.0.0.0',
  text: (key) => key,
};

let deps: HandlerDeps & { events: Event[] };
beforeEach(() => {
  html = 'edited.html';
  let settings: WatchSettings = { ...DEFAULT_WATCH };
  const events: Event[] = [];
  deps = {
    db: new SaqtaDB(`pipeline-${Math.random()}`),
    version: '0.1.0',
    broadcast: (e) => events.push(e),
    storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }),
    capture,
    watch: { bridge: watchBridge, settings: { get: async () => settings, set: async (p) => (settings = { ...settings, ...p }) } },
    events,
  };
});

async function request<T>(msg: Record<string, unknown>): Promise<T> {
  const res = await handle(msg, deps);
  if (!res.ok) throw new Error(res.error.message);
  return res.value as T;
}

const META = ['title', 'byline', 'siteName', 'lang', 'dir', 'publishedTime', 'excerpt', 'wordCount', 'canonicalUrl'] as const;
const metaOf = (p: PageRecord) => Object.fromEntries(META.map((k) => [k, p[k]]));
/** What a capture record holds, without what differs by nature between two captures (ids, times, hashes). */
function shape(c: CaptureRecord) {
  const { timingsMs: _t, screenshot: _s, by: _b, ...notes } = c.notes ?? {};
  return {
    fields: Object.keys(c).filter((k) => k !== 'notes').sort(),
    url: c.url,
    finalUrl: c.finalUrl,
    browser: c.browser,
    extensionVersion: c.extensionVersion,
    artifacts: c.artifacts.map((a) => `${a.kind} ${a.mime} ${a.size} ${a.sourceUrl ?? ''}`).sort(),
    exchanges: (c.exchanges ?? []).map((x) => `${x.main ? 'main ' : ''}${x.method} ${x.url} ${x.status}`).sort(),
    notes,
  };
}

describe('one capture pipeline', () => {
  it('a watched capture and a saved capture of the same page have the same fields', async () => {
    // The reader saved the page; the site edited it since; a watch check finds the edit and captures it.
    const first = await request<SaveResult>({ type: 'save.page', tabId: 3 });
    await request({ type: 'watch.set', pageId: first.pageId, watched: true });
    html = 'index.html';
    const { check } = await request<{ check: CheckRecord }>({ type: 'watch.checkNow', pageId: first.pageId });
    expect(check.outcome).toBe('changed');
    const watched = (await deps.db.captures.get(check.captureId!))!;
    const pageAfterWatch = (await deps.db.pages.get(first.pageId))!;
    // The reader then saves the same page from the tab.
    const saved = await request<SaveResult>({ type: 'save.page', tabId: 3 });
    expect(saved.pageId).toBe(first.pageId);
    const pageAfterSave = (await deps.db.pages.get(first.pageId))!;

    expect(watched.notes).toMatchObject({ by: 'watch', screenshot: 'none' });
    expect(saved.capture.notes?.by).toBeUndefined();
    // The same artifacts, exchanges (the main document's included), notes and record fields …
    expect(shape(watched)).toEqual(shape(saved.capture));
    expect(watched.exchanges?.some((x) => x.main && x.url === URL1)).toBe(true);
    expect(watched.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['article', 'image', 'snapshot', 'raw']));
    // … and the same page metadata: title, site name, language, direction, canonical URL.
    expect(metaOf(pageAfterWatch)).toEqual(metaOf(pageAfterSave));
    expect(pageAfterWatch).toMatchObject({ siteName: 'Азаттық радиосы', lang: 'kk', dir: 'ltr', canonicalUrl: 'https://news.example.kz/a/maqsat-kinalau-emes/33456789.html' });
    // Both say so.
    expect(deps.events.filter((e) => e.event === 'page.saved')).toHaveLength(3);
  });

  it('a PDF capture has the fields a PDF has: its bytes as raw and main exchange, the first page, no article', async () => {
    const url = 'https://court.example.kz/r.pdf';
    const bytes = await textPdf();
    const saved = await request<SaveResult>({
      type: 'pdf.save',
      url,
      data: toBase64(bytes),
      source: 'served',
      title: 'Court ruling',
      lang: 'kk',
      ids: ['ID1'],
      pages: 2,
      firstPage: toBase64(new Uint8Array([0x89, 0x50, 0x4e, 0x47])),
      firstPageMime: 'image/png',
      http: { url, status: 200, statusText: 'OK', headers: [['Content-Type', 'application/pdf']], requestHeaders: [], date: '2026-12-05T04:00:00.000Z' },
    });
    const c = saved.capture;
    expect(c.artifacts.map((a) => `${a.kind} ${a.mime}`)).toEqual(['raw application/pdf', 'screenshot image/png']);
    expect(c.exchanges?.map((x) => `${x.main ? 'main ' : ''}${x.url} ${x.status}`)).toEqual([`main ${url} 200`]);
    expect(c.notes).toMatchObject({ screenshot: 'ok', pdf: { source: 'served', ids: ['ID1'], pages: 2 } });
    expect(Object.keys(c).sort()).toEqual(['artifacts', 'browser', 'capturedAt', 'exchanges', 'extensionVersion', 'finalUrl', 'id', 'notes', 'pageId', 'url']);
    expect((await deps.db.pages.get(saved.pageId))).toMatchObject({ title: 'Court ruling', lang: 'kk' });
    expect(deps.events).toContainEqual({ event: 'page.saved', pageId: saved.pageId });
  });
});

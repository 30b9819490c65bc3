// @vitest-environment node
import 'fake-indexeddb/auto';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { createHash } from 'node:crypto';
import { JSDOM, VirtualConsole } from 'jsdom';
import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import type { CaptureBridge, CapturePayload } from '../../utils/background/save';
import { extractArticle } from '../../utils/extract';
import { snapshotDocument } from '../../utils/snapshot/serialize';
import { savedCopyFor } from '../../utils/store/captures';
import { pageKeys } from '../../utils/url';
import { diffParagraphs } from '../../utils/diff';
import type { Event, SaveResult } from '../../utils/messages';

import { SEED } from '../paths';
const ORIGIN = 'http://127.0.0.1:8080';
const MIME: Record<string, string> = { '.png': 'image/png', '.svg': 'image/svg+xml', '.css': 'text/css', '.html': 'text/html' };

function fileFor(url: string): string | null {
  const u = new URL(url);
  if (u.origin !== ORIGIN || !u.pathname.startsWith('/seed/')) return null;
  const f = join(SEED, decodeURIComponent(u.pathname.slice(6)));
  return existsSync(f) ? f : null;
}

function payloadOf(file: string): CapturePayload {
  const url = `${ORIGIN}/seed/index.html`;
  const dom = new JSDOM(readFileSync(join(SEED, file), 'utf8'), { url, virtualConsole: new VirtualConsole() });
  const win = dom.window as unknown as Window & typeof globalThis;
  return {
    url,
    title: dom.window.document.title,
    canonical: null,
    lang: 'kk',
    article: extractArticle(dom.window.document, win),
    snapshot: snapshotDocument(dom.window.document),
  };
}

let page = 'index.html';
const bridge: CaptureBridge = {
  capture: async () => payloadOf(page),
  fetch: async (url) => {
    const f = fileFor(url);
    return f ? { bytes: new Uint8Array(readFileSync(f)), mime: MIME[extname(f)] ?? 'application/octet-stream' } : null;
  },
  fetchRaw: async (url) => {
    const f = fileFor(url);
    return f ? { bytes: new Uint8Array(readFileSync(f)), mime: 'text/html', finalUrl: url } : null;
  },
  screenshot: async () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
  browser: async () => 'Chromium 142.0.0.0',
};

let deps: HandlerDeps & { events: Event[] };
beforeEach(() => {
  page = 'index.html';
  const events: Event[] = [];
  deps = {
    db: new SaqtaDB(`save-${Math.random()}`),
    version: '0.1.0',
    broadcast: (e) => events.push(e),
    storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }),
    capture: bridge,
    events,
  };
});

const save = async () => {
  const res = await handle({ type: 'save.page', tabId: 7 }, deps);
  if (!res.ok) throw new Error(res.error.message);
  return res.value as SaveResult;
};

describe('saving a page', () => {
  it('stores the article, its images, the snapshot, the raw HTML and the screenshot, each with its SHA-256', async () => {
    // The screenshot follows the ✓ (tests/unit/save-screenshot.test.ts); here the answer waits for it.
    const res = await handle({ type: 'save.page', tabId: 7, wait: 'screenshot' }, deps);
    if (!res.ok) throw new Error(res.error.message);
    const r = res.value as SaveResult;
    const kinds = r.capture.artifacts.map((a) => a.kind);
    expect(kinds.filter((k) => k === 'image')).toHaveLength(3);
    expect(kinds).toEqual(expect.arrayContaining(['article', 'snapshot', 'raw', 'screenshot']));
    expect(r.capture).toMatchObject({ url: `${ORIGIN}/seed/index.html`, finalUrl: `${ORIGIN}/seed/index.html`, browser: 'Chromium 142.0.0.0', extensionVersion: '0.1.0' });
    expect(r.capture.capturedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const ref of r.capture.artifacts) {
      const blob = await deps.db.blobs.get(ref.blobId);
      const bytes = new Uint8Array(await blob!.data.arrayBuffer());
      expect(bytes.byteLength).toBe(ref.size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(ref.sha256);
    }
    // The raw HTML is exactly what the server sent.
    const raw = r.capture.artifacts.find((a) => a.kind === 'raw')!;
    expect(raw.sha256).toBe(createHash('sha256').update(readFileSync(join(SEED, 'index.html'))).digest('hex'));
    const p = await deps.db.pages.get(r.pageId);
    expect(p).toMatchObject({ byline: 'Мәншүк Асаутай', siteName: 'Азаттық радиосы', lang: 'kk', savedAt: r.capture.capturedAt });
    expect(deps.events).toContainEqual({ event: 'page.saved', pageId: r.pageId });
    // The copy is found from the canonical URL too (blocked-site fallback).
    const byCanonical = await savedCopyFor(deps.db, pageKeys('https://news.example.kz/a/maqsat-kinalau-emes/33456789.html?utm_source=tg'));
    expect(byCanonical?.page.id).toBe(r.pageId);
  });

  it('keeps both versions when the site edits the article, and tells what changed', async () => {
    const first = await save();
    page = 'edited.html';
    const second = await save();
    expect(second.pageId).toBe(first.pageId);
    expect(second.versions).toBe(2);
    const list = await handle({ type: 'save.captures', pageId: first.pageId }, deps);
    expect(list).toMatchObject({ ok: true, value: { captures: [{ id: second.capture.id }, { id: first.capture.id }] } });
    const a = payloadOf('index.html').article!.text.split('\n\n');
    const b = payloadOf('edited.html').article!.text.split('\n\n');
    const changes = diffParagraphs(a, b);
    expect(changes.some((c) => c.kind === 'removed' || c.kind === 'changed')).toBe(true);
    expect(changes.some((c) => c.kind === 'added' || c.kind === 'changed')).toBe(true);
  });

  it('writes nothing at all when the disk is full, and says so', async () => {
    deps.db.blobs.hook('creating', () => {
      const err = new Error('full');
      err.name = 'QuotaExceededError';
      throw err;
    });
    const res = await handle({ type: 'save.page', tabId: 7 }, deps);
    expect(res).toMatchObject({ ok: false, error: { code: 'quota-exceeded' } });
    expect(await deps.db.pages.count()).toBe(0);
    expect(await deps.db.captures.count()).toBe(0);
    expect(await deps.db.blobs.count()).toBe(0);
  });

  it('explains when the page cannot be read', async () => {
    const res = await handle({ type: 'save.page', tabId: 7 }, { ...deps, capture: { ...bridge, capture: async () => Promise.reject(new Error('Cannot access a chrome:// URL')) } });
    expect(res).toMatchObject({ ok: false, error: { code: 'unsupported', message: expect.stringContaining('chrome://') } });
  });
});

describe('saves do not carry other sites’ private answers (issue 24)', () => {
  it('re-fetches with cookies only what the page’s own origin served; others without, and the record says how many', async () => {
    const asked: [string, string | undefined][] = [];
    const privateFeed = 'https://mail.example/feed.json?inbox=1';
    deps.capture = {
      ...bridge,
      capture: async () => ({ ...(await payloadOf(page)), resources: [privateFeed, `${ORIGIN}/seed/style.css`] }),
      fetch: async (url, init) => {
        asked.push([url, init?.credentials]);
        // The webmail answers its private feed only with cookies.
        if (url === privateFeed) return init?.credentials === 'include' ? { bytes: new TextEncoder().encode('{"inbox":"secret"}'), mime: 'application/json' } : null;
        return bridge.fetch(url, init);
      },
    };
    const saved = await save();
    expect(asked.length).toBeGreaterThan(1);
    for (const [url, credentials] of asked) expect(credentials, url).toBe(new URL(url).origin === ORIGIN ? 'include' : 'omit');
    expect(asked.find(([u]) => u === privateFeed)?.[1]).toBe('omit');
    const capture = (await deps.db.captures.get(saved.capture.id))!;
    expect(capture.notes?.failedResources).toContain(privateFeed);
    expect(capture.notes?.withoutCookies).toBeGreaterThanOrEqual(1);
    // No stored byte holds the private answer.
    for (const b of await deps.db.blobs.toArray()) expect(await (b.data as Blob).text()).not.toContain('secret');
  });
});

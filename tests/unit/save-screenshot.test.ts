// @vitest-environment node
/**
 * The screenshot follows the save's ✓ (utils/background/save.ts): the answer
 * comes once the article, snapshot, raw HTML and images are stored and hashed;
 * the screenshot's artifact joins the capture later in its own transaction, or
 * the record says why it never came. The record hash a timestamp requested at
 * save covers does not change, and exports made before or after the screenshot
 * arrived verify and import.
 */
import 'fake-indexeddb/auto';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { createHash } from 'node:crypto';
import { JSDOM, VirtualConsole } from 'jsdom';
import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB, type CaptureRecord } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { TabGone, type CaptureBridge, type CapturePayload } from '../../utils/background/save';
import { extractArticle } from '../../utils/extract';
import { snapshotDocument } from '../../utils/snapshot/serialize';
import { screenshotState, settleInterrupted, SCREENSHOT_GIVE_UP_MS } from '../../utils/store/captures';
import { recordHash } from '../../utils/evidence/record';
import { collectArticles, selectionPages } from '../../utils/export/collect';
import { concatBytes, memorySource } from '../../utils/zip/read';
import { importBytes } from '../../utils/import/import';
import { writeWacz } from '../../utils/wacz/write';
import { verifyAny } from '../../utils/wacz/verify';
import type { Event, SaveResult } from '../../utils/messages';
import { SEED } from '../paths';
import { exportBytes, htmlWindow } from './bundle-helpers';

const ORIGIN = 'http://127.0.0.1:8080';
const URL_ = `${ORIGIN}/seed/index.html`;
const MIME: Record<string, string> = { '.png': 'image/png', '.svg': 'image/svg+xml', '.css': 'text/css', '.html': 'text/html' };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 8, 7]);

function fileFor(url: string): string | null {
  const u = new URL(url);
  if (u.origin !== ORIGIN || !u.pathname.startsWith('/seed/')) return null;
  const f = join(SEED, decodeURIComponent(u.pathname.slice(6)));
  return existsSync(f) ? f : null;
}

function payload(): CapturePayload {
  const dom = new JSDOM(readFileSync(join(SEED, 'index.html'), 'utf8'), { url: URL_, virtualConsole: new VirtualConsole() });
  const win = dom.window as unknown as Window & typeof globalThis;
  return { url: URL_, title: dom.window.document.title, canonical: null, lang: 'kk', article: extractArticle(dom.window.document, win), snapshot: snapshotDocument(dom.window.document) };
}

/** A screenshot the test lets go of: resolve with bytes, or reject (tab closed, failure). */
function held() {
  let release!: (v: Uint8Array | null) => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<Uint8Array | null>((ok, no) => {
    release = ok;
    fail = no;
  });
  const calls: { tabId: number; label: string; url: string }[] = [];
  return { promise, release, fail, calls };
}

let shot: ReturnType<typeof held>;
let tab = 1;
const bridge: CaptureBridge = {
  capture: async () => payload(),
  fetch: async (url) => {
    const f = fileFor(url);
    return f ? { bytes: new Uint8Array(readFileSync(f)), mime: MIME[extname(f)] ?? 'application/octet-stream' } : null;
  },
  fetchRaw: async (url) => {
    const f = fileFor(url);
    return f ? { bytes: new Uint8Array(readFileSync(f)), mime: 'text/html', finalUrl: url } : null;
  },
  screenshot: (tabId, label, url) => {
    shot.calls.push({ tabId, label, url });
    return shot.promise;
  },
  browser: async () => 'Chromium 156.0.0.0',
};

let deps: HandlerDeps;
let events: Event[];
let settled: (e: Event) => void;
let screenshotEvent: Promise<Event>;
beforeEach(() => {
  shot = held();
  events = [];
  screenshotEvent = new Promise((ok) => (settled = ok));
  deps = {
    db: new SaqtaDB(`save-shot-${Math.random()}`),
    version: '0.1.0',
    broadcast: (e) => {
      events.push(e);
      if (e.event === 'capture.screenshot') settled(e);
    },
    storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }),
    capture: bridge,
  };
});

/** Each test saves its own tab (a save waits for the screenshot of the one before in the same tab). */
const save = async () => {
  const res = await handle({ type: 'save.page', tabId: tab++ }, deps);
  if (!res.ok) throw new Error(res.error.message);
  return res.value as SaveResult;
};
const stored = async (id: string) => (await deps.db.captures.get(id))!;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function wacz(db: SaqtaDB): Promise<Uint8Array> {
  const { pageIds, only } = await selectionPages(db, { kind: 'all' });
  const chunks: Uint8Array[] = [];
  await writeWacz(collectArticles(db, pageIds, only), { title: 'T', created: new Date('2026-06-25T08:00:00Z'), id: 'urn:uuid:00000000-0000-4000-8000-00000000b0d2', software: 'Saqta 0.1.0 (test)', total: pageIds.length }, (c) => {
    chunks.push(c);
  });
  return concatBytes(chunks);
}

describe('the screenshot follows the save', () => {
  it('answers once the article, snapshot, raw HTML and images are stored and hashed; the screenshot joins later in its own transaction', async () => {
    const r = await save();
    // The answer (the ✓) came while the screenshot is still being taken.
    expect(shot.calls).toEqual([{ tabId: 1, label: expect.stringContaining(URL_), url: URL_ }]);
    const atCheck = await stored(r.capture.id);
    expect(atCheck.artifacts.map((a) => a.kind).sort()).toEqual(['article', 'image', 'image', 'image', 'raw', 'snapshot']);
    expect(atCheck.notes?.screenshot).toBe('pending');
    expect(screenshotState(atCheck)).toBe('pending');
    for (const ref of atCheck.artifacts) {
      const blob = await deps.db.blobs.get(ref.blobId);
      expect(sha(new Uint8Array(await blob!.data.arrayBuffer()))).toBe(ref.sha256);
    }
    expect(events).toEqual([{ event: 'page.saved', pageId: r.pageId }]);
    const hashAtCheck = recordHash(atCheck);

    shot.release(PNG);
    expect(await screenshotEvent).toEqual({ event: 'capture.screenshot', pageId: r.pageId, captureId: r.capture.id });
    const after = await stored(r.capture.id);
    const ref = after.artifacts.find((a) => a.kind === 'screenshot')!;
    expect(ref).toMatchObject({ sha256: sha(PNG), size: PNG.length, mime: 'image/png', addedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(after.artifacts.filter((a) => a.kind !== 'screenshot')).toEqual(atCheck.artifacts);
    const blob = await deps.db.blobs.get(ref.blobId);
    expect(blob).toMatchObject({ captureId: r.capture.id, pageId: r.pageId, kind: 'screenshot', sha256: sha(PNG) });
    expect(new Uint8Array(await blob!.data.arrayBuffer())).toEqual(PNG);
    expect(after.notes).toMatchObject({ screenshot: 'ok', timingsMs: { screenshot: expect.any(Number), total: expect.any(Number) } });
    expect(screenshotState(after)).toBe('ok');
    // A timestamp requested at ✓ covers the record hash of then: the screenshot arriving does not change it.
    expect(recordHash(after)).toBe(hashAtCheck);
  });

  it('`wait: screenshot` answers with the screenshot in the record', async () => {
    shot.release(PNG);
    const res = await handle({ type: 'save.page', tabId: tab++, wait: 'screenshot' }, deps);
    const capture = res.ok ? (res.value as SaveResult).capture : null;
    expect(capture?.artifacts.some((a) => a.kind === 'screenshot')).toBe(true);
    expect(capture?.notes?.screenshot).toBe('ok');
  });

  it('says the tab was closed before the screenshot, and keeps the capture complete', async () => {
    const r = await save();
    shot.fail(new TabGone());
    await screenshotEvent;
    const c = await stored(r.capture.id);
    expect(c.notes?.screenshot).toBe('tab-closed');
    expect(c.artifacts.map((a) => a.kind)).not.toContain('screenshot');
    expect(c.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['article', 'snapshot', 'raw']));
    expect(await deps.db.blobs.where('captureId').equals(r.capture.id).count()).toBe(c.artifacts.length);
  });

  it('a screenshot that fails, or a full disk in its transaction, loses nothing saved at ✓ and says it failed', async () => {
    const r = await save();
    const before = await stored(r.capture.id);
    const blobsBefore = await deps.db.blobs.count();
    deps.db.blobs.hook('creating', (_k, obj) => {
      if ((obj as { kind: string }).kind !== 'screenshot') return;
      const err = new Error('full');
      err.name = 'QuotaExceededError';
      throw err;
    });
    shot.release(PNG);
    await screenshotEvent;
    const c = await stored(r.capture.id);
    expect(c.notes?.screenshot).toBe('failed');
    expect(c.artifacts).toEqual(before.artifacts);
    expect(await deps.db.blobs.count()).toBe(blobsBefore);
    expect(screenshotState(c)).toBe('failed');
  });

  it('a background stopped before the screenshot leaves a complete capture that says the screenshot never came', async () => {
    const r = await save(); // the screenshot never comes: the background "stops"
    await new Promise((ok) => setTimeout(ok, 5));
    const startedAt = new Date().toISOString();
    await new Promise((ok) => setTimeout(ok, 5));
    expect(await settleInterrupted(deps.db, startedAt)).toEqual([{ id: r.capture.id, pageId: r.pageId }]);
    const c = await stored(r.capture.id);
    expect(c.notes?.screenshot).toBe('interrupted');
    expect(c.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['article', 'snapshot', 'raw', 'image']));
    // A capture saved after this start is not touched; nor is one already settled.
    const later = await save();
    expect(await settleInterrupted(deps.db, startedAt)).toEqual([]);
    expect((await stored(later.capture.id)).notes?.screenshot).toBe('pending');
    // Without a restart, a screenshot pending for long is shown as never come.
    expect(screenshotState({ ...c, notes: { screenshot: 'pending' }, capturedAt: new Date(Date.now() - SCREENSHOT_GIVE_UP_MS - 1000).toISOString() })).toBe('interrupted');
    // (The held screenshots end here, so the next test's screenshot is not queued behind them; a late
    // answer does not undo 'interrupted'.)
    shot.fail(new Error('stopped'));
    await expect.poll(() => events.filter((e) => e.event === 'capture.screenshot').length).toBe(2);
    expect((await stored(r.capture.id)).notes?.screenshot).toBe('interrupted');
  });

  it('exports made while the screenshot is pending and after it arrived both verify and import with their screenshot state and record hash', { timeout: 240_000 }, async () => {
    const r = await save();
    const pendingExport = await wacz(deps.db);
    const hashAtCheck = recordHash(await stored(r.capture.id));
    shot.release(PNG);
    await screenshotEvent;
    const doneExport = await wacz(deps.db);
    const doneBundle = await exportBytes(deps.db);

    const addedAt = (await stored(r.capture.id)).artifacts.find((a) => a.kind === 'screenshot')!.addedAt;
    expect(recordHash(await stored(r.capture.id))).toBe(hashAtCheck);
    const imported: string[] = [];
    for (const [bytes, state] of [[pendingExport, 'pending'], [doneExport, 'ok'], [doneBundle, undefined]] as const) {
      if (bytes === pendingExport || bytes === doneExport) {
        const v = await verifyAny(memorySource(bytes));
        expect(v.lines.filter((l) => l.level === 'fail')).toEqual([]);
        expect(v.ok).toBe(true);
      }
      const db = new SaqtaDB(`shot-import-${Math.random()}`);
      await importBytes(db, bytes, { window: await htmlWindow() });
      const c = (await db.captures.get(r.capture.id)) as CaptureRecord;
      if (state) expect(c.notes?.screenshot).toBe(state);
      // The screenshot travels with when it was added; an export made before it arrived has none.
      const done = bytes !== pendingExport;
      expect(c.artifacts.filter((a) => a.kind === 'screenshot').map((a) => a.addedAt)).toEqual(done ? [addedAt] : []);
      imported.push(recordHash(c));
    }
    // Imported before or after the screenshot arrived, the record hashes the same (the import may clean a
    // snapshot with active content, which changes that artifact's hash alike in both).
    expect(imported[1]).toBe(imported[0]);
  });
});

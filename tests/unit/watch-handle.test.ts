// @vitest-environment node
/**
 * The background's watch handlers over a fake bridge: the fetched bytes are
 * the seed article and its edited version, extracted with jsdom (the same
 * code the offscreen document runs), failures are what the browser reports.
 */
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { checkDue, DEFAULT_WATCH, type FetchOutcome, type WatchBridge } from '../../utils/background/watch';
import { extractHtml, paragraphsOfHtml } from '../../utils/watch/extract-html';
import { storeCapture } from '../../utils/store/captures';
import { createAnnotation } from '../../utils/store/annotations';
import { exportBytes, htmlWindow } from './bundle-helpers';
import { writeWacz } from '../../utils/wacz/write';
import { verifyWacz } from '../../utils/wacz/verify';
import { verifyBundle } from '../../utils/bundle/verify';
import { writeBundle } from '../../utils/bundle/write';
import { collectArticles } from '../../utils/export/collect';
import { withChecks } from '../../utils/store/watch';
import { concatBytes, memorySource } from '../../utils/zip/read';
import { pageKeys } from '../../utils/url';
import type { Event, WatchSettings } from '../../utils/messages';
import { SEED, fixture } from '../paths';

const URL1 = 'https://news.example.kz/a/1.html';
const win = () => new JSDOM('', { url: URL1 }).window as unknown as Window & typeof globalThis;
const seed = (f: string) => readFileSync(fixture(SEED, f));

let deps: HandlerDeps & { events: Event[]; served: FetchOutcome; notes: string[]; fetched: string[] };
let settings: WatchSettings;

function bridge(): WatchBridge {
  return {
    fetchPage: async (url) => {
      deps.fetched.push(url);
      return deps.served;
    },
    extract: async (html, url, snap) => extractHtml(html, url, snap, new JSDOM('', { url }).window as unknown as Window & typeof globalThis),
    paragraphs: async (html) => paragraphsOfHtml(html, win()),
    tabHtml: async () => ({ html: seed('edited.html').toString('utf8'), url: URL1 }),
    fetchResource: async () => null,
    notify: async (_id, title, message) => void deps.notes.push(`${title}: ${message}`),
    browser: async () => 'Node test',
    text: (key, ...args) => `${key}(${args.join(',')})`,
  };
}

const ok = (file: string, status = 200): FetchOutcome => ({ ok: true, status, finalUrl: URL1, bytes: new Uint8Array(seed(file)), mime: 'text/html' });

beforeEach(async () => {
  settings = { ...DEFAULT_WATCH };
  const events: Event[] = [];
  deps = {
    db: new SaqtaDB(`watch-${Math.random()}`),
    version: '9.9.9',
    broadcast: (e) => events.push(e),
    storageStatus: async () => ({ persisted: true, usage: 1, quota: 2 }),
    events,
    served: ok('index.html'),
    notes: [],
    fetched: [],
    watch: {
      settings: { get: async () => settings, set: async (p) => (settings = { ...settings, ...p }) },
    },
  };
  deps.watch!.bridge = bridge();
});

/** A saved seed article (as a save from the tab stores it) with two claims. */
async function savedSeed(): Promise<string> {
  const w = new JSDOM(seed('index.html'), { url: URL1 }).window as unknown as Window & typeof globalThis;
  const ex = extractHtml(seed('index.html').toString('utf8'), URL1, false, w);
  const page = { keys: pageKeys(URL1), title: 'Сұхбат' };
  const q = (exact: string) => [{ type: 'TextQuoteSelector' as const, exact, prefix: '', suffix: '' }];
  await createAnnotation(deps.db, page, q('Украинада кісі қолынан қаза тапқан қазақстандық журналисінт Айдос Садықовтың'), { tags: ['Құқық'], note: '', color: 'yellow' });
  await createAnnotation(deps.db, page, q('34 сирек металдың 21-ін бере алады'), { tags: [], note: '', color: 'yellow' });
  const { page: p } = await storeCapture(deps.db, {
    page,
    meta: {},
    url: URL1,
    finalUrl: URL1,
    capturedAt: '2026-06-24T11:12:00.000Z',
    browser: 'Node',
    extensionVersion: '9.9.9',
    artifacts: [
      { kind: 'article', bytes: new TextEncoder().encode(ex.article!.html), mime: 'text/html' },
      { kind: 'raw', bytes: new Uint8Array(seed('index.html')), mime: 'text/html' },
    ],
  });
  return p.id;
}

describe('watching', () => {
  it('is off by default: a round with nothing watched fetches nothing', async () => {
    await savedSeed();
    expect(await checkDue(deps, { force: true })).toEqual({ checked: 0 });
    expect(deps.fetched).toEqual([]);
    expect(await handle({ type: 'watch.settings' }, deps)).toMatchObject({ ok: true, value: { watched: 0, settings: { intervalHours: 24, tags: [] } } });
  });

  it('checks a watched article: same bytes → unchanged record, no capture; edited → capture + record + notification', async () => {
    const pageId = await savedSeed();
    expect(await handle({ type: 'watch.set', pageId, watched: true }, deps)).toMatchObject({ ok: true, value: { watch: { watched: 1 } } });
    expect(await checkDue(deps)).toEqual({ checked: 1 });
    let checks = await deps.db.checks.toArray();
    expect(checks).toMatchObject([{ outcome: 'unchanged', httpStatus: 200, via: 'watch', prevHash: null }]);
    expect(await deps.db.captures.count()).toBe(1);
    // Not due again within the interval.
    expect(await checkDue(deps)).toEqual({ checked: 0 });

    deps.served = ok('edited.html');
    const res = await handle({ type: 'watch.checkNow', pageId }, deps);
    expect(res).toMatchObject({ ok: true, value: { check: { outcome: 'changed', via: 'manual', prevHash: checks[0].hash } } });
    checks = await deps.db.checks.orderBy('at').toArray();
    const changed = checks[1];
    expect(changed.changes!.summary).toMatchObject({ claims: 1 });
    expect(changed.changes!.claims[0]).toMatchObject({ kind: 'edited', after: 'Украинада кісі қолынан қаза тапқан қазақстандық журналист Айдос Садықовтың' });
    const captures = await deps.db.captures.orderBy('capturedAt').toArray();
    expect(captures).toHaveLength(2);
    expect(captures[1]).toMatchObject({ id: changed.captureId, notes: { screenshot: 'none', by: 'watch' } });
    expect(captures[1].artifacts.map((a) => a.kind).sort()).toEqual(['article', 'raw', 'snapshot']);
    expect(deps.notes).toEqual([expect.stringContaining('watchNotifyChanged(')]);
    expect((await handle({ type: 'watch.status', pageId }, deps)) as unknown).toMatchObject({ ok: true, value: { watch: { state: 'changed' }, change: { id: changed.id } } });
    // Library filter: "Changed since saved".
    const { pageIds } = await import('../../utils/library/query');
    expect(await pageIds(deps.db, { sort: 'date-desc', live: 'changed' })).toEqual([pageId]);
    expect(await pageIds(deps.db, { sort: 'date-desc', live: 'gone' })).toEqual([]);
  });

  it('a change whose new copy cannot be saved is still a check on record (an error, tried again next time), and the round goes on', async () => {
    const pageId = await savedSeed();
    await handle({ type: 'watch.set', pageId, watched: true }, deps);
    deps.served = ok('edited.html');
    deps.watch!.bridge = { ...bridge(), browser: async () => Promise.reject(new Error('the disk is full')) };
    const quiet = console.error;
    console.error = () => undefined;
    try {
      expect(await checkDue(deps, { force: true })).toEqual({ checked: 1 });
    } finally {
      console.error = quiet;
    }
    const [check] = await deps.db.checks.toArray();
    expect(check).toMatchObject({ outcome: 'error', error: 'capture-failed', httpStatus: 200 });
    expect(check.changes?.summary.claims).toBe(1);
    expect(await deps.db.captures.count()).toBe(1);
    // Next time the copy is saved.
    deps.watch!.bridge = bridge();
    expect(await checkDue(deps, { force: true })).toEqual({ checked: 1 });
    expect((await deps.db.checks.orderBy('at').last())).toMatchObject({ outcome: 'changed' });
    expect(await deps.db.captures.count()).toBe(2);
  });

  it('records 451, 404 and network errors as evidence, without a capture', async () => {
    const pageId = await savedSeed();
    deps.served = { ...(ok('index.html') as Extract<FetchOutcome, { ok: true }>), status: 451, bytes: new TextEncoder().encode('<h1>451</h1>') };
    expect(await handle({ type: 'watch.checkNow', pageId }, deps)).toMatchObject({ ok: true, value: { check: { outcome: 'blocked', httpStatus: 451 } } });
    deps.served = { ok: false, errorClass: 'reset', error: 'net::ERR_CONNECTION_RESET' };
    expect(await handle({ type: 'watch.checkNow', pageId }, deps)).toMatchObject({ ok: true, value: { check: { outcome: 'blocked', errorClass: 'reset' } } });
    deps.served = { ...(ok('index.html') as Extract<FetchOutcome, { ok: true }>), status: 404 };
    expect(await handle({ type: 'watch.checkNow', pageId }, deps)).toMatchObject({ ok: true, value: { check: { outcome: 'gone', httpStatus: 404 } } });
    expect(await deps.db.captures.count()).toBe(1);
    expect(deps.notes).toEqual([
      expect.stringContaining('watchNotifyBlocked('),
      expect.stringContaining('watchNotifyBlocked('),
      expect.stringContaining('watchNotifyGone('),
    ]);
    expect(deps.notes[0]).toContain('451 news.example.kz');
    expect(deps.notes[1]).toContain('watchErr_reset');
    const { pageIds } = await import('../../utils/library/query');
    expect(await pageIds(deps.db, { sort: 'date-desc', live: 'gone' })).toEqual([pageId]);
  });

  it('a round with many news sends one summary notification, a round with few one each', async () => {
    const w = new JSDOM(seed('index.html'), { url: URL1 }).window as unknown as Window & typeof globalThis;
    const html = extractHtml(seed('index.html').toString('utf8'), URL1, false, w).article!.html;
    for (let i = 0; i < 5; i++) {
      const url = `https://site${i}.example.kz/a.html`;
      const { page } = await storeCapture(deps.db, { page: { keys: pageKeys(url), title: `A${i}` }, meta: {}, url, finalUrl: url, capturedAt: '2026-06-24T11:12:00.000Z', browser: 'Node', extensionVersion: '9', artifacts: [{ kind: 'article', bytes: new TextEncoder().encode(html), mime: 'text/html' }] });
      await handle({ type: 'watch.set', pageId: page.id, watched: true }, deps);
    }
    deps.served = ok('edited.html');
    expect(await checkDue(deps)).toEqual({ checked: 5 });
    expect(deps.notes).toEqual(['watchNotifyRoundTitle(): watchNotifyRound(5,0)']);
    expect(await deps.db.captures.count()).toBe(10);
  });

  it('watches the articles of a watched tag, and validates settings', async () => {
    const pageId = await savedSeed();
    expect(await handle({ type: 'watch.configure', settings: { intervalHours: 5 } }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await handle({ type: 'watch.configure', settings: { tags: [' Құқық ', ''], intervalHours: 6 } }, deps)).toMatchObject({ ok: true, value: { watched: 1, settings: { tags: ['Құқық'], intervalHours: 6 } } });
    expect(await checkDue(deps)).toEqual({ checked: 1 });
    expect(deps.fetched).toEqual([URL1]);
    void pageId;
  });

  it('revisit: compares the tab with the newest capture once per text digest', async () => {
    const pageId = await savedSeed();
    const first = await handle({ type: 'watch.revisit', pageId, fingerprint: 'td1:aaaa', tabId: 7 }, deps);
    expect(first).toMatchObject({ ok: true, value: { state: 'changed', check: { via: 'revisit', outcome: 'changed' } } });
    // The same digest again: the known change, no second record.
    expect(await handle({ type: 'watch.revisit', pageId, fingerprint: 'td1:aaaa', tabId: 7 }, deps)).toMatchObject({ ok: true, value: { state: 'changed' } });
    expect(await deps.db.checks.count()).toBe(1);
    expect(deps.fetched).toEqual([]); // a revisit reads the tab, it never fetches
  });

  it('revisit: the text blocks the content script sends are one digest: the same blocks are a known change, other blocks are compared again', async () => {
    const pageId = await savedSeed();
    const blocks = ['A paragraph the live page shows now, long enough to count.', 'And a second one.'];
    const first = await handle({ type: 'watch.revisit', pageId, fingerprint: null, digestParts: blocks, tabId: 7 }, deps);
    expect(first).toMatchObject({ ok: true, value: { state: 'changed', check: { via: 'revisit' } } });
    // The same blocks (white space aside: the digest normalizes) again: the known change, no second record.
    const again = await handle({ type: 'watch.revisit', pageId, fingerprint: null, digestParts: blocks.map((b) => ` ${b}  `), tabId: 7 }, deps);
    expect(again).toMatchObject({ ok: true, value: { state: 'changed' } });
    expect(await deps.db.checks.count()).toBe(1);
    // Other blocks: another digest, compared again (a second record).
    await handle({ type: 'watch.revisit', pageId, fingerprint: null, digestParts: ['Something else entirely, written later.'], tabId: 7 }, deps);
    expect(await deps.db.checks.count()).toBe(2);
  });

  it('exports carry the check records; verify recomputes their hashes and finds an edited one', async () => {
    const pageId = await savedSeed();
    deps.served = { ok: false, errorClass: 'refused', error: 'net::ERR_CONNECTION_REFUSED' };
    await handle({ type: 'watch.checkNow', pageId }, deps);
    deps.served = { ...(ok('index.html') as Extract<FetchOutcome, { ok: true }>), status: 451 };
    await handle({ type: 'watch.checkNow', pageId }, deps);
    const write = async (tamper: boolean) => {
      const chunks: Uint8Array[] = [];
      async function* tampered() {
        for await (const a of withChecks(deps.db, collectArticles(deps.db, [pageId]))) {
          yield tamper ? { ...a, checks: a.checks!.map((c, i) => (i === 1 ? { ...c, httpStatus: 200 } : c)) } : a;
        }
      }
      await writeBundle(tampered(), { title: 't', created: new Date('2026-12-01T00:00:00Z'), software: 'test', total: 1 }, (c) => void chunks.push(c));
      return concatBytes(chunks);
    };
    const good = await verifyBundle(await write(false));
    expect(good.ok).toBe(true);
    expect(good.lines.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^2 check records, first .*, last .*, hashes and chain intact, none missing \(0 changed, 2 gone or blocked\)/)]));
    const bad = await verifyBundle(await write(true));
    expect(bad.ok).toBe(false);
    expect(bad.lines.filter((l) => l.level === 'fail').map((l) => l.message)).toEqual([expect.stringMatching(/its hash does not match its contents/)]);
    // A bundle with check records imports into another library (the records stay in the bundle).
    const { importBytes } = await import('../../utils/import/import');
    const other = new SaqtaDB(`watch-import-${Math.random()}`);
    const summary = await importBytes(other, await write(false), { window: await htmlWindow() });
    expect(await other.pages.count()).toBe(1);
    expect(summary).toBeTruthy();
    // The library's export format, WACZ, carries them the same way and verify checks them there too.
    const waczChunks: Uint8Array[] = [];
    await writeWacz(withChecks(deps.db, collectArticles(deps.db, [pageId])), { title: 't', created: new Date('2026-12-01T00:00:00Z'), software: 'test', total: 1 }, (c) => void waczChunks.push(c));
    const wacz = await verifyWacz(memorySource(concatBytes(waczChunks)));
    expect(wacz.ok).toBe(true);
    expect(wacz.lines.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^2 check records, first .*hashes and chain intact/)]));
    // An export without checks has no checks.json and verifies as before.
    expect((await verifyBundle(await exportBytes(deps.db))).ok).toBe(true);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import type { Event, PageInfo } from '../../utils/messages';
import { pageKeys } from '../../utils/url';
import { fingerprintCandidates, textFingerprint } from '../../utils/anchoring/fingerprint';
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED } from '../paths';

const quote = (exact: string) => [
  { type: 'TextQuoteSelector' as const, exact, prefix: 'before ', suffix: ' after' },
  { type: 'TextPositionSelector' as const, start: 10, end: 10 + exact.length },
];

let deps: HandlerDeps & { events: Event[] };
const page: PageInfo = {
  keys: pageKeys('https://news.example/a/1.html?utm_source=x', 'https://news.example/a/1.html'),
  title: 'Story',
  lang: 'kk',
};

beforeEach(async () => {
  const events: Event[] = [];
  deps = {
    db: new SaqtaDB(`handle-${Math.random()}`),
    version: '9.9.9',
    broadcast: (e) => events.push(e),
    storageStatus: async () => ({ persisted: true, usage: 1, quota: 2 }),
    events,
  };
});

describe('handle', () => {
  it('answers every request with a Result, errors included', async () => {
    expect(await handle({ type: 'ping' }, deps)).toEqual({ ok: true, value: { version: '9.9.9' } });
    expect(await handle(null, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await handle({ type: 'nope' }, deps)).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    expect(await handle({ type: 'toString' }, deps)).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    expect(await handle({ type: 'annotation.delete', id: 'missing' }, deps)).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('creates a claim with its page, finds it from another URL of the article, and broadcasts', async () => {
    const res = await handle(
      { type: 'annotation.create', page, selector: quote('claim'), body: { tags: ['Arrest', ' arrest '], note: '', color: 'green' } },
      deps,
    );
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const { annotation } = res.value as { annotation: { id: string; pageId: string; body: { tags: string[] } } };
    expect(annotation.body.tags).toEqual(['Arrest']);
    expect(deps.events).toEqual([{ event: 'annotations.changed', pageId: annotation.pageId }]);

    // A mirror URL with the same canonical link finds the same page.
    const mirror = pageKeys('https://mirror.example/x?id=1', 'https://news.example/a/1.html');
    const view = await handle({ type: 'page.get', keys: mirror }, deps);
    expect(view).toMatchObject({ ok: true, value: { page: { id: annotation.pageId }, annotations: [{ id: annotation.id }] } });

    const tags = await handle({ type: 'tags.list' }, deps);
    expect(tags).toMatchObject({ ok: true, value: { tags: [{ name: 'Arrest', count: 1 }] } });
  });

  it('finds a page on a mirror by the paragraphs the content script sends (fingerprint made in the background)', async () => {
    const seed = new JSDOM(readFileSync(join(SEED, 'index.html'), 'utf8')).window.document;
    const fingerprint = textFingerprint(seed.body);
    expect(fingerprint).toMatch(/^fp1:/);
    const made = await handle(
      { type: 'annotation.create', page: { ...page, keys: pageKeys('https://news.example/a/2.html', null, fingerprint) }, selector: quote('claim'), body: { tags: [], note: '', color: 'yellow' } },
      deps,
    );
    expect(made.ok).toBe(true);
    // The mirror: other URL, no canonical link, other page chrome, the same article.
    const mirror = new JSDOM(readFileSync(join(SEED, 'index.html'), 'utf8')).window.document;
    mirror.querySelector('header')?.remove();
    mirror.querySelector('footer')?.remove();
    const keys = pageKeys('https://mirror.example/copy?id=7');
    const byUrl = await handle({ type: 'page.get', keys }, deps);
    expect(byUrl).toMatchObject({ ok: true, value: { page: null, annotations: [] } });
    const byText = await handle({ type: 'page.get', keys, paragraphs: fingerprintCandidates(mirror.body) }, deps);
    expect(byText).toMatchObject({ ok: true, value: { page: { fingerprint }, annotations: [{ body: { color: 'yellow' } }] } });
    // The content script sends its paragraphs with every lookup: the URL still comes first.
    const home = await handle({ type: 'page.get', keys: pageKeys('https://news.example/a/2.html'), paragraphs: ['y'.repeat(200)] }, deps);
    expect(home).toMatchObject({ ok: true, value: { page: { fingerprint }, annotations: [{ body: { color: 'yellow' } }] } });
    // Another article's paragraphs (and junk a page could send) find nothing.
    const other = await handle({ type: 'page.get', keys, paragraphs: ['x'.repeat(200), 42 as unknown as string] }, deps);
    expect(other).toMatchObject({ ok: true, value: { page: null } });
  });

  it('refuses bad claims with a readable message and stores nothing', async () => {
    const bad = await handle({ type: 'annotation.create', page, selector: [], body: { tags: [], note: '', color: 'yellow' } }, deps);
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const badColor = await handle(
      { type: 'annotation.create', page, selector: quote('x'), body: { tags: [], note: '', color: 'red' } },
      deps,
    );
    expect(badColor).toMatchObject({ ok: false, error: { code: 'bad-request', message: 'Unknown colour.' } });
    expect(await deps.db.annotations.count()).toBe(0);
    expect(await deps.db.pages.count()).toBe(0);
  });

  it('updates, deletes and restores a claim (undo)', async () => {
    const created = await handle(
      { type: 'annotation.create', page, selector: quote('claim'), body: { tags: [], note: '', color: 'yellow' } },
      deps,
    );
    if (!created.ok) throw new Error('create failed');
    const { annotation } = created.value as { annotation: { id: string } };
    const upd = await handle({ type: 'annotation.update', id: annotation.id, body: { note: 'checked', tags: ['EU letter'] } }, deps);
    expect(upd).toMatchObject({ ok: true, value: { annotation: { body: { note: 'checked', tags: ['EU letter'] } } } });
    const del = await handle({ type: 'annotation.delete', id: annotation.id }, deps);
    expect(del.ok).toBe(true);
    expect(await deps.db.annotations.count()).toBe(0);
    if (!del.ok) return;
    const back = await handle({ type: 'annotation.restore', annotation: (del.value as { annotation: unknown }).annotation }, deps);
    expect(back.ok).toBe(true);
    expect(await deps.db.annotations.get(annotation.id)).toMatchObject({ body: { note: 'checked' } });
  });

  it('loads the highlighter into the asking tab and frame, and says why when it cannot', async () => {
    expect(await handle({ type: 'highlight.loadUi' }, deps)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    const injected: Array<[number, number]> = [];
    deps.highlighter = { inject: async (tabId, frameId) => void injected.push([tabId, frameId]) };
    expect(await handle({ type: 'highlight.loadUi' }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/tab/) } });
    expect(await handle({ type: 'highlight.loadUi', tabId: 7, frameId: 3 }, deps)).toEqual({ ok: true, value: { loaded: true } });
    expect(await handle({ type: 'highlight.loadUi', tabId: 8 }, deps)).toEqual({ ok: true, value: { loaded: true } });
    expect(injected).toEqual([[7, 3], [8, 0]]);
    deps.highlighter = { inject: async () => Promise.reject(new Error('Cannot access contents of the page')) };
    expect(await handle({ type: 'highlight.loadUi', tabId: 9 }, deps)).toMatchObject({ ok: false });
  });

  it('maps a full disk to a clear message', async () => {
    deps.db.annotations.hook('creating', () => {
      const err = new Error('quota');
      err.name = 'QuotaExceededError';
      throw err;
    });
    const res = await handle(
      { type: 'annotation.create', page, selector: quote('claim'), body: { tags: [], note: '', color: 'yellow' } },
      deps,
    );
    expect(res).toMatchObject({ ok: false, error: { code: 'quota-exceeded' } });
    expect(await deps.db.pages.count()).toBe(0);
  });
});

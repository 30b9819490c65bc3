/**
 * Issue 24, the one gate: every request type of utils/messages.ts sent as a content script and
 * as one of Saqta's own pages. Content scripts get exactly the allowlist, each only for their own
 * tab and page.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { admit, callerOf, CONTENT_TYPES, type Caller } from '../../utils/background/gate';
import { SENDERS, type Event, type RequestType } from '../../utils/messages';
import { pageKeys } from '../../utils/url';

const HERE = 'https://news.example/a/1.html';
const ELSEWHERE = 'https://mail.example/inbox';
const content: Caller = { kind: 'content', tabId: 7, frameId: 0, url: `${HERE}?utm_source=x` };
const saqta: Caller = { kind: 'extension' };

const quote = (exact: string) => [{ type: 'TextQuoteSelector' as const, exact, prefix: 'a ', suffix: ' b' }];

let deps: HandlerDeps & { events: Event[]; captured: number[] };
let ours: { pageId: string; claimId: string };
let theirs: { pageId: string; claimId: string };

async function makeClaim(url: string): Promise<{ pageId: string; claimId: string }> {
  const res = await handle({ type: 'annotation.create', page: { keys: pageKeys(url), title: url }, selector: quote('claim'), body: { tags: ['t'], note: '', color: 'green' } }, deps);
  if (!res.ok) throw new Error(res.error.message);
  const { annotation } = res.value as { annotation: { id: string; pageId: string } };
  return { pageId: annotation.pageId, claimId: annotation.id };
}

beforeEach(async () => {
  const events: Event[] = [];
  const captured: number[] = [];
  deps = {
    db: new SaqtaDB(`gate-${Math.random()}`),
    version: '9.9.9',
    broadcast: (e) => events.push(e),
    storageStatus: async () => ({ persisted: true, usage: 1, quota: 2 }),
    capture: {
      capture: async (tabId: number) => {
        captured.push(tabId);
        throw new Error('no tab in unit tests');
      },
    } as unknown as HandlerDeps['capture'],
    events,
    captured,
  };
  ours = await makeClaim(HERE);
  theirs = await makeClaim(ELSEWHERE);
});

/** A well-formed request of each type, naming the content script's own page and claim where it names one. */
function requestOf(type: RequestType): Record<string, unknown> {
  const own = { pageId: ours.pageId, id: ours.claimId };
  const byType: Partial<Record<RequestType, Record<string, unknown>>> = {
    'page.get': { keys: pageKeys(HERE) },
    'page.byId': { pageId: ours.pageId },
    'annotation.create': { page: { keys: pageKeys(HERE), title: 'x' }, selector: quote('more'), body: { tags: [], note: '', color: 'yellow' } },
    'annotation.update': { id: ours.claimId, body: { note: 'n' } },
    'annotation.delete': { id: ours.claimId },
    'annotation.anchorStates': { states: { [ours.claimId]: 'orphan' } },
    'library.pages': { offset: 0, limit: 10 },
    'evidence.signPackage': { datapackage: JSON.stringify({ profile: 'data-package', created: new Date().toISOString(), resources: [{ path: 'a', hash: `sha256:${'0'.repeat(64)}`, bytes: 1 }] }) },
    'evidence.stamp': { imprint: '0'.repeat(64) },
    'save.page': {},
    'watch.revisit': { pageId: ours.pageId, fingerprint: null },
    'team.copyClaim': { id: ours.claimId },
    'tags.rename': { name: 't', newName: 'u' },
    'team.test': { url: 'https://dav.example/' },
  };
  return { type, ...own, ...(byType[type] ?? {}) };
}

describe('the gate (issue 24)', () => {
  it('declares who may send every request type, and the allowlist is short and scoped', () => {
    expect([...CONTENT_TYPES].sort()).toEqual(
      ['annotation.anchorStates', 'annotation.create', 'annotation.delete', 'annotation.restore', 'annotation.update', 'highlight.loadUi', 'lock.offer', 'lock.openUnlock', 'page.get', 'ping', 'save.page', 'tags.list', 'team.copyClaim', 'watch.revisit'].sort(),
    );
  });

  it('content scripts get exactly the allowlist; Saqta’s own pages get every request', async () => {
    const types = Object.keys(SENDERS) as RequestType[];
    expect(types.length).toBeGreaterThan(40);
    const refusedToContent: string[] = [];
    const refusedToSaqta: string[] = [];
    for (const type of types) {
      if (type === 'annotation.restore') continue; // needs a whole claim: below
      ours = await makeClaim(HERE); // a fresh claim of the sender's page (an earlier type may have deleted one)
      const asContent = await handle(requestOf(type), deps, content);
      if (!asContent.ok && asContent.error.code === 'forbidden') refusedToContent.push(type);
      const asSaqta = await handle(requestOf(type), deps, saqta);
      if (!asSaqta.ok && asSaqta.error.code === 'forbidden') refusedToSaqta.push(type);
    }
    expect(refusedToSaqta).toEqual([]);
    expect(refusedToContent.sort()).toEqual(types.filter((t) => SENDERS[t] === 'extension').sort());
  });

  it('a content script reads only its own page: another address, or another page’s id, is refused', async () => {
    expect(await handle({ type: 'page.get', keys: pageKeys(ELSEWHERE) }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handle({ type: 'page.byId', pageId: theirs.pageId }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handle({ type: 'library.pages', offset: 0, limit: 500 }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handle({ type: 'save.captures', pageId: ours.pageId }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const mine = await handle({ type: 'page.get', keys: pageKeys(HERE) }, deps, content);
    expect(mine).toMatchObject({ ok: true, value: { page: { id: ours.pageId }, annotations: [{ id: ours.claimId }] } });
  });

  it('a content script edits, deletes, restores and copies only its own page’s claims', async () => {
    for (const type of ['annotation.update', 'annotation.delete', 'team.copyClaim'] as const) {
      const res = await handle({ type, id: theirs.claimId, body: { note: 'x' } }, deps, content);
      expect(res, type).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await deps.db.annotations.get(theirs.claimId)).toMatchObject({ body: { note: '' } });
    const claim = await deps.db.annotations.get(theirs.claimId);
    // Moving another page's claim onto this page, or overwriting it, is refused too.
    expect(await handle({ type: 'annotation.restore', annotation: { ...claim!, pageId: ours.pageId } }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handle({ type: 'annotation.restore', annotation: claim! }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Own claim: delete, then undo.
    const own = await deps.db.annotations.get(ours.claimId);
    expect(await handle({ type: 'annotation.delete', id: ours.claimId }, deps, content)).toMatchObject({ ok: true });
    expect(await handle({ type: 'annotation.restore', annotation: own! }, deps, content)).toMatchObject({ ok: true });
    // Anchor states of another page's claims are dropped, the own page's kept.
    const states = await handle({ type: 'annotation.anchorStates', states: { [ours.claimId]: 'orphan', [theirs.claimId]: 'orphan' } }, deps, content);
    expect(states).toMatchObject({ ok: true, value: { changed: 1 } });
    expect((await deps.db.annotations.get(theirs.claimId))?.anchor).not.toBe('orphan');
    // Creating a claim on another address is refused.
    expect(await handle({ type: 'annotation.create', page: { keys: pageKeys(ELSEWHERE), title: 'x' }, selector: quote('x'), body: { tags: [], note: '', color: 'yellow' } }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('saving and revisiting act on the sender’s tab, never the tab named in the request', async () => {
    const saved = await admit({ type: 'save.page', tabId: 99 }, content, deps.db);
    expect(saved).toMatchObject({ ok: true, msg: { tabId: 7 } });
    await handle({ type: 'save.page', tabId: 99 }, deps, content);
    expect(deps.captured).toEqual([7]);
    expect(await admit({ type: 'save.page' }, { ...content, frameId: 3 }, deps.db)).toMatchObject({ ok: false });
    expect(await admit({ type: 'highlight.loadUi', tabId: 99, frameId: 5 }, { ...content, frameId: 2 }, deps.db)).toMatchObject({ ok: true, msg: { tabId: 7, frameId: 2 } });
    expect(await admit({ type: 'watch.revisit', pageId: ours.pageId, fingerprint: null, tabId: 99 }, content, deps.db)).toMatchObject({ ok: true, msg: { tabId: 7 } });
    expect(await admit({ type: 'watch.revisit', pageId: theirs.pageId, fingerprint: null }, content, deps.db)).toMatchObject({ ok: false });
    // Saqta's popup names the tab it saves.
    expect(await admit({ type: 'save.page', tabId: 99 }, saqta, deps.db)).toMatchObject({ ok: true, msg: { tabId: 99 } });
  });

  it('tells Saqta’s pages from content scripts by sender.url’s origin, and refuses anyone else', () => {
    const id = 'abcdefghijklmnop';
    const origin = `chrome-extension://${id}`;
    expect(callerOf({ id, url: `${origin}/library.html`, tab: { id: 3 } }, id, origin)).toEqual({ kind: 'extension' });
    expect(callerOf({ id, url: `${origin}/popup.html` }, id, origin)).toEqual({ kind: 'extension' });
    expect(callerOf({ id, url: HERE, tab: { id: 3 }, frameId: 0 }, id, origin)).toEqual({ kind: 'content', tabId: 3, frameId: 0, url: HERE });
    // A web page without a tab, another extension, an extension-looking path on a web origin, no URL.
    expect(callerOf({ id, url: HERE }, id, origin)).toBeNull();
    expect(callerOf({ id: 'other', url: `${origin}/popup.html` }, id, origin)).toBeNull();
    expect(callerOf({ id, url: `https://evil.example/chrome-extension://${id}/library.html`, tab: { id: 3 } }, id, origin)).toMatchObject({ kind: 'content' });
    expect(callerOf({ id, tab: { id: 3 } }, id, origin)).toBeNull();
    expect(callerOf({ id, url: 'file:///x.html', tab: { id: 3 } }, id, origin)).toBeNull();
  });
});

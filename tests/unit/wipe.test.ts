/**
 * Quick wipe (issue 28): the rule for "wipe after N wrong passphrases", the
 * request handlers, the gate, and the platform's wipe over WXT's fake
 * browser and fake IndexedDB — the lock's keys go first, then everything.
 */
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import type { Caller } from '../../utils/background/gate';
import { createServices } from '../../utils/background/services';
import { DEFAULT_WIPE, lockKeysOf, shouldWipeAfterFailures, validateWipeSettings, WIPE_AFTER_CHOICES, type WipeSettings } from '../../utils/wipe';
import { wipeEverything, wipeHost, wipeIfTooManyFailures } from '../../utils/ext/wipe';
import { DavClient } from '../../utils/team/dav';

describe('wipe after N wrong passphrases: the rule', () => {
  it('is off by default and whatever the counter says', () => {
    expect(DEFAULT_WIPE.afterFailures).toBeNull();
    for (const n of [0, 1, 5, 1000]) expect(shouldWipeAfterFailures(n, DEFAULT_WIPE)).toBe(false);
  });

  it('wipes at the chosen count and after, never before', () => {
    const s: WipeSettings = { afterFailures: 5 };
    expect([0, 1, 4].map((n) => shouldWipeAfterFailures(n, s))).toEqual([false, false, false]);
    expect([5, 6, 50].map((n) => shouldWipeAfterFailures(n, s))).toEqual([true, true, true]);
  });

  it('a doctored or torn counter never wipes', () => {
    const s: WipeSettings = { afterFailures: 5 };
    for (const bad of ['9', 9.5, -1, NaN, Infinity, null, undefined, {}, [9]]) expect(shouldWipeAfterFailures(bad, s)).toBe(false);
  });

  it('only the offered choices (or off) are accepted', () => {
    expect(validateWipeSettings({ afterFailures: null })).toEqual({ afterFailures: null });
    for (const n of WIPE_AFTER_CHOICES) expect(validateWipeSettings({ afterFailures: n })).toEqual({ afterFailures: n });
    for (const bad of [0, 1, 3, 7, '5', undefined]) expect(() => validateWipeSettings({ afterFailures: bad })).toThrow(/Choose off/);
  });

  it('the lock’s keys are those under lock.', () => {
    expect(lockKeysOf(['lock.wrapped', 'lock.failures', 'lockdown', 'team.config', 'x.lock.y'])).toEqual(['lock.wrapped', 'lock.failures']);
  });
});

const saqta: Caller = { kind: 'extension' };
const content: Caller = { kind: 'content', tabId: 3, frameId: 0, url: 'https://news.example/a' };

function depsWith(wipe?: HandlerDeps['wipe']): HandlerDeps {
  return { db: new SaqtaDB(), version: 't', broadcast: () => undefined, storageStatus: async () => ({ persisted: false, usage: null, quota: null }), services: createServices(), wipe };
}

describe('wipe requests', () => {
  it('wipe.everything runs the platform’s wipe and drops what the background held in memory', async () => {
    const everything = vi.fn(async () => undefined);
    const deps = depsWith({ everything, settings: { get: async () => DEFAULT_WIPE, set: async (s) => s } });
    const before = deps.services;
    expect(await handle({ type: 'wipe.everything' }, deps, saqta)).toEqual({ ok: true, value: { wiped: true } });
    expect(everything).toHaveBeenCalledTimes(1);
    expect(deps.services).not.toBe(before);
  });

  it('a page’s content script may not wipe, nor change the setting', async () => {
    const everything = vi.fn(async () => undefined);
    const deps = depsWith({ everything, settings: { get: async () => DEFAULT_WIPE, set: async (s) => s } });
    expect(await handle({ type: 'wipe.everything' }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handle({ type: 'wipe.configure', settings: { afterFailures: 5 } }, deps, content)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(everything).not.toHaveBeenCalled();
  });

  it('wipe.configure refuses a number not offered, with a clear message, and keeps the setting', async () => {
    let stored: WipeSettings = { afterFailures: 10 };
    const deps = depsWith({ everything: async () => undefined, settings: { get: async () => stored, set: async (s) => (stored = s) } });
    expect(await handle({ type: 'wipe.configure', settings: { afterFailures: 2 } }, deps, saqta)).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/Choose off or one of 5, 10, 20/) } });
    expect(stored).toEqual({ afterFailures: 10 });
    expect(await handle({ type: 'wipe.configure', settings: { afterFailures: null } }, deps, saqta)).toEqual({ ok: true, value: { settings: { afterFailures: null } } });
    expect(await handle({ type: 'wipe.settings' }, deps, saqta)).toEqual({ ok: true, value: { settings: { afterFailures: null } } });
  });

  it('without a platform (tests, other contexts) it says so', async () => {
    expect(await handle({ type: 'wipe.everything' }, depsWith(), saqta)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});

async function aReader(): Promise<SaqtaDB> {
  await fakeBrowser.storage.local.set({ 'lock.wrapped': 'AAAA', 'lock.failures': 2, 'team.config': { password: 'app-password' }, settings: { backupReminderDays: 3 } });
  await fakeBrowser.storage.session.set({ 'lock.dataKey': 'raw key' });
  const db = new SaqtaDB(`wipe-${Math.random()}`);
  await db.tags.add({ id: 't1', name: 'secret tag', key: 'secret tag', created: '2026-01-01' } as never);
  return db;
}

describe('wipeEverything (fake browser)', () => {
  it('destroys the lock’s keys before anything else, then the database and all extension storage', async () => {
    const db = await aReader();
    const order: string[] = [];
    const remove = vi.spyOn(fakeBrowser.storage.local, 'remove').mockImplementation(async function (this: unknown, keys) {
      order.push(`remove ${String(keys)}`);
      for (const k of [keys].flat()) await fakeBrowser.storage.local.set({ [k]: undefined });
    });
    const realDelete = db.delete.bind(db);
    const del = vi.spyOn(db, 'delete').mockImplementation(((...args: Parameters<SaqtaDB['delete']>) => {
      order.push('delete database');
      del.mockRestore();
      return realDelete(...args);
    }) as SaqtaDB['delete']);
    await wipeEverything(db);
    remove.mockRestore();
    expect(order).toEqual(['remove lock.wrapped,lock.failures', 'delete database']);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    // The database opens again, empty: Saqta as freshly installed.
    expect(await db.tags.count()).toBe(0);
  });

  it('wipes after the chosen number of wrong passphrases, not before', async () => {
    const db = await aReader();
    await wipeHost(db).settings.set({ afterFailures: 5 });
    await fakeBrowser.storage.local.set({ 'lock.failures': 4 });
    expect(await wipeIfTooManyFailures(db)).toBe(false);
    expect(await db.tags.count()).toBe(1);
    await fakeBrowser.storage.local.set({ 'lock.failures': 5 });
    expect(await wipeIfTooManyFailures(db)).toBe(true);
    expect(await db.tags.count()).toBe(0);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });
});

describe('no cookies of the team server to clear', () => {
  it('every team request is sent without cookies (credentials: omit), so the browser keeps none for Saqta', async () => {
    const inits: RequestInit[] = [];
    const dav = new DavClient({
      url: 'https://dav.team.example/Saqta/',
      user: 'u',
      password: 'p',
      fetch: async (_u, init) => {
        inits.push(init!);
        return new Response('', { status: 201 });
      },
    } as ConstructorParameters<typeof DavClient>[0]);
    await dav.mkcol('a').catch(() => undefined);
    await dav.put('a/b', 'x').catch(() => undefined);
    await dav.delete('a/b').catch(() => undefined);
    expect(inits.length).toBeGreaterThanOrEqual(3);
    expect(inits.map((i) => i.credentials)).toEqual(inits.map(() => 'omit'));
  });
});

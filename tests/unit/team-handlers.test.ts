// @vitest-environment node
/**
 * The background's team requests through `handle()` (what Settings → Team, the
 * popup and the content script send), over a real Apache mod_dav.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { EMPTY_STATUS, emptyConfig, type TeamConfig, type TeamStatus } from '../../utils/team/config';
import type { Event } from '../../utils/messages';
import { startDav, type DavServer } from '../e2e/dav-server';
import { claim, cleanInNode, freshDb } from './team-helpers';
import { DavClient } from '../../utils/team/dav';

let dav: DavServer;
beforeAll(async () => {
  dav = await startDav();
});
afterAll(async () => {
  await dav?.close();
});

function depsFor(who: string) {
  let config: TeamConfig = emptyConfig();
  let status: TeamStatus = EMPTY_STATUS;
  const events: Event[] = [];
  const deps: HandlerDeps = {
    db: freshDb(who),
    version: '9.9.9',
    broadcast: (e) => events.push(e),
    storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }),
    team: {
      software: 'Saqta test',
      getConfig: async () => config,
      setConfig: async (c) => void (config = c),
      getStatus: async () => status,
      setStatus: async (s) => void (status = s),
      clean: cleanInNode,
    },
  };
  return { deps, events, config: () => config };
}

const ask = <T>(deps: HandlerDeps, msg: Record<string, unknown>) => handle(msg, deps) as Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>;

describe('team requests', () => {
  it('configure hides secrets, test says what is wrong, sync shares, colleagues’ claims are read-only and copyable', async () => {
    const a = depsFor('alice');
    const b = depsFor('bob');
    const url = `${dav.url}handlers/`;
    const root = new DavClient({ url: dav.url, user: 'alice', password: dav.users.alice! });
    expect(await ask(a.deps, { type: 'team.test', url, user: 'alice', password: dav.users.alice })).toMatchObject({ ok: true, value: { result: { ok: false, kind: 'not-found', status: 404 } } });
    await root.mkcol('handlers/');
    await root.mkcol('handlers-2/');
    const bad = await ask<{ result: { ok: boolean; kind: string } }>(a.deps, { type: 'team.test', url, user: 'alice', password: 'wrong' });
    expect(bad).toMatchObject({ ok: true, value: { result: { ok: false, kind: 'auth' } } });
    const refused = await ask(a.deps, { type: 'team.configure', patch: { enabled: true, url } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request', message: 'Enter the user name.' } });

    const conf = await ask<{ config: Record<string, unknown> }>(a.deps, { type: 'team.configure', patch: { enabled: true, url, user: 'alice', password: dav.users.alice, displayName: 'Aigerim' } });
    expect(conf.ok).toBe(true);
    expect(JSON.stringify(conf)).not.toContain(dav.users.alice!);
    expect(await ask(a.deps, { type: 'team.test' })).toEqual({ ok: true, value: { result: { ok: true } } });
    await ask(b.deps, { type: 'team.configure', patch: { enabled: true, url, user: 'bob', password: dav.users.bob, displayName: 'Bolat' } });

    const mine = await claim(a.deps.db, 'The hearing was postponed to December', { note: 'n' });
    const before = await ask<{ status: TeamStatus }>(a.deps, { type: 'team.status' });
    expect(before).toMatchObject({ ok: true, value: { status: { pending: 1, queuedParts: 0 } } });
    const synced = await ask<{ report: { ok: boolean; uploaded: number } }>(a.deps, { type: 'team.sync' });
    expect(synced).toMatchObject({ ok: true, value: { report: { ok: true, uploaded: 1 } } });
    expect(a.events.filter((e) => e.event === 'team.status').at(-1)).toMatchObject({ status: { running: false, pending: 0, failure: null } });

    await ask(b.deps, { type: 'team.sync' });
    expect(b.events).toContainEqual({ event: 'annotations.changed', pageId: expect.any(String) });
    const status = await ask<{ members: { name: string }[] }>(b.deps, { type: 'team.status' });
    expect(status).toMatchObject({ ok: true, value: { members: [{ name: 'Aigerim' }] } });
    expect(await ask(b.deps, { type: 'annotation.update', id: mine.id, body: { note: 'mine now' } })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await ask(b.deps, { type: 'annotation.delete', id: mine.id })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const copy = await ask<{ annotation: { id: string; author?: unknown; body: { note: string } } }>(b.deps, { type: 'team.copyClaim', id: mine.id });
    expect(copy.ok && copy.value.annotation.author).toBeUndefined();
    expect(copy.ok && copy.value.annotation.id).not.toBe(mine.id);
    expect(await b.deps.db.annotations.count()).toBe(2);

    // Another folder: everything is published again there.
    await ask(a.deps, { type: 'team.configure', patch: { url: `${dav.url}handlers-2/` } });
    expect(await a.deps.db.teamPublished.count()).toBe(0);
    const moved = await ask<{ report: { ok: boolean; uploaded: number; failure?: unknown } }>(a.deps, { type: 'team.sync' });
    expect(moved).toMatchObject({ ok: true, value: { report: { ok: true, uploaded: 1 } } });
  });
});

// @vitest-environment node
/**
 * The background's team requests through `handle()` (what Settings → Team, the
 * popup and the content script send), over a real Apache mod_dav.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { EMPTY_STATUS, emptyConfig, type TeamConfig, type TeamStatus } from '../../utils/team/config';
import type { Event } from '../../utils/messages';
import { DAV_KINDS, startDav, type DavServer } from '../e2e/dav-server';
import { claim, cleanInNode, freshDb } from './team-helpers';
import { DavClient } from '../../utils/team/dav';

let dav: DavServer;

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

describe.each(DAV_KINDS)('team requests (%s)', (kind) => {
  beforeAll(async () => {
    dav = await startDav(undefined, kind);
  });
  afterAll(async () => {
    await dav?.close();
  });

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

    // Another folder: the saved password is not taken there; typed again, everything is published again there.
    expect(await ask(a.deps, { type: 'team.configure', patch: { url: `${dav.url}handlers-2/` } })).toMatchObject({ ok: false, error: { code: 'bad-request', message: /password again/ } });
    expect(a.config().url).toBe(url);
    await ask(a.deps, { type: 'team.configure', patch: { url: `${dav.url}handlers-2/`, password: dav.users.alice } });
    expect(await a.deps.db.teamPublished.count()).toBe(0);
    const moved = await ask<{ report: { ok: boolean; uploaded: number; failure?: unknown } }>(a.deps, { type: 'team.sync' });
    expect(moved).toMatchObject({ ok: true, value: { report: { ok: true, uploaded: 1 } } });
  });

  it('the saved password goes only to the saved address: Test connection elsewhere asks for it; plain http:// needs a choice', async () => {
    const a = depsFor('alice-creds');
    await ask(a.deps, { type: 'team.configure', patch: { url: `${dav.url}`, user: 'alice', password: dav.users.alice, displayName: 'Aigerim' } });
    // A server that records every Authorization header it is sent.
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(String(req.headers.authorization ?? '') + ' ' + String(req.headers.cookie ?? ''));
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const other = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dav/`;
    try {
      const res = await ask(a.deps, { type: 'team.test', url: other, user: 'alice' });
      expect(res).toMatchObject({ ok: false, error: { code: 'bad-request', message: /Type the password/ } });
      const asUser = await ask(a.deps, { type: 'team.test', url: dav.url, user: 'mallory' });
      expect(asUser).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      expect(seen).toEqual([]);
      // Typed for that address: sent there (and only that one).
      await ask(a.deps, { type: 'team.test', url: other, user: 'alice', password: 'typed-for-other' });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.join('\n')).not.toContain(Buffer.from(`alice:${dav.users.alice}`).toString('base64'));
      // The saved address still works with the saved password.
      expect(await ask(a.deps, { type: 'team.test' })).toEqual({ ok: true, value: { result: { ok: true } } });
    } finally {
      server.close();
    }
    // Plain http:// to another computer: refused until the reader chooses to send the password unencrypted.
    const clear = 'http://192.0.2.10/remote.php/dav/files/aigerim/Saqta/';
    expect(await ask(a.deps, { type: 'team.configure', patch: { url: clear, password: 'pw' } })).toMatchObject({ ok: false, error: { message: /unencrypted/ } });
    expect(await ask(a.deps, { type: 'team.test', url: clear, user: 'alice', password: 'pw' })).toMatchObject({ ok: false, error: { message: /unencrypted/ } });
    expect(await ask(a.deps, { type: 'team.configure', patch: { url: clear, password: 'pw', plainHttp: true } })).toMatchObject({ ok: true });
    // Loopback is this computer: no choice needed (the tests' Apache).
    expect(await ask(a.deps, { type: 'team.configure', patch: { url: dav.url, password: dav.users.alice } })).toMatchObject({ ok: true });
    expect(a.config().plainHttp).toBe(false);
  });
});

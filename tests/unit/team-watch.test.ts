// @vitest-environment node
/**
 * A shared tag must not turn the reader's browser into a colleague's fetcher
 * (issue 23), against a real Apache mod_dav. R watches the tag "watch"; M
 * shares claims tagged "watch" on an intranet page only R can reach and on a
 * public page. The watch bridge here records every fetch and whether it would
 * carry the browser's cookies (utils/ext/watch-bridge.ts turns that into
 * `credentials: 'include' | 'omit'`).
 */
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDav, type DavServer } from '../e2e/dav-server';
import { DavClient } from '../../utils/team/dav';
import { syncTeam } from '../../utils/team/sync';
import type { TeamIdentity } from '../../utils/team/sync-types';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import { checkDue, DEFAULT_WATCH, type FetchOutcome, type WatchBridge } from '../../utils/background/watch';
import { extractHtml, paragraphsOfHtml } from '../../utils/watch/extract-html';
import { isPrivateTarget, cookiesFor } from '../../utils/watch/targets';
import type { WatchSettings } from '../../utils/messages';
import type { SaqtaDB } from '../../utils/db';
import { claim, cleanInNode, freshDb, newSigner, saveCopy } from './team-helpers';
import { SEED, fixture } from '../paths';

const INTRANET = 'http://192.168.10.5/hr/salaries.html';
const INTRANET_NAME = 'http://wiki/secret-plan.html';
const PUBLIC_M = 'https://news.example.kz/2026/11/m-public';
const OWN = 'https://news.example.kz/2026/11/own-watched';
const seedHtml = readFileSync(fixture(SEED, 'index.html'));

let dav: DavServer;
beforeAll(async () => {
  dav = await startDav();
  await new DavClient({ url: dav.url, user: 'alice', password: dav.users.alice! }).mkcol('watch-team/');
});
afterAll(async () => {
  await dav?.close();
});

const client = (user: 'alice' | 'bob') => new DavClient({ url: `${dav.url}watch-team/`, user, password: dav.users[user]! });

describe('watch and team (Apache mod_dav)', () => {
  it('a colleague’s tag adds nothing to the watch list; private targets need the reader’s own yes; checks carry no cookies; watch copies stay home', async () => {
    const M = { db: freshDb('m'), id: { memberId: 'm-watch001', displayName: 'Marat', scope: { kind: 'all' }, signer: await newSigner() } as TeamIdentity };
    const R = { db: freshDb('r'), id: { memberId: 'r-watch001', displayName: 'Rustem', scope: { kind: 'all' }, signer: await newSigner() } as TeamIdentity };
    const sync = (x: { db: SaqtaDB; id: TeamIdentity }, user: 'alice' | 'bob') => syncTeam(x.db, client(user), x.id, { software: 'Saqta test', clean: cleanInNode });
    await claim(M.db, 'Salaries of the department', { url: INTRANET, tags: ['watch'] });
    await claim(M.db, 'The plan', { url: INTRANET_NAME, tags: ['watch'] });
    await claim(M.db, 'A public claim of M’s', { url: PUBLIC_M, tags: ['watch'] });
    expect((await sync(M, 'alice')).ok).toBe(true);
    const own = await claim(R.db, 'A claim R watches', { url: OWN, tags: ['watch'] });
    await saveCopy(R.db, OWN);
    await sync(R, 'bob');
    expect(await R.db.annotations.count()).toBe(4);

    // R's watch: the tag "watch"; the bridge records each fetch and its cookies.
    let settings: WatchSettings = { ...DEFAULT_WATCH, tags: ['watch'] };
    const fetched: { url: string; cookies: boolean }[] = [];
    let served: (url: string) => FetchOutcome = (url) => ({ ok: true, status: 200, finalUrl: url, bytes: new Uint8Array(seedHtml), mime: 'text/html' });
    const bridge: WatchBridge = {
      fetchPage: async (url, opts) => {
        fetched.push({ url, cookies: !!opts?.cookies });
        return served(url);
      },
      extract: async (html, url, snap) => extractHtml(html, url, snap, new JSDOM('', { url }).window as unknown as Window & typeof globalThis),
      paragraphs: async (html) => paragraphsOfHtml(html, new JSDOM('').window as unknown as Window & typeof globalThis),
      tabHtml: async () => ({ html: '', url: OWN }),
      fetchResource: async () => null,
      notify: async () => undefined,
      browser: async () => 'Node test',
      text: (key) => key,
    };
    const deps: HandlerDeps = {
      db: R.db,
      version: '9.9.9',
      broadcast: () => undefined,
      storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }),
      watch: { settings: { get: async () => settings, set: async (p) => (settings = { ...settings, ...p }) }, bridge },
    };
    const ask = (msg: Record<string, unknown>) => handle(msg, deps) as Promise<{ ok: boolean; value?: Record<string, unknown> }>;

    // 1. Only R's own tagged page is watched; it is fetched without cookies.
    expect(await ask({ type: 'watch.settings' })).toMatchObject({ ok: true, value: { watched: 1 } });
    await checkDue(deps, { force: true });
    expect(fetched).toEqual([{ url: OWN, cookies: false }]);

    // 2. R says yes to M's public page and to the intranet page (the exact pages): now they are checked, still without cookies.
    const pageOf = async (url: string) => (await R.db.pages.filter((p) => p.url === url).first())!.id;
    fetched.length = 0;
    expect((await ask({ type: 'watch.checkNow', pageId: await pageOf(INTRANET) })).value).toMatchObject({ check: { outcome: 'error', error: 'private-target' } });
    expect(fetched).toEqual([]);
    await ask({ type: 'watch.set', pageId: await pageOf(INTRANET), watched: true });
    await ask({ type: 'watch.set', pageId: await pageOf(PUBLIC_M), watched: true });
    await checkDue(deps, { force: true });
    expect(fetched.map((f) => f.url).sort()).toEqual([INTRANET, OWN, PUBLIC_M].sort());
    expect(fetched.every((f) => !f.cookies)).toBe(true);
    // The single-label intranet name (only reachable inside R's network) was never fetched.
    expect(fetched.some((f) => f.url === INTRANET_NAME)).toBe(false);

    // 3. A public page that redirects into the private network: dropped unread, nothing saved.
    served = (url) => ({ ok: true, status: 200, finalUrl: url === PUBLIC_M ? 'http://10.0.0.7/admin' : url, bytes: new Uint8Array(seedHtml), mime: 'text/html' });
    const before = await R.db.captures.count();
    const redirected = await ask({ type: 'watch.checkNow', pageId: await pageOf(PUBLIC_M) });
    expect(redirected.value).toMatchObject({ check: { outcome: 'error', error: 'private-redirect' } });
    expect(await R.db.captures.count()).toBe(before);

    // 4. Cookies only for the sites R named.
    fetched.length = 0;
    await ask({ type: 'watch.configure', settings: { cookieSites: ['https://news.example.kz/'] } });
    await checkDue(deps, { force: true });
    expect(fetched.find((f) => f.url === OWN)?.cookies).toBe(true);
    expect(fetched.find((f) => f.url === INTRANET)?.cookies).toBe(false);

    // 5. What the checks saved (the intranet page among them) is not published: M reads nothing of it.
    const watchCopies = (await R.db.captures.toArray()).filter((c) => c.notes?.by === 'watch');
    expect(watchCopies.length).toBeGreaterThan(0);
    const rSync = await sync(R, 'bob');
    expect(rSync.ok).toBe(true);
    await sync(M, 'alice');
    for (const c of watchCopies) expect(await M.db.captures.get(c.id)).toBeUndefined();
    const onServer = JSON.stringify(
      (await client('alice').propfind('saqta/r-watch001/', 1))!.map((e) => e.path),
    );
    for (const f of (await client('alice').propfind('saqta/r-watch001/', 1))!.filter((e) => e.path.endsWith('.saqta'))) {
      const got = await client('alice').get(f.path, { max: 50_000_000 });
      const text = got && got !== 'unchanged' ? Buffer.from(got.data).toString('latin1') : '';
      expect(text).not.toContain('192.168.10.5');
    }
    expect(onServer).toContain('manifest.json');
    expect((await M.db.annotations.toArray()).some((a) => a.id === own.id)).toBe(true);
  });

  it('knows private targets by their written address, and cookies by site', () => {
    for (const u of ['http://127.0.0.1/', 'http://localhost:8080/', 'http://10.1.2.3/', 'http://172.20.0.1/', 'http://192.168.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[fd00::1]/', 'http://[::ffff:10.0.0.1]/', 'http://wiki/', 'http://printer.local/', 'http://git.corp/', 'http://2130706433/', 'http://0x7f000001/'])
      expect(isPrivateTarget(u), u).toBe(true);
    for (const u of ['https://news.example.kz/', 'http://8.8.8.8/', 'https://[2001:db8::1]/', 'https://172.32.0.1/']) expect(isPrivateTarget(u), u).toBe(false);
    expect(cookiesFor('https://www.news.example.kz/a', ['news.example.kz'])).toBe(true);
    expect(cookiesFor('https://evilnews.example.kz/a', ['news.example.kz'])).toBe(false);
    expect(cookiesFor('https://news.example.kz/a', [])).toBe(false);
  });
});

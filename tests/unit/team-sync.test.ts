// @vitest-environment node
/**
 * Team sync against a real WebDAV server: Apache httpd + mod_dav started in a
 * temporary folder (tests/e2e/dav-server.ts). Two (or three) libraries in
 * fake IndexedDB share one team folder through utils/team/.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DAV_KINDS, startDav, type DavServer } from '../e2e/dav-server';
import { DavClient } from '../../utils/team/dav';
import { syncTeam } from '../../utils/team/sync';
import type { TeamIdentity } from '../../utils/team/sync-types';
import { testConnection } from '../../utils/team/connection';
import { pendingChanges } from '../../utils/team/publish';
import { newSalt } from '../../utils/team/crypto';
import { toBase64 } from '../../utils/team/part';
import { updateAnnotation, deleteAnnotation } from '../../utils/store/annotations';
import type { SaqtaDB } from '../../utils/db';
import { claim, cleanInNode, freshDb, newSigner, saveCopy } from './team-helpers';

let dav: DavServer;

/** Each test has a team folder of its own on the server. */
let folder = '';
let folders = 0;
async function newTeamFolder(): Promise<void> {
  folder = `team-${++folders}/`;
  await new DavClient({ url: dav.url, user: 'alice', password: dav.users.alice! }).mkcol(folder);
}
beforeEach(newTeamFolder);

const client = (user: 'alice' | 'bob', opts: { password?: string; url?: string; fetch?: typeof fetch } = {}) =>
  new DavClient({ url: opts.url ?? `${dav.url}${folder}`, user, password: opts.password ?? dav.users[user]!, fetch: opts.fetch });

/** One signing key per member id for the whole file (a member's install keeps its key). */
const signers = new Map<string, Promise<Awaited<ReturnType<typeof newSigner>>>>();
const signerOf = (memberId: string) => {
  if (!signers.has(memberId)) signers.set(memberId, newSigner());
  return signers.get(memberId)!;
};
const who = (memberId: string, displayName: string, extra: Partial<TeamIdentity> = {}) => ({ memberId, displayName, scope: { kind: 'all' } as const, ...extra });
const sync = async (db: SaqtaDB, c: DavClient, id: Omit<TeamIdentity, 'signer'> & { signer?: TeamIdentity['signer'] }) =>
  syncTeam(db, c, { ...id, signer: id.signer ?? (await signerOf(id.memberId)) }, { software: 'Saqta test', clean: cleanInNode });

/** Every file under the team folder on disk, relative. */
function serverFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  if (existsSync(join(dav.root, folder, 'saqta'))) walk(join(dav.root, folder, 'saqta'), 'saqta/');
  return out.sort();
}

describe.each(DAV_KINDS)('team sync through WebDAV (%s)', (kind) => {
  beforeAll(async () => {
    dav = await startDav(undefined, kind);
  });
  afterAll(async () => {
    await dav?.close();
  });

  it('shares claims, notes, deletions and saved copies; a sync with nothing new reads only manifests', async () => {
    const a = freshDb('alice');
    const b = freshDb('bob');
    const alice = who('alice-1a2b3c', 'Aigerim');
    const bob = who('bob-4d5e6f', 'Bolat');
    const c1 = await claim(a, 'The hearing was postponed to December', { tags: ['court'], note: 'check the date' });
    const c2 = await claim(a, 'Three journalists were detained', { tags: ['arrest'] });
    await saveCopy(a);

    const first = await sync(a, client('alice'), alice);
    expect(first.ok, JSON.stringify(first.failure)).toBe(true);
    expect(first.uploaded).toBe(1);
    expect(serverFiles()).toEqual(['saqta/alice-1a2b3c/manifest.json', expect.stringMatching(/^saqta\/alice-1a2b3c\/part-000001-[0-9a-f]{8}\.saqta$/)]);

    const got = await sync(b, client('bob'), bob);
    expect(got.ok, JSON.stringify(got.failure)).toBe(true);
    expect(got.merged).toEqual([expect.objectContaining({ member: 'alice-1a2b3c', claims: 2, captures: 1 })]);
    const seen = await b.annotations.toArray();
    expect(seen.map((x) => x.id).sort()).toEqual([c1.id, c2.id].sort());
    // Unconfirmed until Bob compares Aigerim's fingerprint (Settings → Team).
    for (const x of seen) expect(x.author).toEqual({ id: 'alice-1a2b3c', name: 'Aigerim', unconfirmed: true });
    expect((await b.annotations.get(c1.id))?.body).toMatchObject({ note: 'check the date', tags: ['court'] });
    const copies = await b.captures.toArray();
    expect(copies).toHaveLength(1);
    expect(copies[0]!.author).toEqual({ id: 'alice-1a2b3c', name: 'Aigerim', unconfirmed: true, fingerprint: (await signerOf('alice-1a2b3c')).fingerprint });
    expect(await b.blobs.count()).toBe(2);
    // Bob publishes nothing of Alice's: nothing of his own is pending, nothing of his is on the server.
    expect((await pendingChanges(b, { kind: 'all' })).claims).toEqual([]);
    expect(serverFiles().filter((f) => f.startsWith('saqta/bob-'))).toEqual([]);

    // Nothing new: a folder listing and one conditional GET of Alice's manifest (304), no part.
    const idle = await sync(b, client('bob'), bob);
    expect(idle.ok).toBe(true);
    expect(idle.manifests).toEqual({ read: 0, unchanged: 1 });
    expect(idle.stats.requests).toBe(2);
    expect(idle.merged).toEqual([]);
    const idleA = await sync(a, client('alice'), alice);
    expect(idleA.uploaded).toBe(0);
    // Her own folder's listing (is every part she listed still there?) and the team listing: Bob has shared nothing, so there is no manifest of his to read.
    expect(idleA.stats.requests).toBe(2);

    // Alice edits a note: the next part carries that claim only; Bob sees the edit.
    await updateAnnotation(a, c1.id, { note: 'the court said 12 December' });
    const edit = await sync(a, client('alice'), alice);
    expect(edit.uploaded).toBe(1);
    const after = await sync(b, client('bob'), bob);
    expect(after.merged).toEqual([expect.objectContaining({ claims: 1, deleted: 0, captures: 0 })]);
    expect((await b.annotations.get(c1.id))?.body.note).toBe('the court said 12 December');

    // Alice deletes a claim: a tombstone; Bob no longer has it.
    await deleteAnnotation(a, c2.id);
    await sync(a, client('alice'), alice);
    const del = await sync(b, client('bob'), bob);
    expect(del.merged).toEqual([expect.objectContaining({ claims: 0, deleted: 1 })]);
    expect(await b.annotations.get(c2.id)).toBeUndefined();
    expect(await b.annotations.count()).toBe(1);

    // Bob's own claim on the same article is published as his, and Alice sees it as Bob's.
    const mine = await claim(b, 'postponed to December', { note: 'mine' });
    await sync(b, client('bob'), bob);
    await sync(a, client('alice'), alice);
    expect((await a.annotations.get(mine.id))?.author).toEqual({ id: 'bob-4d5e6f', name: 'Bolat', unconfirmed: true });
    expect((await a.annotations.get(c1.id))?.author).toBeUndefined();
  });

  it('a server stopped mid-upload loses nothing, shows no partial part, and the next sync completes', async () => {
    const a = freshDb('alice');
    const b = freshDb('bob');
    const alice = who('alice-cut001', 'Aigerim');
    const bob = who('bob-cut001', 'Bolat');
    await claim(a, 'The ministry denied the report', { tags: ['denial'] });
    expect((await sync(a, client('alice'), alice)).ok).toBe(true);
    await sync(b, client('bob'), bob);
    expect(await b.annotations.count()).toBe(1);

    const late = await claim(a, 'Parliament will vote on Friday');
    await saveCopy(a, 'https://news.example.kz/2026/11/vote');
    // Stop the real server right after the part's bytes went up, before its MOVE.
    let stopped = false;
    const cutting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!stopped && init?.method === 'PUT' && String(input).includes('.tmp-') && String(input).includes('part-')) {
        stopped = true;
        await dav.stop();
      }
      return res;
    };
    const cut = await sync(a, client('alice', { fetch: cutting }), alice);
    expect(stopped).toBe(true);
    expect(cut.ok).toBe(false);
    expect(cut.failure?.kind).toBe('offline');
    expect(cut.queued).toBe(1);

    await dav.start();
    // Bob sees no part that is not whole: only the first part is listed, the temporary file is not read.
    const during = await sync(b, client('bob'), bob);
    expect(during.ok).toBe(true);
    expect(during.merged).toEqual([]);
    expect(await b.annotations.get(late.id)).toBeUndefined();
    expect(serverFiles().some((f) => f.includes('.tmp-'))).toBe(true);

    // Alice's next sync completes from her queue (the claim was not lost), and Bob gets it.
    const resumed = await sync(a, client('alice'), alice);
    expect(resumed.ok, JSON.stringify(resumed.failure)).toBe(true);
    expect(resumed.uploaded).toBe(1);
    expect(resumed.queued).toBe(0);
    const got = await sync(b, client('bob'), bob);
    expect(got.merged).toEqual([expect.objectContaining({ claims: 1, captures: 1 })]);
    expect((await b.annotations.get(late.id))?.author?.name).toBe('Aigerim');
  });

  it('refuses a corrupted part with a message and merges the others', async () => {
    const a = freshDb('alice');
    const c = freshDb('carol');
    const alice = who('alice-bad001', 'Aigerim');
    const one = await claim(a, 'First claim of the day');
    await sync(a, client('alice'), alice);
    const two = await claim(a, 'Second claim of the day', { url: 'https://news.example.kz/other' });
    await sync(a, client('alice'), alice);
    const parts = serverFiles().filter((f) => f.startsWith('saqta/alice-bad001/part-'));
    expect(parts).toHaveLength(2);
    // Change one byte of the first part on the server's disk.
    const file = join(dav.root, folder, parts[0]!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 30] ^= 0xff;
    writeFileSync(file, bytes);

    const got = await sync(c, client('bob'), who('carol-00001', 'Carol'));
    expect(got.ok).toBe(true);
    expect(got.refused).toEqual([expect.objectContaining({ member: 'alice-bad001', memberName: 'Aigerim', part: parts[0]!.split('/').pop(), kind: 'hash', reason: expect.stringMatching(/does not match its signed hash/) })]);
    expect(got.merged).toEqual([expect.objectContaining({ name: parts[1]!.split('/').pop(), claims: 1 })]);
    expect(await c.annotations.get(one.id)).toBeUndefined();
    expect(await c.annotations.get(two.id)).toBeDefined();
    // Refused once, reported once: the next sync does not download it again.
    const again = await sync(c, client('bob'), who('carol-00001', 'Carol'));
    expect(again.stats.requests).toBe(2);
  });

  it('a wrong password gives "auth", changes nothing in the library or on the server', async () => {
    const b = freshDb('bob');
    await claim(b, 'A claim that stays here');
    const before = serverFiles();
    const res = await sync(b, client('bob', { password: 'wrong' }), who('bob-wrongpw', 'Bolat'));
    expect(res.ok).toBe(false);
    expect(res.failure).toMatchObject({ kind: 'auth', status: 401 });
    expect(serverFiles()).toEqual(before);
    expect(await b.annotations.count()).toBe(1);
    expect(res.merged).toEqual([]);
  });

  it('with a team passphrase the server holds no readable claim, and colleagues with it merge', async () => {
    const salt = toBase64(newSalt());
    const a = freshDb('alice');
    const b = freshDb('bob');
    const e = freshDb('eve');
    const alice = who('alice-e2e001', 'Aigerim', { passphrase: 'correct horse battery', salt, iterations: 1000 });
    const secret = await claim(a, 'Secret source confirmed the list', { note: 'protect the source' });
    expect((await sync(a, client('alice'), alice)).ok).toBe(true);
    for (const f of serverFiles().filter((x) => x.startsWith('saqta/alice-e2e001/'))) {
      const text = readFileSync(join(dav.root, folder, f)).toString('latin1');
      expect(text).not.toContain('Secret source');
      expect(text).not.toContain('protect the source');
      expect(text).not.toContain('Aigerim');
    }
    const got = await sync(b, client('bob'), who('bob-e2e001', 'Bolat', { passphrase: 'correct horse battery', salt: toBase64(newSalt()), iterations: 1000 }));
    expect(got.merged).toHaveLength(1);
    expect((await b.annotations.get(secret.id))?.body.note).toBe('protect the source');
    // Without the passphrase: the manifest is refused as undecryptable, nothing merges.
    const eve = await sync(e, client('bob'), who('eve-e2e001', 'Eve', { passphrase: 'guess', salt, iterations: 1000 }));
    expect(eve.refused).toEqual(expect.arrayContaining([expect.objectContaining({ member: 'alice-e2e001', kind: 'decrypt' })]));
    expect(await e.annotations.count()).toBe(0);
  });

  it('shares only claims with the chosen tags, and withdraws a claim whose tag is removed', async () => {
    const a = freshDb('alice');
    const b = freshDb('bob');
    const alice = who('alice-tag001', 'Aigerim', { scope: { kind: 'tags', tags: ['Court'] } });
    const shared = await claim(a, 'Shared claim about the court', { tags: ['court'] });
    const privateClaim = await claim(a, 'Private claim not for the team', { tags: ['draft'] });
    await sync(a, client('alice'), alice);
    await sync(b, client('bob'), who('bob-tag001', 'Bolat'));
    expect(await b.annotations.get(shared.id)).toBeDefined();
    expect(await b.annotations.get(privateClaim.id)).toBeUndefined();
    await updateAnnotation(a, shared.id, { tags: [] });
    await sync(a, client('alice'), alice);
    await sync(b, client('bob'), who('bob-tag001', 'Bolat'));
    expect(await b.annotations.get(shared.id)).toBeUndefined();
  });

  it('Test connection says what is wrong', async () => {
    expect(await testConnection(client('alice'))).toEqual({ ok: true });
    expect(await testConnection(client('alice', { password: 'nope' }))).toMatchObject({ ok: false, kind: 'auth', status: 401 });
    expect(await testConnection(client('alice', { url: `${dav.url}denied/` }))).toMatchObject({ ok: false, kind: 'forbidden', status: 403 });
    expect(await testConnection(client('alice', { url: `${dav.url}no-such-folder/` }))).toMatchObject({ ok: false, kind: 'not-found', status: 404 });
    expect(await testConnection(client('alice', { url: `${dav.origin}/static/` }))).toMatchObject({ ok: false, kind: 'not-dav' });
    expect(await testConnection(client('alice', { url: 'http://127.0.0.1:9/dav/' }))).toMatchObject({ ok: false, kind: 'offline' });
  });

  it('heals a folder that lost a part or the whole member folder: the next sync publishes again, and a colleague who joins later gets everything', async () => {
    const a = freshDb('alice');
    const alice = who('alice-heal01', 'Aigerim');
    const c1 = await claim(a, 'First claim before the loss');
    await sync(a, client('alice'), alice);
    const c2 = await claim(a, 'Second claim before the loss', { url: 'https://news.example.kz/heal' });
    await sync(a, client('alice'), alice);
    const parts = serverFiles().filter((f) => f.startsWith('saqta/alice-heal01/part-'));
    expect(parts).toHaveLength(2);
    // Someone deletes part 1 on the server.
    rmSync(join(dav.root, folder, parts[0]!));
    const healed = await sync(a, client('alice'), alice);
    expect(healed.ok, JSON.stringify(healed.failure)).toBe(true);
    expect(healed.uploaded).toBe(1);
    const late = freshDb('late');
    const got = await sync(late, client('bob'), who('late-0001', 'Late'));
    expect(await late.annotations.get(c1.id)).toBeDefined();
    expect(await late.annotations.get(c2.id)).toBeDefined();
    expect(got.refused).toEqual([expect.objectContaining({ kind: 'hash', reason: expect.stringMatching(/missing/) })]);
    // The whole member folder deleted: the next sync makes it again and publishes everything.
    rmSync(join(dav.root, folder, 'saqta/alice-heal01'), { recursive: true, force: true });
    const again = await sync(a, client('alice'), alice);
    expect(again.ok, JSON.stringify(again.failure)).toBe(true);
    expect(serverFiles().filter((f) => f.startsWith('saqta/alice-heal01/'))).toContain('saqta/alice-heal01/manifest.json');
    const later = freshDb('later');
    await sync(later, client('bob'), who('later-0001', 'Later'));
    expect(await later.annotations.get(c1.id)).toBeDefined();
    expect(await later.annotations.get(c2.id)).toBeDefined();
  });
});

// @vitest-environment node
/**
 * A hostile colleague and a hostile server (issue 23), against a real Apache
 * mod_dav. M has an ordinary account on the team folder and runs a Saqta of
 * their own making (any member id, any key, hand-made parts); A is honest; R
 * is the reader. The server (S) writes on its own disk. After every attack:
 * R's library is what it was plus what honest members sent, and A's honest
 * parts after the attack still arrive.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DAV_KINDS, startDav, type DavServer } from '../e2e/dav-server';
import { DavClient } from '../../utils/team/dav';
import { syncTeam } from '../../utils/team/sync';
import { confirmMember, resetMember } from '../../utils/team/colleagues';
import type { TeamIdentity } from '../../utils/team/sync-types';
import { newSalt } from '../../utils/team/crypto';
import { fromBase64, partName, toBase64 } from '../../utils/team/part';
import { keyChangeText, keyFingerprint, signText } from '../../utils/team/sign';
import { deleteAnnotation } from '../../utils/store/annotations';
import type { SaqtaDB } from '../../utils/db';
import { claim, cleanInNode, freshDb, newSigner, saveCopy } from './team-helpers';
import { collectArticles } from '../../utils/export/collect';
import { readerHtml } from '../../utils/export/html';
import { handle } from '../../utils/background/handle';
import { pageKeys } from '../../utils/url';

let dav: DavServer;

let folder = '';
let folders = 0;
beforeEach(async () => {
  folder = `hostile-${++folders}/`;
  await new DavClient({ url: dav.url, user: 'alice', password: dav.users.alice! }).mkcol(folder);
});

type Signer = Awaited<ReturnType<typeof newSigner>>;
interface Member {
  db: SaqtaDB;
  id: TeamIdentity;
  user: 'alice' | 'bob';
}
const client = (user: 'alice' | 'bob') => new DavClient({ url: `${dav.url}${folder}`, user, password: dav.users[user]! });
const sync = (m: Member) => syncTeam(m.db, client(m.user), m.id, { software: 'Saqta test', clean: cleanInNode });

async function member(name: string, memberId: string, user: 'alice' | 'bob', extra: Partial<TeamIdentity> = {}, signer?: Signer): Promise<Member> {
  return { db: freshDb(name), user, id: { memberId, displayName: name, scope: { kind: 'all' }, signer: signer ?? (await newSigner()), ...extra } };
}

/** Everything a reader sees of their library: claims (with author, note, dates) and copies (with author, time). */
async function libraryOf(db: SaqtaDB) {
  const claims = (await db.annotations.toArray()).map((a) => ({ id: a.id, author: a.author, note: a.body.note, tags: a.body.tags, created: a.created, quote: a.target.selector }));
  const copies = (await db.captures.toArray()).map((c) => ({ id: c.id, author: c.author, at: c.capturedAt, pageId: c.pageId }));
  return { claims: claims.sort((x, y) => x.id.localeCompare(y.id)), copies: copies.sort((x, y) => x.id.localeCompare(y.id)) };
}

const onDisk = (rel: string) => join(dav.root, folder, rel);
/**
 * nginx's ETag is the file's time in whole seconds and its size: a manifest
 * replaced within the second R read it, by one of the same length, answers R's
 * conditional GET with 304 (R reads nothing new, so nothing is merged — but the
 * attack would then not be tried). The attacker waits for the next second.
 */
const nextSecond = () => new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000)));
function partsOf(memberId: string): string[] {
  const dir = onDisk(`saqta/${memberId}`);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('part-')).sort() : [];
}

/** A, honest, with two claims and a copy; R has read them and has claims and a copy of their own. */
async function honestTeam(extra: Partial<TeamIdentity> = {}) {
  const A = await member('Aigerim', 'a-honest01', 'alice', extra);
  const R = await member('Rustem', 'r-reader01', 'bob', extra);
  const a1 = await claim(A.db, 'The hearing was postponed to December', { note: 'from the court clerk' });
  const a2 = await claim(A.db, 'Three journalists were detained', { tags: ['watch'] });
  await saveCopy(A.db);
  expect((await sync(A)).ok).toBe(true);
  const r1 = await claim(R.db, 'My own claim on the report', { note: 'R wrote this' });
  const rCopy = await saveCopy(R.db, 'https://news.example.kz/2026/11/own', '<article><p>R saved this page.</p></article>');
  const first = await sync(R);
  expect(first.merged).toEqual([expect.objectContaining({ member: 'a-honest01', claims: 2, captures: 1 })]);
  return { A, R, a1, a2, r1, rCopy };
}

/** A's next honest claim, published; R's sync must merge it. */
async function honestAfter(A: Member, R: Member) {
  const later = await claim(A.db, 'The verdict is due on Monday', { url: 'https://news.example.kz/2026/12/verdict' });
  expect((await sync(A)).ok).toBe(true);
  const got = await sync(R);
  expect(got.merged).toEqual(expect.arrayContaining([expect.objectContaining({ member: 'a-honest01', claims: 1 })]));
  expect((await R.db.annotations.get(later.id))?.author?.id).toBe('a-honest01');
  return got;
}

describe.each(DAV_KINDS)('a hostile colleague cannot speak for someone else (%s)', (kind) => {
  beforeAll(async () => {
    dav = await startDav(undefined, kind);
  });
  afterAll(async () => {
    await dav?.close();
  });

  for (const withPassphrase of [false, true]) {
    it(`M writing as A (forged tombstone and "retraction") is refused${withPassphrase ? ', with a team passphrase M holds too' : ''}; A's next part arrives`, async () => {
      const extra: Partial<TeamIdentity> = withPassphrase ? { passphrase: 'the whole team knows this', salt: toBase64(newSalt()), iterations: 1000 } : {};
      const { A, R, a1 } = await honestTeam(extra);
      const before = await libraryOf(R.db);
      // M runs a Saqta that says it is A: A's member id and display name, M's own key, into A's folder.
      await nextSecond();
      const M = await member('Aigerim', 'a-honest01', 'bob', extra);
      await M.db.teamPublished.put({ key: `a:${a1.id}`, hash: 'x' }); // a tombstone for A's claim
      await claim(M.db, 'The hearing was postponed to December', { note: 'RETRACTION: I made this up' });
      expect((await sync(M)).ok).toBe(true);
      const attacked = await sync(R);
      expect(attacked.ok).toBe(true);
      expect(attacked.merged).toEqual([]);
      expect(attacked.refused).toEqual([expect.objectContaining({ member: 'a-honest01', part: 'manifest.json', kind: 'unknown-key', reason: expect.stringMatching(/another key/) })]);
      expect(await libraryOf(R.db)).toEqual(before);
      // The forged key is kept aside for the reader to look at; A's key stays.
      const rec = await R.db.teamMembers.get('a-honest01');
      expect(rec?.key).toBe(A.id.signer.spki);
      expect(rec?.otherKeys?.map((o) => o.key)).toEqual([M.id.signer.spki]);
      // Remembered: the same forged manifest is not read again.
      const again = await sync(R);
      expect(again.refused).toEqual([]);
      expect(again.manifests).toEqual({ read: 0, unchanged: 1 });
      // A's honest parts after the attack still arrive (no lock-out), and A's claim is still there.
      await honestAfter(A, R);
      expect((await R.db.annotations.get(a1.id))?.body.note).toBe('from the court clerk');
    });
  }

  it('a manifest naming A’s key but signed by M, and a reordered manifest, are refused as forged', async () => {
    const { A, R } = await honestTeam();
    const before = await libraryOf(R.db);
    const path = onDisk('saqta/a-honest01/manifest.json');
    const genuine = readFileSync(path, 'utf8');
    // Keep A's public key, sign with M's: the signature does not verify.
    await nextSecond();
    const M = await member('Aigerim', 'a-honest01', 'bob');
    await claim(M.db, 'A claim M wants to pass as A’s');
    await sync({ ...M, id: { ...M.id, signer: { privateKey: M.id.signer.privateKey, spki: A.id.signer.spki } } });
    const forged = await sync(R);
    expect(forged.refused).toEqual([expect.objectContaining({ part: 'manifest.json', kind: 'signature' })]);
    // A's genuine manifest with its parts reordered (numbers swapped): the signature no longer covers it.
    const m = JSON.parse(genuine) as { parts: { seq: number; name: string }[] };
    m.parts = [...m.parts, { ...m.parts[0]!, seq: 2 }];
    writeFileSync(path, JSON.stringify(m));
    const reordered = await sync(R);
    expect(reordered.refused).toEqual([expect.objectContaining({ part: 'manifest.json', kind: 'signature' })]);
    expect(await libraryOf(R.db)).toEqual(before);
    await honestAfter(A, R);
  });

  it('replaying A’s parts: an old manifest put back, an old part under a new name, resurrect nothing', async () => {
    const { A, R, a2 } = await honestTeam();
    const path = onDisk('saqta/a-honest01/manifest.json');
    const old = readFileSync(path);
    const [part1] = partsOf('a-honest01');
    await deleteAnnotation(A.db, a2.id);
    expect((await sync(A)).ok).toBe(true);
    expect((await sync(R)).merged).toEqual([expect.objectContaining({ deleted: 1 })]);
    expect(await R.db.annotations.get(a2.id)).toBeUndefined();
    const before = await libraryOf(R.db);
    // The server (or M) puts A's first manifest back, and part 1's bytes under the name a part 3 would have.
    writeFileSync(path, old);
    const bytes = readFileSync(onDisk(`saqta/a-honest01/${part1}`));
    writeFileSync(onDisk(`saqta/a-honest01/${partName(3, 'ab'.repeat(32))}`), bytes);
    const replayed = await sync(R);
    expect(replayed.merged).toEqual([]);
    expect(await R.db.annotations.get(a2.id)).toBeUndefined();
    // An older manifest never renames the member either.
    expect((await R.db.teamMembers.get('a-honest01'))?.name).toBe('Aigerim');
    // The same old part listed as part 3 in a manifest: only A's key can sign that, and M's signature is refused.
    const m = JSON.parse(old.toString('utf8')) as { parts: Record<string, unknown>[] };
    m.parts.push({ ...m.parts[0]!, seq: 3, name: partName(3, String(m.parts[0]!.hash).slice(7)) });
    writeFileSync(path, JSON.stringify(m));
    const listed = await sync(R);
    expect(listed.refused).toEqual([expect.objectContaining({ kind: 'signature' })]);
    expect(await libraryOf(R.db)).toEqual(before);
    await honestAfter(A, R);
  });

  it('a fork (two parts numbered alike, both signed by A’s key) is shown as a conflict, not merged', async () => {
    const { A, R } = await honestTeam();
    // A's install restored from a backup of before part 1: it publishes another part 1 with A's key.
    await nextSecond();
    const clone: Member = { ...A, db: freshDb('aigerim-clone') };
    const forked = await claim(clone.db, 'A claim from the restored profile');
    expect((await sync(clone)).ok).toBe(true);
    const got = await sync(R);
    expect(got.refused).toEqual([expect.objectContaining({ member: 'a-honest01', kind: 'fork', reason: expect.stringMatching(/Two different parts numbered 1/) })]);
    expect(await R.db.annotations.get(forked.id)).toBeUndefined();
    expect((await R.db.teamMembers.get('a-honest01'))?.forks).toEqual([expect.objectContaining({ seq: 1 })]);
  });

  it('M, as themself, cannot delete or change what others made, nor take over R’s ids; dated-2099 copies and active HTML do not land', async () => {
    const { A, R, a1, r1, rCopy } = await honestTeam();
    const M = await member('Marat', 'm-hostile01', 'bob');
    // 1. Tombstones for A's claim and R's own claim.
    await M.db.teamPublished.bulkPut([
      { key: `a:${a1.id}`, hash: 'x' },
      { key: `a:${r1.id}`, hash: 'x' },
    ]);
    await claim(M.db, 'An ordinary claim of M’s');
    expect((await sync(M)).ok).toBe(true);
    const tomb = await sync(R);
    expect(tomb.merged).toEqual([expect.objectContaining({ member: 'm-hostile01', claims: 1, deleted: 0 })]);
    expect(await R.db.annotations.get(a1.id)).toBeDefined();
    expect((await R.db.annotations.get(r1.id))?.body.note).toBe('R wrote this');

    // 2. R's claim id and R's capture id, re-sent as M's (relabelled, another note).
    const before = await libraryOf(R.db);
    const rClaim = (await R.db.annotations.get(r1.id))!;
    await M.db.pages.put((await R.db.pages.get(rClaim.pageId))!);
    await M.db.annotations.put({ ...rClaim, body: { ...rClaim.body, note: 'M rewrote this' } });
    const takeClaim = await sync(M);
    expect(takeClaim.uploaded).toBe(1);
    const r2 = await sync(R);
    expect(r2.refused).toEqual([expect.objectContaining({ member: 'm-hostile01', kind: 'reused-id', reason: expect.stringMatching(/your own claim/) })]);
    await M.db.annotations.delete(rClaim.id);
    await M.db.teamPublished.delete(`a:${rClaim.id}`);
    await M.db.captures.put({ ...(await R.db.captures.get(rCopy.id))!, pageId: (await M.db.pages.toArray())[0]!.id });
    for (const ref of rCopy.artifacts) await M.db.blobs.put((await R.db.blobs.get(ref.blobId))!);
    await sync(M);
    const r3 = await sync(R);
    expect(r3.refused).toEqual([expect.objectContaining({ member: 'm-hostile01', kind: 'reused-id', reason: expect.stringMatching(/your own copy/) })]);
    expect(await libraryOf(R.db)).toEqual(before);
    expect((await R.db.captures.get(rCopy.id))?.author).toBeUndefined();

    // 3. A copy dated 2099: refused, and R's "newest" copy is not M's.
    const future = await saveCopy(M.db, 'https://news.example.kz/2026/11/report', '<article><p>M’s version of the article.</p></article>');
    await M.db.captures.update(future.id, { capturedAt: '2099-01-01T00:00:00.000Z' });
    await sync(M);
    const r4 = await sync(R);
    expect(r4.refused).toEqual([expect.objectContaining({ member: 'm-hostile01', kind: 'future', reason: expect.stringMatching(/2099/) })]);
    expect(await R.db.captures.get(future.id)).toBeUndefined();

    // 3b. M's copy of R's page, newer than R's own: merged as M's, but R's views and exports show R's own copy.
    const mine = (await R.db.captures.get(rCopy.id))!;
    const newer = await saveCopy(M.db, 'https://news.example.kz/2026/11/own', '<article><p>M’s newer version.</p></article>');
    await sync(M);
    expect((await sync(R)).merged).toEqual([expect.objectContaining({ member: 'm-hostile01', captures: 1 })]);
    const theirs = (await R.db.captures.get(newer.id))!;
    expect(theirs.pageId).toBe(mine.pageId);
    expect(theirs.capturedAt > mine.capturedAt).toBe(true);
    expect(theirs.author).toEqual({ id: 'm-hostile01', name: 'Marat', unconfirmed: true, fingerprint: keyFingerprint(M.id.signer.spki) });
    const exported = [];
    for await (const art of collectArticles(R.db, [mine.pageId])) exported.push(art);
    expect(exported[0]!.articleHtml).toContain('R saved this page.');
    expect(readerHtml(exported[0]!)).toContain(`datetime="${mine.capturedAt}"`);
    const view = await handle({ type: 'page.get', keys: pageKeys('https://news.example.kz/2026/11/own') }, { db: R.db, version: '0', broadcast: () => undefined, storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }) });
    expect(view).toMatchObject({ ok: true, value: { capture: { id: mine.id } } });

    // 4. Active HTML in a copy: stored cleaned, as a file import stores it.
    const active = await saveCopy(
      M.db,
      'https://news.example.kz/2026/11/active',
      '<article><p>Text</p><img src="x" onerror="alert(1)"><script>fetch("https://m.example/steal")</script><meta http-equiv="refresh" content="0;url=https://m.example/"></article>',
    );
    await sync(M);
    const r5 = await sync(R);
    expect(r5.merged).toEqual([expect.objectContaining({ member: 'm-hostile01', captures: 1 })]);
    const stored = (await R.db.captures.get(active.id))!;
    expect(stored.author?.id).toBe('m-hostile01');
    for (const ref of stored.artifacts) {
      const text = await (await R.db.blobs.get(ref.blobId))!.data.text();
      expect(text).not.toMatch(/<script|onerror|http-equiv="refresh"/i);
      expect(text).toContain('Text');
    }
    await honestAfter(A, R);
  });

  it('a part far bigger than its signed size is cut off at that size and not downloaded again', async () => {
    const { A, R } = await honestTeam();
    const M = await member('Marat', 'm-hostile02', 'bob');
    await claim(M.db, 'A small claim');
    await sync(M);
    const [part] = partsOf('m-hostile02');
    const declared = readFileSync(onDisk(`saqta/m-hostile02/${part}`)).length;
    // 64 MB on the server's disk behind the signed size.
    writeFileSync(onDisk(`saqta/m-hostile02/${part}`), Buffer.alloc(64 * 1024 * 1024, 7));
    const got = await sync(R);
    expect(got.refused).toEqual([expect.objectContaining({ member: 'm-hostile02', kind: 'too-large' })]);
    // Cut off at the Content-Length (nothing read) or a chunk past the signed size, never the 64 MB.
    expect(got.stats.bytesDown).toBeLessThan(declared + 1024 * 1024);
    const again = await sync(R);
    expect(again.refused).toEqual([]);
    expect(again.stats.bytesDown).toBeLessThan(10_000);
    await honestAfter(A, R);
  });

  it('the server rewriting A’s manifest on its disk (new name, deleted claim back, its own key) changes nothing; keys are confirmed by fingerprint and can be reset', async () => {
    const { A, R, a2 } = await honestTeam();
    await deleteAnnotation(A.db, a2.id);
    await sync(A);
    await sync(R);
    const before = await libraryOf(R.db);
    const path = onDisk('saqta/a-honest01/manifest.json');
    const genuine = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { parts: unknown[] };
    // 1. The name changed in place (the signature stays A's).
    writeFileSync(path, JSON.stringify({ ...genuine, name: 'Aigerim (police informant)' }));
    const renamed = await sync(R);
    expect(renamed.refused).toEqual([expect.objectContaining({ kind: 'signature' })]);
    expect((await R.db.teamMembers.get('a-honest01'))?.name).toBe('Aigerim');
    // 2. Part 1 only (the deleted claim back), signed by the server's own key: a key A never signed for.
    const S = await newSigner();
    const S_A: Member = { ...(await member('Aigerim (police informant)', 'a-honest01', 'alice', {}, S)) };
    await claim(S_A.db, 'Three journalists were detained');
    await sync(S_A);
    const swapped = await sync(R);
    expect(swapped.refused).toEqual([expect.objectContaining({ kind: 'unknown-key' })]);
    expect(await libraryOf(R.db)).toEqual(before);
    expect((await R.db.teamMembers.get('a-honest01'))?.key).toBe(A.id.signer.spki);
    // 3. Without a signature at all.
    writeFileSync(path, JSON.stringify({ ...genuine, sig: undefined, version: 1 }));
    expect((await sync(R)).refused).toEqual([expect.objectContaining({ kind: 'unsigned' })]);
    expect(await libraryOf(R.db)).toEqual(before);

    // A's claims show as unconfirmed until R confirms A's fingerprint (compared out of band); a wrong one is refused.
    expect((await R.db.annotations.toArray()).filter((x) => x.author).every((x) => x.author!.unconfirmed)).toBe(true);
    expect(await confirmMember(R.db, 'a-honest01', keyFingerprint(S.spki))).toBe(false);
    expect(await confirmMember(R.db, 'a-honest01', keyFingerprint(A.id.signer.spki))).toBe(true);
    expect((await R.db.annotations.toArray()).filter((x) => x.author).some((x) => x.author!.unconfirmed)).toBe(false);
    await honestAfter(A, R);
    expect((await R.db.annotations.toArray()).filter((x) => x.author).some((x) => x.author!.unconfirmed)).toBe(false);

    // A key change A's old key signed keeps the confirmation; R's reset makes the member unconfirmed again.
    const next = await newSigner();
    const at = new Date().toISOString();
    const sig = await signText(crypto.subtle, A.id.signer.privateKey, keyChangeText('a-honest01', { from: A.id.signer.spki, to: next.spki, at }));
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(manifest.publicKey).toBe(A.id.signer.spki);
    // (A Saqta does not change its key today; the reader's rule is tested by signing the manifest by hand.)
    const { manifestText } = await import('../../utils/team/sign');
    const parts = manifest.parts as { name: string; seq: number; prev: string | null; hash: string; bytes: number; created: string; signedName: string; sig: string }[];
    const keyChange = { from: A.id.signer.spki, to: next.spki, at, sig };
    const updated = new Date(Date.now() + 1000).toISOString();
    const body = { member: 'a-honest01', name: 'Aigerim', updated, publicKey: next.spki, keyChange, parts: parts.map((p) => ({ file: p.name, member: 'a-honest01', name: p.signedName, seq: p.seq, prev: p.prev, hash: p.hash, bytes: p.bytes, created: p.created, sig: p.sig })) };
    const msig = await signText(crypto.subtle, next.privateKey, manifestText(body));
    writeFileSync(path, JSON.stringify({ ...manifest, updated, publicKey: next.spki, keyChange, sig: msig }));
    const changed = await sync(R);
    expect(changed.refused).toEqual([]);
    const rec = await R.db.teamMembers.get('a-honest01');
    expect(rec?.key).toBe(next.spki);
    expect(rec?.confirmed).toBe(keyFingerprint(next.spki));
    await resetMember(R.db, 'a-honest01');
    expect((await R.db.annotations.toArray()).filter((x) => x.author).every((x) => x.author!.unconfirmed)).toBe(true);
    expect(fromBase64(next.spki).length).toBeGreaterThan(100);
  });

  it('two members with one display name are told apart by fingerprint digits', async () => {
    const { R } = await honestTeam();
    const M = await member('Aigerim', 'm-namesake1', 'bob');
    const c = await claim(M.db, 'A claim under a borrowed name');
    await sync(M);
    await sync(R);
    const name = (await R.db.annotations.get(c.id))?.author?.name ?? '';
    expect(name).toMatch(/^Aigerim · \d{5} \d{5}$/);
  });
});

/**
 * Reading colleagues' folders (utils/team/sync.ts): each member's sealed manifest,
 * its new parts checked, decrypted and applied, key changes and refusals;
 * and the reader's confirmations of a member's key.
 */
import type { SaqtaDB } from '../db';
import { BundleError } from '../zip/errors';
import { nowIso } from '../annotation';
import { DavClient } from './dav';
import { decrypt, DecryptError, isEncrypted } from './crypto';
import { applyPart, readPartBundle } from './apply';
import { decodePart, memberDir, MANIFEST_FILE, MAX_MANIFEST_BYTES, MEMBER_ID, PartFormatError, partName, TEAM_DIR, type TeamManifest } from './part';
import type { RefusalKind, TeamMemberRecord } from './records';
import type { ClaimAuthor } from '../annotation';
import { TooLargeError } from './dav';
import { PartRefused } from './refused';
import { fingerprintDigits, keyChangeText, keyFingerprint, manifestText, partStatementText, verifyText } from './sign';
import type { SyncOptions, SyncReport, TeamIdentity } from './sync-types';
import { hex, openManifest, signedView } from './seal';

/** Colleagues' manifests fetched at once (conditional GETs, mostly 304). */
const MANIFEST_CONCURRENCY = 6;
/** A colleague's copy dated later than now by more than this is refused. */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

/** Read every colleague's new parts. */
export async function readColleagues(db: SaqtaDB, dav: DavClient, id: TeamIdentity, opts: SyncOptions, report: SyncReport): Promise<void> {
  const listing = await dav.propfind(TEAM_DIR, 1);
  if (!listing) return;
  const members = listing
    .filter((e) => e.isDir && e.path.startsWith(TEAM_DIR) && e.path !== TEAM_DIR)
    .map((e) => e.path.slice(TEAM_DIR.length).replace(/\/$/, ''))
    .filter((m) => MEMBER_ID.test(m) && m !== id.memberId)
    .sort();
  // Manifests are small conditional GETs: fetch them a few at a time, then merge parts one member after another.
  const known = new Map((await db.teamMembers.bulkGet(members)).filter((m) => !!m).map((m) => [m!.id, m!]));
  const manifests = new Array<Awaited<ReturnType<DavClient['get']>> | 'too-large'>(members.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(MANIFEST_CONCURRENCY, members.length) }, async () => {
      while (next < members.length) {
        const i = next++;
        manifests[i] = await dav.get(`${memberDir(members[i]!)}${MANIFEST_FILE}`, { etag: known.get(members[i]!)?.etag, max: MAX_MANIFEST_BYTES }).catch((err) => {
          if (err instanceof TooLargeError) return 'too-large' as const;
          throw err;
        });
      }
    }),
  );
  let done = 0;
  for (const [i, member] of members.entries()) {
    opts.onProgress?.({ phase: 'read', done: done++, total: members.length });
    const got = manifests[i]!;
    if (got === 'unchanged') {
      report.manifests.unchanged++;
      continue;
    }
    if (!got) continue; // a folder without a manifest yet: its owner's first sync was cut
    report.manifests.read++;
    const prior = known.get(member);
    if (got === 'too-large') {
      report.refused.push({ member, memberName: prior?.name ?? member, part: MANIFEST_FILE, kind: 'too-large', reason: 'The manifest is too large.' });
      continue;
    }
    await readMember(db, dav, id, opts, report, member, got, prior);
  }
  opts.onProgress?.({ phase: 'read', done: members.length, total: members.length });
}

/** The name shown for a member: their signed name, with fingerprint digits when another member (or the reader) uses it too. */
async function shownName(db: SaqtaDB, id: TeamIdentity, member: string, name: string, key: string): Promise<string> {
  const fold = (v: string) => v.normalize('NFKC').toLocaleLowerCase().replace(/\s+/g, ' ').trim();
  const clash = fold(name) === fold(id.displayName) || (await db.teamMembers.filter((m) => m.id !== member && fold(m.name) === fold(name)).count()) > 0;
  const clean = name.trim() || member;
  return clash ? `${clean} · ${fingerprintDigits(keyFingerprint(key)).slice(0, 11)}` : clean;
}

async function readMember(
  db: SaqtaDB,
  dav: DavClient,
  id: TeamIdentity,
  opts: SyncOptions,
  report: SyncReport,
  member: string,
  got: { data: Uint8Array; etag?: string },
  prior: TeamMemberRecord | undefined,
): Promise<void> {
  const subtle = crypto.subtle;
  const rec: TeamMemberRecord = prior ? { ...prior } : { id: member, name: member, lastSeen: nowIso() };
  rec.lastSeen = nowIso();
  const refuseManifest = async (kind: RefusalKind, reason: string) => {
    report.refused.push({ member, memberName: rec.name, part: MANIFEST_FILE, kind, reason });
    // Remembered: the same bytes are not fetched again (a 304 next time); the member's next honest manifest is read as usual.
    await db.teamMembers.put({ ...rec, etag: got.etag });
  };
  let manifest: TeamManifest;
  try {
    manifest = await openManifest(got.data, member, id);
  } catch (err) {
    const kind: RefusalKind = err instanceof DecryptError ? 'decrypt' : err instanceof PartFormatError ? err.kind : 'format';
    return refuseManifest(kind, (err as Error).message);
  }
  if (!(await verifyText(subtle, manifest.publicKey, manifestText(signedView(manifest)), manifest.sig))) {
    return refuseManifest('signature', 'The manifest’s signature does not verify: it was changed or forged.');
  }
  // The key: the first one seen is recorded (unconfirmed until the reader compares it); another key needs the old key's signature.
  if (!rec.key) rec.key = manifest.publicKey;
  else if (rec.key !== manifest.publicKey) {
    const kc = manifest.keyChange;
    const consented = !!kc && kc.from === rec.key && kc.to === manifest.publicKey && (await verifyText(subtle, rec.key, keyChangeText(member, kc), kc.sig));
    if (!consented) {
      const fp = keyFingerprint(manifest.publicKey);
      const others = (rec.otherKeys ?? []).filter((o) => o.key !== manifest.publicKey);
      rec.otherKeys = [{ key: manifest.publicKey, fingerprint: fp, seen: nowIso() }, ...others].slice(0, 5);
      return refuseManifest('unknown-key', `Signed by another key (${fp.slice(0, 16)}…) than this member’s, and the member’s key did not sign the change.`);
    }
    // A change the old key signed keeps the reader's confirmation.
    rec.key = manifest.publicKey;
    if (rec.confirmed) rec.confirmed = keyFingerprint(manifest.publicKey);
  }
  // An older manifest (the server putting back a copy) never renames the member.
  if (!rec.manifestUpdated || manifest.updated > rec.manifestUpdated) {
    rec.manifestUpdated = manifest.updated;
    rec.name = (manifest.name.trim() || member).slice(0, 80);
  }
  await db.teamMembers.put(rec);
  const confirmed = !!rec.confirmed && rec.confirmed === keyFingerprint(rec.key);
  const author: ClaimAuthor = { id: member, name: await shownName(db, id, member, rec.name, rec.key) };
  if (!confirmed) author.unconfirmed = true;

  const settled = await db.teamApplied.where('member').equals(member).toArray();
  const byName = new Map(settled.map((r) => [r.name, r]));
  const bySeq = new Map<number, string>();
  for (const r of settled) if (r.seq !== undefined && (r.status === 'applied' || r.kind !== 'fork')) bySeq.set(r.seq, r.sha256);
  const parts = [...manifest.parts].sort((a, b) => a.seq - b.seq);
  const now = opts.now?.() ?? new Date();
  for (const [i, p] of parts.entries()) {
    const seen = byName.get(p.name);
    if (seen && (seen.status === 'applied' || `sha256:${seen.sha256}` === p.hash)) continue;
    const refuse = async (kind: RefusalKind, reason: string, remember = true) => {
      if (remember) await db.teamApplied.put({ key: `${member}/${p.name}`, member, name: p.name, sha256: p.hash.slice(7), seq: p.seq, status: 'refused', kind, reason, at: nowIso() });
      report.refused.push({ member, memberName: author.name, part: p.name, kind, reason });
    };
    // The signed chain: the name is the number and hash; numbers strictly increase; each names the one before.
    if (p.name !== partName(p.seq, p.hash.slice(7))) {
      await refuse('format', `${p.name} is not named after its number and hash.`);
      continue;
    }
    const earlier = bySeq.get(p.seq);
    if (earlier !== undefined && `sha256:${earlier}` !== p.hash) {
      const forks = (rec.forks ?? []).filter((f) => f.seq !== p.seq);
      rec.forks = [{ seq: p.seq, hashes: [`sha256:${earlier}`, p.hash], seen: nowIso() }, ...forks].slice(0, 20);
      await db.teamMembers.update(member, { forks: rec.forks });
      await refuse('fork', `Two different parts numbered ${p.seq}: the one read before is kept, this one is not merged.`);
      continue;
    }
    const before = parts[i - 1];
    const expectedPrev = p.seq === 1 ? null : before && before.seq === p.seq - 1 ? before.hash : undefined;
    if (expectedPrev === undefined || p.prev !== expectedPrev || (before && before.seq >= p.seq)) {
      await refuse('replay', `${p.name} does not follow the member’s previous part (numbers must rise by one, each naming the one before).`);
      continue;
    }
    if (!(await verifyText(subtle, rec.key, partStatementText({ member, name: p.signedName, seq: p.seq, prev: p.prev, hash: p.hash, bytes: p.bytes, created: p.created }), p.sig))) {
      await refuse('signature', `${p.name}: its signature does not verify.`);
      continue;
    }
    let file: Awaited<ReturnType<DavClient['get']>>;
    try {
      file = await dav.get(`${memberDir(member)}${p.name}`, { max: p.bytes });
    } catch (err) {
      if (err instanceof TooLargeError) {
        await refuse('too-large', `${p.name} is larger than its signed size (${p.bytes} bytes); the download was cut off.`);
        bySeq.set(p.seq, p.hash.slice(7));
        continue;
      }
      throw err;
    }
    if (!file || file === 'unchanged') {
      // Remembered: its member, seeing the folder lacks it, publishes what it carried again in a new part (healFolder).
      await refuse('hash', `${p.name} is listed but missing from the folder.`);
      continue;
    }
    const actual = hex(file.data);
    bySeq.set(p.seq, p.hash.slice(7));
    if (file.data.length !== p.bytes || `sha256:${actual}` !== p.hash) {
      await refuse('hash', `${p.name} does not match its signed hash (${file.data.length} bytes, expected ${p.bytes}).`);
      continue;
    }
    let plain = file.data;
    try {
      if (isEncrypted(plain) || id.passphrase) plain = await decrypt(plain, id.passphrase, id.iterations);
    } catch (err) {
      await refuse('decrypt', (err as Error).message);
      continue;
    }
    try {
      const { header, bundle } = decodePart(plain, member);
      if (header.seq !== p.seq) throw new PartFormatError(`${p.name} says it is part ${header.seq}, its signed number is ${p.seq}.`);
      const contents = await readPartBundle(bundle);
      for (const a of contents.articles) {
        for (const c of a.captures) {
          const t = Date.parse(c.record.capturedAt);
          if (!Number.isFinite(t) || t > now.getTime() + CLOCK_SKEW_MS) throw new PartRefused('future', `A saved copy is dated ${c.record.capturedAt}, in the future.`);
        }
      }
      await opts.clean(contents.articles);
      const sum = await applyPart(db, author, { name: p.name, seq: p.seq, sha256: actual, header, bundle: contents }, keyFingerprint(rec.key));
      report.merged.push({ member, name: p.name, claims: sum.claims, deleted: sum.deleted, captures: sum.captures });
      report.pageIds.push(...sum.pageIds);
    } catch (err) {
      if (err instanceof PartRefused) await refuse(err.kind, err.message);
      else if (err instanceof PartFormatError) await refuse(err.kind, err.message);
      else if (err instanceof BundleError) await refuse('bundle', err.message);
      else throw err;
    }
  }
  // Every part of this manifest is settled: next time an unchanged manifest costs a 304.
  await db.teamMembers.update(member, { etag: got.etag });
}

/** The reader compared a member's fingerprint out of band: their claims stop showing as unconfirmed. */
export async function confirmMember(db: SaqtaDB, member: string, fingerprint: string): Promise<boolean> {
  return db.transaction('rw', [db.teamMembers, db.annotations, db.captures], async () => {
    const m = await db.teamMembers.get(member);
    if (!m?.key || keyFingerprint(m.key) !== fingerprint) return false;
    await db.teamMembers.update(member, { confirmed: fingerprint });
    await setUnconfirmed(db, member, false);
    return true;
  });
}

/**
 * Forget a member's key (and what was refused from them): the next manifest's
 * key is recorded afresh, unconfirmed; their claims show as unconfirmed.
 * `useKey`: one of the other keys seen for them, after the reader compared it.
 */
export async function resetMember(db: SaqtaDB, member: string, useKey?: string): Promise<void> {
  await db.transaction('rw', [db.teamMembers, db.teamApplied, db.annotations, db.captures], async () => {
    const m = await db.teamMembers.get(member);
    if (!m) return;
    const refused = (await db.teamApplied.where('member').equals(member).toArray()).filter((r) => r.status === 'refused').map((r) => r.key);
    await db.teamApplied.bulkDelete(refused);
    const other = useKey ? m.otherKeys?.find((o) => o.key === useKey) : undefined;
    await db.teamMembers.put({ id: m.id, name: m.name, lastSeen: m.lastSeen, key: other?.key, confirmed: other ? other.fingerprint : undefined, manifestUpdated: undefined });
    await setUnconfirmed(db, member, !other);
  });
}

async function setUnconfirmed(db: SaqtaDB, member: string, unconfirmed: boolean): Promise<void> {
  const fix = <T extends { author?: ClaimAuthor }>(r: T) => {
    if (r.author?.id !== member) return;
    if (unconfirmed) r.author.unconfirmed = true;
    else delete r.author.unconfirmed;
  };
  await db.annotations.filter((a) => a.author?.id === member).modify(fix);
  await db.captures.filter((c) => c.author?.id === member).modify(fix);
}

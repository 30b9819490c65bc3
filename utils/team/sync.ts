/**
 * One team sync (pure over a DavClient and the database):
 * 1. publish — build a part with what changed (publish.ts) into the outbox;
 * 2. upload — each queued part to a temporary name, then MOVE to its own
 *    name (never overwritten), then the manifest the same way (written last:
 *    a colleague never sees a part listed before it is whole);
 * 3. read — list `saqta/`, fetch each colleague's manifest (a conditional GET:
 *    304 when unchanged), then each part not yet read: size and SHA-256
 *    against the manifest, decrypt, check and merge (apply.ts). A part that
 *    does not match is refused and reported; the others merge.
 * Network failures stop the sync and lose nothing: the outbox stays, parts
 * already moved are found again (MOVE answers 412), a manifest not read to
 * the end is read again next time.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { SaqtaDB } from '../db';
import { BundleError } from '../zip/errors';
import { nowIso } from '../annotation';
import { DavClient, DavError, type DavFailure, type DavStats } from './dav';
import { decrypt, DecryptError, encrypt, isEncrypted } from './crypto';
import { applyPart, readPartBundle } from './apply';
import { buildPart, type ShareScope } from './publish';
import {
  checkManifest, decodePart, fromBase64, memberDir, MANIFEST_FILE, MAX_MANIFEST_BYTES, MEMBER_ID, PartFormatError, partName, TEAM_DIR, TEAM_FORMAT, toBase64,
  type StoredManifest, type TeamManifest,
} from './part';
import type { RefusalKind, TeamMemberRecord } from './records';
import type { ClaimAuthor } from '../annotation';
import type { ParsedArticle } from '../export/records';
import { TooLargeError } from './dav';
import { PartRefused } from './refused';
import { fingerprintDigits, keyChangeText, keyFingerprint, manifestText, partStatementText, signText, verifyText, type PartStatement } from './sign';

export interface TeamIdentity {
  memberId: string;
  displayName: string;
  scope: ShareScope;
  /** Team passphrase (E2E) and this member's salt (base64). */
  passphrase?: string;
  salt?: string;
  /** PBKDF2 iterations (tests lower it; default crypto.ts ITERATIONS). */
  iterations?: number;
  /** Share copies made by watch checks too (the reader's choice; default no). */
  shareWatch?: boolean;
  /** The key that signs this member's parts and manifest (the install's ECDSA P-384 key; docs/team-trust.md). */
  signer: { privateKey: CryptoKey; spki: string };
}

interface SyncProgress {
  phase: 'publish' | 'upload' | 'read';
  done: number;
  total: number;
}

interface Refusal {
  member: string;
  memberName: string;
  part: string;
  kind: RefusalKind;
  reason: string;
}

export interface SyncReport {
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  /** Why the sync stopped, when it did. */
  failure?: { kind: DavFailure | 'internal'; status: number | null; message: string };
  uploaded: number;
  /** Parts merged from colleagues. */
  merged: { member: string; name: string; claims: number; deleted: number; captures: number }[];
  refused: Refusal[];
  /** Colleagues whose manifest was read (changed) / unchanged (304). */
  manifests: { read: number; unchanged: number };
  /** Queued parts left after this sync. */
  queued: number;
  stats: DavStats;
  /** Library pages whose claims changed (the background tells open tabs). */
  pageIds: string[];
}

interface SyncOptions {
  software: string;
  onProgress?(p: SyncProgress): void;
  now?: () => Date;
  /** Read colleagues' folders too (default); false publishes only. */
  read?: boolean;
  /**
   * Sanitize the saved HTML of a colleague's part before it is stored, with
   * the save-time DOMPurify configuration (clean.ts; a DOM: jsdom in Node,
   * the offscreen document in Chrome, the event page in Firefox).
   */
  clean(articles: ParsedArticle[]): Promise<void>;
}

const hex = (b: Uint8Array) => bytesToHex(sha256(b));
/** Colleagues' manifests fetched at once (conditional GETs, mostly 304). */
const MANIFEST_CONCURRENCY = 6;
/** A colleague's copy dated later than now by more than this is refused. */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

type SignedPart = { seq: number; name: string; sha256: string; bytes: number; created: string; prev?: string | null; signedName?: string; sig?: string };

const statementOf = (member: string, p: Required<Pick<SignedPart, 'seq' | 'sha256' | 'bytes' | 'created'>> & { prev: string | null; signedName: string }): PartStatement => ({
  member,
  name: p.signedName,
  seq: p.seq,
  prev: p.prev,
  hash: `sha256:${p.sha256}`,
  bytes: p.bytes,
  created: p.created,
});

/** The manifest's parts, each signed once (a part signed earlier keeps its signature). */
async function signParts(id: TeamIdentity, parts: SignedPart[]): Promise<(SignedPart & { prev: string | null; signedName: string; sig: string })[]> {
  const out: (SignedPart & { prev: string | null; signedName: string; sig: string })[] = [];
  let prev: string | null = null;
  for (const p of [...parts].sort((a, b) => a.seq - b.seq)) {
    if (p.sig && p.prev !== undefined && p.signedName !== undefined && p.prev === prev) out.push(p as (typeof out)[number]);
    else {
      const signedName = id.displayName;
      const sig = await signText(crypto.subtle, id.signer.privateKey, partStatementText(statementOf(id.memberId, { ...p, prev, signedName })));
      out.push({ ...p, prev, signedName, sig });
    }
    prev = `sha256:${p.sha256}`;
  }
  return out;
}

async function manifestOf(id: TeamIdentity, parts: Awaited<ReturnType<typeof signParts>>, now: Date): Promise<TeamManifest> {
  const m: TeamManifest = {
    format: TEAM_FORMAT,
    version: 2,
    member: id.memberId,
    name: id.displayName,
    updated: now.toISOString(),
    publicKey: id.signer.spki,
    parts: parts.map((p) => ({ name: p.name, seq: p.seq, hash: `sha256:${p.sha256}`, bytes: p.bytes, created: p.created, prev: p.prev, signedName: p.signedName, sig: p.sig })),
    sig: '',
  };
  m.sig = await signText(crypto.subtle, id.signer.privateKey, manifestText(signedView(m)));
  return m;
}

/** What manifestText signs, from a manifest as read or written. */
function signedView(m: TeamManifest): Parameters<typeof manifestText>[0] {
  return {
    member: m.member,
    name: m.name,
    updated: m.updated,
    publicKey: m.publicKey,
    keyChange: m.keyChange,
    parts: m.parts.map((p) => ({ file: p.name, member: m.member, name: p.signedName, seq: p.seq, prev: p.prev, hash: p.hash, bytes: p.bytes, created: p.created, sig: p.sig })),
  };
}

async function sealManifest(m: TeamManifest, id: TeamIdentity): Promise<string> {
  if (!id.passphrase || !id.salt) return JSON.stringify(m, null, 1);
  const sealed = await encrypt(new TextEncoder().encode(JSON.stringify(m)), id.passphrase, fromBase64(id.salt), id.iterations);
  const stored: StoredManifest = { format: TEAM_FORMAT, version: 2, member: m.member, sealed: toBase64(sealed) };
  return JSON.stringify(stored);
}

async function openManifest(data: Uint8Array, member: string, id: TeamIdentity): Promise<TeamManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new PartFormatError('The manifest is not JSON.');
  }
  if (raw && typeof raw === 'object' && typeof (raw as { sealed?: unknown }).sealed === 'string') {
    const plain = await decrypt(fromBase64((raw as { sealed: string }).sealed), id.passphrase, id.iterations);
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
    } catch {
      throw new PartFormatError('The manifest is not JSON.');
    }
  } else if (id.passphrase) {
    // The team encrypts: a readable manifest was not written by a member's Saqta (the server, or someone without the passphrase).
    throw new DecryptError('not-encrypted');
  }
  return checkManifest(raw, member);
}

/** Upload the queue and, when anything went up (or the name changed), the manifest. */
async function upload(db: SaqtaDB, dav: DavClient, id: TeamIdentity, opts: SyncOptions, force: boolean): Promise<number> {
  const dir = memberDir(id.memberId);
  const queue = await db.teamOutbox.orderBy('seq').toArray();
  const done = await db.teamParts.orderBy('seq').toArray();
  if (!queue.length && !force) return 0;
  let dirsReady = false;
  // The very first upload makes the folders first (a PUT into a missing folder would send the part for nothing).
  const firstUpload = done.length === 0;
  const ensureDirs = async () => {
    if (dirsReady) return;
    await dav.mkcol(TEAM_DIR);
    await dav.mkcol(dir);
    dirsReady = true;
  };
  /** PUT to a temporary name, then MOVE into place; a missing folder is made once. */
  const place = async (name: string, body: Blob | string, overwrite: boolean, contentType: string) => {
    const tmp = `${dir}.tmp-${crypto.randomUUID()}-${name}`;
    try {
      await dav.put(tmp, body, { contentType });
    } catch (err) {
      // A missing folder: Apache answers 409, others 404, nginx 500 (issue 23); make it and try once more.
      if (!(err instanceof DavError) || (err.kind !== 'conflict' && err.kind !== 'not-found' && err.kind !== 'server') || dirsReady) throw err;
      await ensureDirs();
      await dav.put(tmp, body, { contentType });
    }
    try {
      await dav.move(tmp, `${dir}${name}`, overwrite);
    } catch (err) {
      // Write-once: the part is already there (a sync cut after its MOVE). Same name, same hash prefix, same bytes.
      if (err instanceof DavError && err.kind === 'exists' && !overwrite) {
        await dav.delete(tmp).catch(() => undefined);
        return;
      }
      await dav.delete(tmp).catch(() => undefined);
      throw err;
    }
  };
  if (firstUpload) await ensureDirs();
  let n = 0;
  for (const part of queue) {
    opts.onProgress?.({ phase: 'upload', done: n, total: queue.length });
    if (!part.uploaded) {
      try {
        await place(part.name, part.data, false, 'application/octet-stream');
      } catch (err) {
        await db.teamOutbox.update(part.seq, { attempts: part.attempts + 1, lastError: (err as Error).message });
        throw err;
      }
      await db.teamOutbox.update(part.seq, { uploaded: true, attempts: part.attempts + 1, lastError: undefined });
    }
    n++;
  }
  const signed = await signParts(id, [...done, ...queue]);
  const now = opts.now?.() ?? new Date();
  await place(MANIFEST_FILE, await sealManifest(await manifestOf(id, signed, now), id), true, 'application/json');
  const bySeq = new Map(signed.map((p) => [p.seq, p]));
  await db.transaction('rw', db.teamOutbox, db.teamParts, async () => {
    await db.teamParts.bulkPut(
      [...done, ...queue].map((p) => {
        const s = bySeq.get(p.seq)!;
        return { seq: p.seq, name: p.name, sha256: p.sha256, bytes: p.bytes, created: p.created, prev: s.prev, signedName: s.signedName, sig: s.sig };
      }),
    );
    await db.teamOutbox.bulkDelete(queue.map((p) => p.seq));
  });
  opts.onProgress?.({ phase: 'upload', done: queue.length, total: queue.length });
  return queue.length;
}

/**
 * What the folder lacks of this member (issue 23): the member folder deleted,
 * a part's upload deleted. One listing of the member's own folder per sync;
 * when a part listed in the manifest is gone, everything is published again in
 * a new part (colleagues who joined later get it all; those who had it change
 * nothing), and the manifest is written again.
 */
async function healFolder(db: SaqtaDB, dav: DavClient, id: TeamIdentity): Promise<'republish' | 'manifest' | null> {
  const mine = await db.teamParts.toArray();
  if (!mine.length) return null;
  const dir = memberDir(id.memberId);
  const listing = await dav.propfind(dir, 1);
  const names = new Set((listing ?? []).map((e) => e.path.slice(dir.length)));
  const lacking = mine.filter((p) => !names.has(p.name));
  if (lacking.length) {
    await db.teamPublished.clear();
    return 'republish';
  }
  return names.has(MANIFEST_FILE) ? null : 'manifest';
}

/** Read every colleague's new parts. */
async function readColleagues(db: SaqtaDB, dav: DavClient, id: TeamIdentity, opts: SyncOptions, report: SyncReport): Promise<void> {
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

export async function syncTeam(db: SaqtaDB, dav: DavClient, id: TeamIdentity, opts: SyncOptions & { republishManifest?: boolean }): Promise<SyncReport> {
  const started = opts.now?.() ?? new Date();
  const report: SyncReport = {
    startedAt: started.toISOString(),
    finishedAt: '',
    ok: true,
    uploaded: 0,
    merged: [],
    refused: [],
    manifests: { read: 0, unchanged: 0 },
    queued: 0,
    stats: dav.stats,
    pageIds: [],
  };
  try {
    opts.onProgress?.({ phase: 'publish', done: 0, total: 1 });
    const build = () =>
      buildPart(db, {
        member: id.memberId,
        scope: id.scope,
        shareWatch: id.shareWatch,
        software: opts.software,
        now: started,
        encryption: id.passphrase && id.salt ? { passphrase: id.passphrase, salt: fromBase64(id.salt), iterations: id.iterations } : undefined,
      });
    // Built first (an offline sync still queues it), then what the folder lacks is published again in a catch-up part.
    await build();
    const healed = await healFolder(db, dav, id);
    if (healed === 'republish') await build();
    report.uploaded = await upload(db, dav, id, opts, !!opts.republishManifest || !!healed);
    if (opts.read !== false) await readColleagues(db, dav, id, opts, report);
  } catch (err) {
    report.ok = false;
    report.failure =
      err instanceof DavError
        ? { kind: err.kind, status: err.status, message: err.message }
        : { kind: 'internal', status: null, message: (err as Error)?.message ?? String(err) };
  }
  report.queued = await db.teamOutbox.count();
  report.pageIds = [...new Set(report.pageIds)];
  report.finishedAt = (opts.now?.() ?? new Date()).toISOString();
  return report;
}

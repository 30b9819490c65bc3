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
import { BundleError } from '../bundle/errors';
import { nowIso } from '../annotation';
import { DavClient, DavError, type DavFailure, type DavStats } from './dav';
import { decrypt, DecryptError, encrypt, isEncrypted } from './crypto';
import { applyPart, readPartBundle } from './apply';
import { buildPart, type ShareScope } from './publish';
import {
  checkManifest, decodePart, fromBase64, memberDir, MANIFEST_FILE, MAX_MANIFEST_BYTES, MEMBER_ID, PartFormatError, TEAM_DIR, TEAM_FORMAT, toBase64,
  type StoredManifest, type TeamManifest,
} from './part';
import type { TeamAppliedRecord } from './records';

export interface TeamIdentity {
  memberId: string;
  displayName: string;
  scope: ShareScope;
  /** Team passphrase (E2E) and this member's salt (base64). */
  passphrase?: string;
  salt?: string;
  /** PBKDF2 iterations (tests lower it; default crypto.ts ITERATIONS). */
  iterations?: number;
}

export interface SyncProgress {
  phase: 'publish' | 'upload' | 'read';
  done: number;
  total: number;
}

export interface Refusal {
  member: string;
  memberName: string;
  part: string;
  kind: NonNullable<TeamAppliedRecord['kind']> | 'key-changed';
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

export interface SyncOptions {
  software: string;
  onProgress?(p: SyncProgress): void;
  now?: () => Date;
  /** Signing hook (issue 14): the member's public key to publish in the manifest. */
  publicKey?: string;
  /** Read colleagues' folders too (default); false publishes only. */
  read?: boolean;
}

const hex = (b: Uint8Array) => bytesToHex(sha256(b));
/** Colleagues' manifests fetched at once (conditional GETs, mostly 304). */
const MANIFEST_CONCURRENCY = 6;

function manifestOf(id: TeamIdentity, parts: TeamManifest['parts'], now: Date, publicKey?: string): TeamManifest {
  const m: TeamManifest = { format: TEAM_FORMAT, version: 1, member: id.memberId, name: id.displayName, updated: now.toISOString(), parts };
  if (publicKey) m.publicKey = publicKey;
  return m;
}

async function sealManifest(m: TeamManifest, id: TeamIdentity): Promise<string> {
  if (!id.passphrase || !id.salt) return JSON.stringify(m, null, 1);
  const sealed = await encrypt(new TextEncoder().encode(JSON.stringify(m)), id.passphrase, fromBase64(id.salt), id.iterations);
  const stored: StoredManifest = { format: TEAM_FORMAT, version: 1, member: m.member, sealed: toBase64(sealed) };
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
    raw = JSON.parse(new TextDecoder().decode(plain));
  }
  return checkManifest(raw, member);
}

/** Upload the queue and, when anything went up (or the name changed), the manifest. */
async function upload(db: SaqtaDB, dav: DavClient, id: TeamIdentity, opts: SyncOptions, force: boolean): Promise<number> {
  const dir = memberDir(id.memberId);
  const queue = await db.teamOutbox.orderBy('seq').toArray();
  if (!queue.length && !force) return 0;
  let dirsReady = false;
  // The very first upload makes the folders first (a PUT into a missing folder would send the part for nothing).
  const firstUpload = (await db.teamParts.count()) === 0;
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
      if (!(err instanceof DavError) || (err.kind !== 'conflict' && err.kind !== 'not-found')) throw err;
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
  const done = await db.teamParts.orderBy('seq').toArray();
  const parts = [...done, ...queue].map((p) => ({ name: p.name, seq: p.seq, hash: `sha256:${p.sha256}`, bytes: p.bytes, created: p.created }));
  const now = opts.now?.() ?? new Date();
  await place(MANIFEST_FILE, await sealManifest(manifestOf(id, parts, now, opts.publicKey), id), true, 'application/json');
  await db.transaction('rw', db.teamOutbox, db.teamParts, async () => {
    await db.teamParts.bulkPut(queue.map((p) => ({ seq: p.seq, name: p.name, sha256: p.sha256, bytes: p.bytes, created: p.created })));
    await db.teamOutbox.bulkDelete(queue.map((p) => p.seq));
  });
  opts.onProgress?.({ phase: 'upload', done: queue.length, total: queue.length });
  return queue.length;
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
  const manifests = new Array<Awaited<ReturnType<DavClient['get']>>>(members.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(MANIFEST_CONCURRENCY, members.length) }, async () => {
      while (next < members.length) {
        const i = next++;
        manifests[i] = await dav.get(`${memberDir(members[i]!)}${MANIFEST_FILE}`, known.get(members[i]!)?.etag);
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
    if (got.data.length > MAX_MANIFEST_BYTES) {
      report.refused.push({ member, memberName: prior?.name ?? member, part: MANIFEST_FILE, kind: 'format', reason: 'The manifest is too large.' });
      continue;
    }
    let manifest: TeamManifest;
    try {
      manifest = await openManifest(got.data, member, id);
    } catch (err) {
      const kind = err instanceof DecryptError ? 'decrypt' : 'format';
      report.refused.push({ member, memberName: prior?.name ?? member, part: MANIFEST_FILE, kind, reason: (err as Error).message });
      continue;
    }
    const author = { id: member, name: manifest.name || member };
    // Signing hook: pin the first key seen; a different key later is flagged and its parts are not merged.
    let keyChanged: string | undefined = prior?.keyChanged;
    const pinned = prior?.key ?? manifest.publicKey;
    if (prior?.key && manifest.publicKey && manifest.publicKey !== prior.key) keyChanged = manifest.publicKey;
    await db.teamMembers.put({ id: member, name: author.name, lastSeen: nowIso(), etag: prior?.etag, key: pinned, keyChanged });
    if (keyChanged) {
      report.refused.push({ member, memberName: author.name, part: MANIFEST_FILE, kind: 'key-changed', reason: `${author.name}’s signing key changed since it was first seen.` });
      continue;
    }
    const applied = new Map((await db.teamApplied.where('member').equals(member).toArray()).map((r) => [r.name, r]));
    for (const p of manifest.parts) {
      const seen = applied.get(p.name);
      if (seen && (seen.status === 'applied' || `sha256:${seen.sha256}` === p.hash)) continue;
      const refuse = async (kind: NonNullable<TeamAppliedRecord['kind']>, reason: string, sha = p.hash.slice(7)) => {
        await db.teamApplied.put({ key: `${member}/${p.name}`, member, name: p.name, sha256: sha, status: 'refused', kind, reason, at: nowIso() });
        report.refused.push({ member, memberName: author.name, part: p.name, kind, reason });
      };
      const file = await dav.get(`${memberDir(member)}${p.name}`);
      if (!file || file === 'unchanged') {
        await refuse('hash', `${p.name} is listed but missing from the folder.`);
        continue;
      }
      const actual = hex(file.data);
      if (file.data.length !== p.bytes || `sha256:${actual}` !== p.hash) {
        await refuse('hash', `${p.name} does not match its hash in the manifest (${file.data.length} bytes, expected ${p.bytes}).`);
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
        const contents = await readPartBundle(bundle);
        const sum = await applyPart(db, author, { name: p.name, sha256: actual, header, bundle: contents });
        report.merged.push({ member, name: p.name, claims: sum.claims, deleted: sum.deleted, captures: sum.captures });
        report.pageIds.push(...sum.pageIds);
      } catch (err) {
        if (err instanceof PartFormatError) await refuse('format', err.message);
        else if (err instanceof BundleError) await refuse('bundle', err.message);
        else throw err;
      }
    }
    // Every part of this manifest is settled: next time an unchanged manifest costs a 304.
    await db.teamMembers.update(member, { etag: got.etag });
  }
  opts.onProgress?.({ phase: 'read', done: members.length, total: members.length });
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
    await buildPart(db, {
      member: id.memberId,
      scope: id.scope,
      software: opts.software,
      now: started,
      encryption: id.passphrase && id.salt ? { passphrase: id.passphrase, salt: fromBase64(id.salt), iterations: id.iterations } : undefined,
    });
    report.uploaded = await upload(db, dav, id, opts, !!opts.republishManifest);
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

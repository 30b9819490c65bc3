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
import type { SaqtaDB } from '../db';
import { DavClient, DavError } from './dav';
import { buildPart } from './publish';
import { fromBase64, memberDir, MANIFEST_FILE, TEAM_DIR } from './part';
import type { SyncOptions, SyncReport, TeamIdentity } from './sync-types';
import { manifestOf, sealManifest, signParts } from './seal';
import { readColleagues } from './colleagues';

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

/**
 * Background handlers for team sync (`TeamApi` in utils/messages.ts) over a
 * `TeamHost` the background backs with extension storage and `fetch`.
 * One sync at a time: a request while one runs waits for it and gets its report.
 * Nothing here logs; the password and passphrase never leave the host except
 * as the Authorization header and the encryption key.
 */
import { fail, ok, type TeamApi, type TeamMemberView } from '../messages';
import type { HandlerDeps, HandlerSet, TeamHost } from './types';
import { servicesOf } from './services';
import { DavClient, DavError } from '../team/dav';
import { folderUrl, sendsPasswordInClear } from '../team/folder';
import { testConnection } from '../team/connection';
import { syncTeam } from '../team/sync';
import { confirmMember, resetMember } from '../team/colleagues';
import type { SyncReport } from '../team/sync-types';
import { fingerprintDigits, keyFingerprint } from '../team/sign';
import { pendingChanges } from '../team/publish';
import { newSalt } from '../team/crypto';
import { toBase64 } from '../team/part';
import { ConfigError, EMPTY_STATUS, mergeConfig, viewOf, type TeamConfig, type TeamStatus } from '../team/config';
import { createAnnotation } from '../store/annotations';
import { installKey } from './evidence';

const clientOf = (c: Pick<TeamConfig, 'url' | 'user' | 'password'>, host: TeamHost) =>
  new DavClient({ url: c.url, user: c.user, password: c.password, fetch: host.fetch, lastNetError: host.lastNetError });

/** A sync is in progress (its own change events must not schedule another). */
export const teamSyncRunning = (deps: HandlerDeps) => servicesOf(deps).teamSync.running;

/** Changes not on the server yet: those not in a part, and those in queued parts. */
async function pendingCount(deps: HandlerDeps, c: TeamConfig): Promise<number> {
  const p = await pendingChanges(deps.db, c.scope, { shareWatch: !!c.shareWatch });
  const queued = (await deps.db.teamOutbox.toArray()).reduce((n, q) => n + q.counts.claims + q.counts.deleted + q.counts.captures, 0);
  return p.claims.length + p.deleted.length + p.captures.length + queued;
}

/** Status with the queue counted now. */
async function teamStatus(deps: HandlerDeps): Promise<TeamStatus> {
  const host = deps.team!;
  const [s, c] = await Promise.all([host.getStatus(), host.getConfig()]);
  const status = { ...EMPTY_STATUS, ...s, running: teamSyncRunning(deps) };
  if (!c.enabled) return status;
  return { ...status, queuedParts: await deps.db.teamOutbox.count(), pending: await pendingCount(deps, c) };
}

/** Run one sync (or join the one running). */
export function runTeamSync(deps: HandlerDeps): Promise<SyncReport> {
  return servicesOf(deps).teamSync.run(async () => {
    const host = deps.team!;
    const c = await host.getConfig();
    if (!c.enabled) throw new ConfigError('url', 'Team sync is off.');
    let status = { ...EMPTY_STATUS, ...(await host.getStatus()), running: true };
    const publish = (s: TeamStatus) => {
      deps.broadcast({ event: 'team.status', status: s });
    };
    publish(status);
    const key = await installKey(deps, crypto.subtle);
    const signer = { privateKey: key.privateKey, spki: key.spki };
    const report = await syncTeam(deps.db, clientOf(c, host), { memberId: c.memberId, displayName: c.displayName, scope: c.scope, passphrase: c.passphrase || undefined, salt: c.salt || undefined, signer, shareWatch: !!c.shareWatch }, {
      software: host.software,
      clean: (articles) => host.clean(articles),
      republishManifest: status.publishedName !== c.displayName,
      onProgress(p) {
        status = { ...status, progress: p };
        publish(status);
      },
    });
    const at = report.finishedAt;
    const refused = [...report.refused.map((r) => ({ member: r.member, memberName: r.memberName, part: r.part, kind: r.kind, at })), ...status.refused].slice(0, 50);
    status = {
      ...status,
      running: false,
      progress: undefined,
      lastSyncAt: at,
      lastOkAt: report.ok ? at : status.lastOkAt,
      failure: report.failure ? { kind: report.failure.kind, status: report.failure.status, at } : null,
      refused,
      queuedParts: report.queued,
      pending: await pendingCount(deps, c),
      lastReport: { uploaded: report.uploaded, merged: report.merged, manifests: report.manifests, stats: { ...report.stats } },
      publishedName: report.ok || report.uploaded ? c.displayName : status.publishedName,
    };
    await host.setStatus(status);
    publish(status);
    for (const pageId of report.pageIds) deps.broadcast({ event: 'annotations.changed', pageId });
    if (report.merged.length) deps.broadcast({ event: 'tags.changed' });
    return report;
  });
}

export const teamHandlers: HandlerSet<TeamApi> = {
  async 'team.config'(_req, { team }) {
    if (!team) return fail('unsupported', 'Team sync is not available here.');
    return ok({ config: viewOf(await team.getConfig()) });
  },
  async 'team.configure'(req, { team, db }) {
    if (!team) return fail('unsupported', 'Team sync is not available here.');
    const cur = await team.getConfig();
    let next: TeamConfig;
    try {
      next = mergeConfig(cur, req.patch ?? {});
    } catch (err) {
      if (err instanceof ConfigError || err instanceof DavError) return fail('bad-request', err.message);
      throw err;
    }
    if (!next.salt) next.salt = toBase64(newSalt());
    // Another folder or another passphrase: start publishing afresh (everything goes again, readable by the new key).
    if ((cur.url && next.url !== cur.url) || next.passphrase !== cur.passphrase) {
      await resetTeamState(db);
      await team.setStatus({ ...(await team.getStatus()), publishedName: null, refused: [], lastReport: null, failure: null });
    }
    await team.setConfig(next);
    team.scheduleChanged?.(next);
    return ok({ config: viewOf(next) });
  },
  async 'team.test'(req, { team }) {
    if (!team) return fail('unsupported', 'Team sync is not available here.');
    const cur = await team.getConfig();
    let url = req.url ?? cur.url;
    try {
      if (url) url = folderUrl(url).href;
    } catch (err) {
      if (err instanceof DavError) return ok({ result: { ok: false as const, kind: err.kind, status: null } });
      throw err;
    }
    const user = (req.user ?? cur.user).trim();
    // The stored password is paired only with the address and user it was saved for (issue 23).
    const same = url === cur.url && user === cur.user;
    const password = req.password || (same ? cur.password : '');
    if (!password) return fail('bad-request', 'Type the password for this address: the saved one is sent only to the saved folder.');
    if (sendsPasswordInClear(url) && !(same ? cur.plainHttp : req.plainHttp)) {
      return fail('bad-request', 'This address starts with http://: the password would cross the network unencrypted. Use https://, or choose “send my password unencrypted”.');
    }
    const draft = { url, user, password };
    let dav: DavClient;
    try {
      dav = clientOf(draft, team);
    } catch (err) {
      if (err instanceof DavError) return ok({ result: { ok: false as const, kind: err.kind, status: null } });
      throw err;
    }
    return ok({ result: await testConnection(dav) });
  },
  async 'team.sync'(_req, deps) {
    if (!deps.team) return fail('unsupported', 'Team sync is not available here.');
    const c = await deps.team.getConfig();
    if (!c.enabled) return fail('bad-request', 'Team sync is off: fill in Settings → Team first.');
    return ok({ report: await runTeamSync(deps) });
  },
  async 'team.status'(_req, deps) {
    if (!deps.team) return fail('unsupported', 'Team sync is not available here.');
    const members: TeamMemberView[] = (await deps.db.teamMembers.toArray()).map((m) => {
      const fingerprint = m.key ? keyFingerprint(m.key) : '';
      return {
        id: m.id,
        name: m.name,
        lastSeen: m.lastSeen,
        fingerprint,
        digits: fingerprint ? fingerprintDigits(fingerprint) : '',
        confirmed: !!fingerprint && m.confirmed === fingerprint,
        otherKeys: (m.otherKeys ?? []).map((o) => ({ ...o, digits: fingerprintDigits(o.fingerprint) })),
        forks: (m.forks ?? []).map((f) => f.seq),
        keyChanged: false,
      };
    });
    return ok({ status: await teamStatus(deps), members });
  },
  async 'team.keys'(_req, deps) {
    const key = await installKey(deps, crypto.subtle);
    return ok({ fingerprint: key.fingerprint, digits: fingerprintDigits(key.fingerprint) });
  },
  async 'team.confirmMember'(req, { db, broadcast }) {
    if (typeof req.member !== 'string' || typeof req.fingerprint !== 'string') return fail('bad-request', 'Which member?');
    const confirmed = await confirmMember(db, req.member, req.fingerprint);
    if (!confirmed) return fail('bad-request', 'This member’s key changed since the list was shown: compare the digits again.');
    broadcast({ event: 'tags.changed' });
    return ok({ confirmed });
  },
  async 'team.resetMember'(req, { db, broadcast }) {
    if (typeof req.member !== 'string') return fail('bad-request', 'Which member?');
    await resetMember(db, req.member, typeof req.useKey === 'string' ? req.useKey : undefined);
    broadcast({ event: 'tags.changed' });
    return ok({});
  },
  async 'team.copyClaim'(req, { db, broadcast }) {
    const a = await db.annotations.get(req.id);
    if (!a) return fail('not-found', 'This claim no longer exists.');
    const page = await db.pages.get(a.pageId);
    if (!page) return fail('not-found', 'This page is not in your library.');
    const { annotation } = await createAnnotation(
      db,
      { keys: { url: page.url, normalizedUrl: page.normalizedUrl, canonicalUrl: page.canonicalUrl, normalizedCanonical: page.normalizedCanonical, fingerprint: page.fingerprint }, title: page.title },
      a.target.selector,
      { color: a.body.color, note: a.body.note, tags: a.body.tags },
    );
    broadcast({ event: 'annotations.changed', pageId: annotation.pageId }, { claim: annotation });
    return ok({ annotation });
  },
};

/** Forget what was published to and read from the old folder (colleagues' claims already merged stay). */
async function resetTeamState(db: HandlerDeps['db']): Promise<void> {
  await db.transaction('rw', [db.teamOutbox, db.teamParts, db.teamPublished, db.teamApplied, db.teamMembers], async () => {
    await Promise.all([db.teamOutbox.clear(), db.teamParts.clear(), db.teamPublished.clear(), db.teamApplied.clear(), db.teamMembers.clear()]);
  });
}

/** A colleague's claim cannot be changed or deleted here (their next part would bring it back anyway). */
export async function readOnlyClaim(deps: HandlerDeps, id: string): Promise<boolean> {
  return !!(await deps.db.annotations.get(id))?.author;
}

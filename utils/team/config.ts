/**
 * Team settings and status (pure): what the reader typed in Settings → Team,
 * checked; what the last sync did, for the popup and settings. Both live in
 * extension storage (the background's `local:team.config` and
 * `local:team.status`), never in the database, never in a log.
 */
import type { ShareScope } from './publish';
import type { DavFailure } from './folder';
import { folderUrl, sendsPasswordInClear } from './folder';
import { MEMBER_ID } from './part';
import type { SyncReport } from './sync-types';

type SyncSchedule = { kind: 'change' } | { kind: 'interval'; minutes: number } | { kind: 'manual' };

export interface TeamConfig {
  enabled: boolean;
  /** The WebDAV folder, e.g. https://cloud.example.org/remote.php/dav/files/USER/Saqta/ */
  url: string;
  user: string;
  /** An app password (Nextcloud: Settings → Security → Devices & sessions). */
  password: string;
  /** The name colleagues see on this reader's claims. */
  displayName: string;
  /** This browser profile's folder in the team folder (made once, random). */
  memberId: string;
  scope: ShareScope;
  schedule: SyncSchedule;
  /** Optional team passphrase: files are encrypted before they leave the browser. */
  passphrase: string;
  /** This member's PBKDF2 salt (base64), made once. */
  salt: string;
  /** The reader chose to send the password over plain http:// (not loopback); asked again when the address changes. */
  plainHttp?: boolean;
  /** Share copies made by watch checks too (default: they stay in this browser). */
  shareWatch?: boolean;
}

/** What extension pages get: everything but the secrets. */
export type TeamConfigView = Omit<TeamConfig, 'password' | 'passphrase'> & { hasPassword: boolean; hasPassphrase: boolean };

const DEFAULT_SCHEDULE: SyncSchedule = { kind: 'change' };
export const MIN_INTERVAL = 5;
export const MAX_INTERVAL = 24 * 60;
/** Changes wait this long for more before an on-change sync. */
export const DEBOUNCE_MS = 5000;

function newMemberId(): string {
  return `m-${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

export function emptyConfig(memberId = newMemberId(), salt = ''): TeamConfig {
  return { enabled: false, url: '', user: '', password: '', displayName: '', memberId, scope: { kind: 'all' }, schedule: DEFAULT_SCHEDULE, passphrase: '', salt };
}

export function viewOf(c: TeamConfig): TeamConfigView {
  const { password, passphrase, ...rest } = c;
  return { ...rest, hasPassword: !!password, hasPassphrase: !!passphrase };
}

export class ConfigError extends Error {
  constructor(readonly field: 'url' | 'user' | 'password' | 'displayName' | 'scope' | 'schedule' | 'passphrase' | 'plainHttp', message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A patch from the settings page, checked; `password`/`passphrase` undefined keep the stored ones. */
export function mergeConfig(cur: TeamConfig, patch: Partial<TeamConfig>): TeamConfig {
  const next: TeamConfig = { ...cur };
  if (patch.url !== undefined) {
    next.url = patch.url.trim();
    if (next.url) next.url = folderUrl(next.url).href;
  }
  if (patch.user !== undefined) next.user = patch.user.trim().slice(0, 200);
  // The stored password goes to the address and user it was typed for, never to another (issue 23).
  const moved = (!!cur.url && next.url !== cur.url) || (!!cur.user && next.user !== cur.user);
  if (moved) {
    next.password = '';
    next.plainHttp = false;
  }
  if (patch.password !== undefined && patch.password !== '') next.password = patch.password.slice(0, 500);
  if (patch.plainHttp !== undefined) next.plainHttp = !!patch.plainHttp;
  if (patch.shareWatch !== undefined) next.shareWatch = !!patch.shareWatch;
  if (moved && cur.password && !next.password) throw new ConfigError('password', 'Type the password again for the new folder address or user.');
  if (next.url && sendsPasswordInClear(next.url) && !next.plainHttp) {
    throw new ConfigError('plainHttp', 'This address starts with http://: the password would cross the network unencrypted. Use https://, or choose “send my password unencrypted”.');
  }
  if (patch.displayName !== undefined) next.displayName = patch.displayName.trim().slice(0, 80);
  if (patch.passphrase !== undefined) next.passphrase = patch.passphrase.slice(0, 500);
  if (patch.scope !== undefined) {
    if (patch.scope.kind === 'tags') {
      const tags = [...new Set(patch.scope.tags.map((t) => t.trim()).filter(Boolean))].slice(0, 200);
      if (!tags.length) throw new ConfigError('scope', 'Choose at least one tag to share, or share everything.');
      next.scope = { kind: 'tags', tags };
    } else next.scope = { kind: 'all' };
  }
  if (patch.schedule !== undefined) {
    const s = patch.schedule;
    if (s.kind === 'interval') {
      const minutes = Math.round(Number(s.minutes));
      if (!Number.isFinite(minutes) || minutes < MIN_INTERVAL || minutes > MAX_INTERVAL) throw new ConfigError('schedule', `Sync every ${MIN_INTERVAL} to ${MAX_INTERVAL} minutes.`);
      next.schedule = { kind: 'interval', minutes };
    } else next.schedule = s.kind === 'manual' ? { kind: 'manual' } : { kind: 'change' };
  }
  if (patch.enabled !== undefined) next.enabled = !!patch.enabled;
  if (!MEMBER_ID.test(next.memberId)) next.memberId = newMemberId();
  if (next.enabled) {
    if (!next.url) throw new ConfigError('url', 'Enter the WebDAV folder address.');
    if (!next.user) throw new ConfigError('user', 'Enter the user name.');
    if (!next.password) throw new ConfigError('password', 'Enter the app password.');
    if (!next.displayName) throw new ConfigError('displayName', 'Enter the name colleagues will see.');
  }
  return next;
}

/** What the popup and settings show about sync. */
export interface TeamStatus {
  lastSyncAt: string | null;
  /** Last sync that completed without a failure. */
  lastOkAt: string | null;
  running: boolean;
  progress?: { phase: 'publish' | 'upload' | 'read'; done: number; total: number };
  failure: { kind: DavFailure | 'internal'; status: number | null; at: string } | null;
  /** Refused parts from colleagues (newest first, up to 50). */
  refused: { member: string; memberName: string; part: string; kind: string; at: string }[];
  /** Parts built and waiting for the server. */
  queuedParts: number;
  /** Changes not on the server yet (claims, deletions, copies), queued parts included. */
  pending: number;
  lastReport: Pick<SyncReport, 'uploaded' | 'merged' | 'manifests' | 'stats'> | null;
  /** The display name the last uploaded manifest carries (a change re-publishes it). */
  publishedName: string | null;
}

export const EMPTY_STATUS: TeamStatus = {
  lastSyncAt: null,
  lastOkAt: null,
  running: false,
  failure: null,
  refused: [],
  queuedParts: 0,
  pending: 0,
  lastReport: null,
  publishedName: null,
};

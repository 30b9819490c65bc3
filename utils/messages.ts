/**
 * The one message contract between Saqta's contexts (content script,
 * background, extension pages). Every request names its type; every answer
 * is a Result: a value, or an error with a code and a message a person can
 * read. Nothing answers `undefined`.
 *
 * To add a request: add it to `Api` with a comment, handle it in
 * utils/background/handle.ts, and call it with `send()` from utils/ext/client.ts.
 */
import type { Annotation, AnnotationBody, AnchorState, Color, Selector } from './annotation';
import type { PageRecord, TagRecord, CaptureRecord } from './db';
import type { PageKeys } from './url';
import type { BackupStatus, Settings } from './backup';
import type { EvidenceSettings } from './evidence/settings';
import type { SignedData } from './evidence/sign';
import type { TeamConfig, TeamConfigView, TeamStatus } from './team/config';
import type { ConnectionResult } from './team/connection';
import type { SyncReport } from './team/sync-types';
import type { CheckRecord, WatchRecord } from './watch/record';
import type { TimelineEntry } from './store/watch';
import type { PdfApi } from './pdf/api';
import type { SaveApi, SaveResult } from './save-api';
import type { LockApi } from './lock/api';
import type { WipeSettings } from './wipe';

export type { SaveApi, SaveResult, LockApi };
export type { AnchorReport, FrameInfo, TabAnswers, TabCommand, TabStatus } from './tab-api';

type ErrorCode =
  | 'bad-request'
  | 'unknown-type'
  | 'not-found'
  | 'quota-exceeded'
  | 'storage-failed'
  | 'unsupported'
  /** The sender may not make this request (a content script asking for what only Saqta's own pages may; utils/background/gate.ts). */
  | 'forbidden'
  /** The background stopped (killed, crashed, updated) before it answered; the request may be retried. */
  | 'interrupted'
  /** The library is locked (docs/lock.md): unlock first; nothing was done. */
  | 'locked'
  | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, message: string): Result<T> => ({
  ok: false,
  error: { code, message },
});

/** Page facts a content script can see, sent with requests that may create the page record. */
export interface PageInfo {
  keys: PageKeys;
  title: string;
  lang?: string;
  siteName?: string;
}

export interface PageView {
  page: PageRecord | null;
  annotations: Annotation[];
  /** Newest capture, if the page has a saved copy. */
  capture: CaptureRecord | null;
}

export interface CoreApi {
  /** Liveness and version of the background. */
  ping: { req: {}; res: { version: string } };
  /** The page known under any of these keys, its claims and newest capture. */
  'page.get': {
    req: {
      keys: PageKeys;
      /**
       * The page's fingerprint candidates (utils/anchoring/fingerprint-candidates.ts), when `keys`
       * has no fingerprint: when the URL and canonical link find no page, the background normalizes
       * and hashes them (fingerprintOf), off the page, and looks the page up by that.
       */
      paragraphs?: string[];
    };
    res: PageView;
  };
  /** A page by id (extension pages). */
  'page.byId': { req: { pageId: string }; res: PageView };
  /**
   * Use a colleague's copy of this article for the reader's views, exports and signatures instead of
   * their own newest (captureId), or go back to their own newest (null). Issue 23, utils/store/copy-choice.ts.
   */
  'page.chooseCopy': { req: { pageId: string; captureId: string | null }; res: PageView };
  /** Create a claim; creates the page record on first use. */
  'annotation.create': {
    req: { page: PageInfo; selector: Selector[]; body: AnnotationBody };
    res: { annotation: Annotation; page: PageRecord };
  };
  /** Change a claim's tags, note or colour. */
  'annotation.update': {
    req: { id: string; body: Partial<AnnotationBody> };
    res: { annotation: Annotation };
  };
  /** Record where claims anchored on the last load (for orphan lists). */
  'annotation.anchorStates': {
    req: { states: Record<string, AnchorState> };
    res: { changed: number };
  };
  'annotation.delete': { req: { id: string }; res: { annotation: Annotation } };
  /** Put a deleted claim back (undo). */
  'annotation.restore': { req: { annotation: Annotation }; res: { annotation: Annotation } };
  /** Pages in the library, newest first, with their claim counts. */
  'library.pages': {
    req: { offset: number; limit: number };
    res: { pages: (PageRecord & { claimCount: number })[]; total: number };
  };
  'tags.list': { req: {}; res: { tags: (TagRecord & { count: number })[] } };
  /** Persistent-storage state and usage, for the options page. */
  'storage.status': {
    req: {};
    res: { persisted: boolean; usage: number | null; quota: number | null };
  };
}

/** Requests of the highlighting feature (toolbar, side panel). */
export interface HighlightApi {
  /**
   * Load the highlighter (anchoring, overlay, toolbar: `/highlighter.js`) into
   * the asking frame. The always-on content script sends it without tabId and
   * frameId when the page has claims or the reader first selects text; the
   * background fills in the sender's.
   */
  'highlight.loadUi': { req: { tabId?: number; frameId?: number }; res: { loaded: true } };
}

/** Requests of the library, search, tags, export and import. */
export interface LibraryApi {
  /** Rename a tag on every claim; a name another tag has merges the two. */
  'tags.rename': { req: { name: string; newName: string }; res: { claims: number; merged: boolean } };
  /** Merge tags into one (created if needed). */
  'tags.merge': { req: { names: string[]; into: string }; res: { claims: number } };
  'tags.recolor': { req: { name: string; color: Color | null }; res: {} };
  /** Delete a tag and take it off every claim. */
  'tags.delete': { req: { name: string }; res: { claims: number } };
  /** Add and remove tags on many claims in one transaction. */
  'annotations.bulkTag': { req: { ids: string[]; add: string[]; remove: string[] }; res: { pages: number } };
  /** The library page imported a bundle (it writes the database itself): tell open tabs. */
  'library.imported': { req: { pageIds: string[] }; res: {} };
}

/** Requests of settings, storage health and backups. */
export interface SettingsApi {
  /** The reader's settings (backup reminder days, last export). */
  'settings.get': { req: {}; res: { settings: Settings } };
  /** Change settings a person may change (the reminder's number of days, opening a blocked site's copy automatically). */
  'settings.set': { req: { settings: Partial<Pick<Settings, 'backupReminderDays' | 'openCopyAutomatically'>> }; res: { settings: Settings } };
  /** How many claims are in no backup file yet, and whether to remind. */
  'backup.status': { req: {}; res: BackupStatus };
  /** A bundle was written to a file (library export calls this); `at` defaults to now. */
  'backup.exported': { req: { at?: string }; res: { settings: Settings } };
}

/** Requests of signing and trusted timestamps (issue 14; utils/background/evidence.ts). */
export interface EvidenceApi {
  /** The install's signing key (made on first use) and the timestamp settings and queue. */
  'evidence.status': {
    req: {};
    res: { fingerprint: string; fingerprintGrouped: string; publicKeyPem: string; keyCreated: string; settings: EvidenceSettings; waiting: number };
  };
  /** Turn trusted timestamps on or off and choose the TSA (the page asks for its host permission first). */
  'evidence.setTimestamps': { req: EvidenceSettings; res: { settings: EvidenceSettings } };
  /**
   * Sign an export's datapackage.json (WACZ signedData): the background checks it is a WACZ
   * datapackage, hashes the text itself and signs with `created` = the datapackage's `created`
   * (which the hash covers). No message signs an arbitrary hash (issue 24).
   */
  'evidence.signPackage': { req: { datapackage: string }; res: { signedData: SignedData; hash: string } };
  /** A timestamp token for a SHA-256 imprint (hex), now; fails when timestamps are off or the TSA cannot be reached. */
  'evidence.stamp': { req: { imprint: string }; res: { tsa: string; token: string; genTime: string; tsaName: string } };
  /** Try every due timestamp request now. */
  'evidence.runQueue': { req: {}; res: { stamped: number; waiting: number } };
}

/** A colleague as Settings → Team shows them: their key's fingerprint, confirmed or not, other keys and forks seen. */
export interface TeamMemberView {
  id: string;
  name: string;
  lastSeen: string;
  /** Hex fingerprint and its digit groups ('' when no key yet). */
  fingerprint: string;
  digits: string;
  confirmed: boolean;
  otherKeys: { key: string; fingerprint: string; digits: string; seen: string }[];
  forks: number[];
  /** Legacy field (always false now: a changed key no longer blocks a member). */
  keyChanged: boolean;
}

/** Requests of team sync (utils/background/team.ts, utils/team/). */
export interface TeamApi {
  /** Team settings without the password and passphrase. */
  'team.config': { req: {}; res: { config: TeamConfigView } };
  /** Change team settings; an empty password or passphrase keeps the stored one. */
  'team.configure': { req: { patch: Partial<TeamConfig> }; res: { config: TeamConfigView } };
  /** Test a folder (the fields typed, or the stored ones): what exactly is wrong. */
  'team.test': { req: { url?: string; user?: string; password?: string; plainHttp?: boolean }; res: { result: ConnectionResult } };
  /** Sync now (joins a sync already running); progress comes as `team.status` events. */
  'team.sync': { req: {}; res: { report: SyncReport } };
  /** Last sync, failures, queue, and the colleagues met. */
  'team.status': { req: {}; res: { status: TeamStatus; members: TeamMemberView[] } };
  /** This reader's own key fingerprint, to read aloud to colleagues (docs/team-trust.md). */
  'team.keys': { req: {}; res: { fingerprint: string; digits: string } }; // extension pages only
  /** The reader compared a member's fingerprint out of band: their claims stop showing "unconfirmed". */
  'team.confirmMember': { req: { member: string; fingerprint: string }; res: { confirmed: boolean } }; // extension pages only
  /** Forget a member's key (or switch to another key seen for them, after comparing it): unconfirmed again. */
  'team.resetMember': { req: { member: string; useKey?: string }; res: {} }; // extension pages only
  /** Copy a colleague's claim as the reader's own (editable, shared as theirs). */
  'team.copyClaim': { req: { id: string }; res: { annotation: Annotation } };
}

/** Watching articles for edits, removal and blocking (utils/background/watch.ts). */
export interface WatchSettings {
  /** Hours between checks of a watched article (6, 12, 24, 48, 168). */
  intervalHours: number;
  /** Articles with a claim under one of these tags are watched too. */
  tags: string[];
  /** Browser notifications when a check finds a change, removal or block. */
  notify: boolean;
  /** Sites (host names) whose watch checks send the browser's cookies; every other check is sent without them (issue 23). */
  cookieSites?: string[];
}

export interface WatchApi {
  /**
   * Revisit: the content script's text fingerprint of the live page that has a saved copy
   * (the background fills in the sender's tab). Compares the live article with the newest
   * capture when the fingerprint is not the one known for it.
   */
  'watch.revisit': {
    req: { pageId: string; fingerprint: string | null; tabId?: number; /** Instead of `fingerprint`: the page's digestCandidates, hashed in the background. */ digestParts?: string[] };
    res: { state: 'same' | 'changed' | 'unknown'; check: CheckRecord | null };
  };
  /** What Saqta knows of the live article: watch flag, state, the change not yet saved. */
  'watch.status': {
    req: { pageId: string };
    res: { watch: WatchRecord; change: CheckRecord | null; base: CaptureRecord | null; lastCheck: CheckRecord | null; newest: CaptureRecord | null };
  };
  /** Watch one article (or stop). */
  'watch.set': { req: { pageId: string; watched: boolean }; res: { watch: WatchRecord } };
  /** Watch settings and how many articles are watched. */
  'watch.settings': { req: {}; res: { settings: WatchSettings; watched: number } };
  'watch.configure': { req: { settings: Partial<WatchSettings> }; res: { settings: WatchSettings; watched: number } };
  /** Check one article now (the timeline's button). */
  'watch.checkNow': { req: { pageId: string }; res: { check: CheckRecord } };
  /** Captures and checks of an article, oldest first. */
  'watch.timeline': { req: { pageId: string }; res: { entries: TimelineEntry[]; watch: WatchRecord } };
  'watch.checks': { req: { pageId: string }; res: { checks: CheckRecord[] } };
}

/** Quick wipe (issue 28; utils/background/wipe.ts, docs/wipe.md). */
export interface WipeApi {
  /**
   * Destroy everything Saqta keeps in this profile, the lock's keys first, then the database,
   * extension storage (settings, team folder and credentials) and alarms. The countdown and its
   * cancelling are the page's (components/QuickWipe.tsx): this request is the end of it.
   */
  'wipe.everything': { req: {}; res: { wiped: true } };
  /** The "wipe after N wrong passphrases" setting (off by default). */
  'wipe.settings': { req: {}; res: { settings: WipeSettings } };
  'wipe.configure': { req: { settings: WipeSettings }; res: { settings: WipeSettings } };
}

export interface Api extends CoreApi, HighlightApi, SaveApi, LibraryApi, SettingsApi, EvidenceApi, TeamApi, WatchApi, PdfApi, LockApi, WipeApi {}

export type RequestType = keyof Api;

/**
 * Who may send each request (issue 24), enforced in one place: utils/background/gate.ts.
 *
 * - `content`: a content script may send it too, and it acts only on the sender's own tab and page
 *   (the gate takes the tab from `sender.tab`, never the request, and checks that a claim or page
 *   named in the request belongs to the sender's URL).
 * - `extension`: only Saqta's own pages (popup, side panel, library, options, reader), checked by
 *   the origin of `sender.url`. Library reads, signing, settings, team, watch and export are here.
 *
 * A new request type must be declared here (tsc fails otherwise); when in doubt, `extension`.
 */
type SenderScope = 'content' | 'extension';
export const SENDERS: { readonly [K in RequestType]: SenderScope } = {
  ping: 'content',
  // The content script's own page: its claims and newest capture (keys.normalizedUrl must be the sender's URL).
  'page.get': 'content',
  'page.byId': 'extension',
  'page.chooseCopy': 'extension',
  'annotation.create': 'content',
  'annotation.update': 'content',
  'annotation.anchorStates': 'content',
  'annotation.delete': 'content',
  'annotation.restore': 'content',
  'library.pages': 'extension',
  // The toolbar's tag suggestions: names, colours and counts, no claim or page.
  'tags.list': 'content',
  'storage.status': 'extension',
  'highlight.loadUi': 'content',
  'save.page': 'content',
  'save.captures': 'extension',
  'tags.rename': 'extension',
  'tags.merge': 'extension',
  'tags.recolor': 'extension',
  'tags.delete': 'extension',
  'annotations.bulkTag': 'extension',
  'library.imported': 'extension',
  'settings.get': 'extension',
  'settings.set': 'extension',
  'backup.status': 'extension',
  'backup.exported': 'extension',
  'evidence.status': 'extension',
  'evidence.setTimestamps': 'extension',
  'evidence.signPackage': 'extension',
  'evidence.stamp': 'extension',
  'evidence.runQueue': 'extension',
  'team.config': 'extension',
  'team.configure': 'extension',
  'team.test': 'extension',
  'team.sync': 'extension',
  'team.status': 'extension',
  'team.keys': 'extension',
  'team.confirmMember': 'extension',
  'team.resetMember': 'extension',
  // A colleague's claim on the sender's page, copied as the reader's own (the toolbar's "Copy as mine").
  'team.copyClaim': 'content',
  // The revisit digest of the sender's own tab, for a page it has (by URL) in the library.
  'watch.revisit': 'content',
  'watch.status': 'extension',
  'watch.set': 'extension',
  'watch.settings': 'extension',
  // The PDF viewer (an extension page) loads, saves and lets a PDF through to the browser's viewer.
  'pdf.load': 'extension',
  'pdf.save': 'extension',
  'pdf.bypass': 'extension',
  'pdf.local': 'extension',
  'pdf.areaImage': 'extension',
  'watch.configure': 'extension',
  'watch.checkNow': 'extension',
  'watch.timeline': 'extension',
  'watch.checks': 'extension',
  // The lock (docs/lock.md): Saqta's own pages only; a page never learns whether the library is locked.
  'lock.status': 'extension',
  'lock.setUp': 'extension',
  'lock.unlock': 'extension',
  'lock.lockNow': 'extension',
  'lock.changePassphrase': 'extension',
  'lock.setAutoLock': 'extension',
  // The in-page toolbar while locked: only whether it is, and opening the unlock page (no content, no state change).
  'lock.offer': 'content',
  'lock.openUnlock': 'content',
  // Quick wipe: only Saqta's own pages (a page's content script must never be able to wipe the library).
  'wipe.everything': 'extension',
  'wipe.settings': 'extension',
  'wipe.configure': 'extension',
};
export type Request<K extends RequestType = RequestType> = K extends RequestType
  ? { type: K } & Api[K]['req']
  : never;

/** Sent by the background to every tab and extension page when data changes. */
export type Event =
  /**
   * Claims of a page changed. Saqta's own pages also get the claim that changed (`claim`, `deleted` when it
   * went), to update it in place (the side panel); content scripts never do (utils/background/types.ts `broadcast`).
   */
  | { event: 'annotations.changed'; pageId: string; claim?: Annotation; deleted?: true }
  | { event: 'page.saved'; pageId: string }
  /** Tags changed; `claim` (Saqta's own pages only): by this claim's edit alone, already sent in its `annotations.changed`. */
  | { event: 'tags.changed'; claim?: Annotation }
  /** The reader chose which copy of the page to use (page.chooseCopy). */
  | { event: 'copy.chosen'; pageId: string }
  /** A capture of this page got its timestamp token, or its request failed and waits again (issue 14). */
  | { event: 'capture.stamped'; pageId: string }
  /** A capture's screenshot arrived after its save, or will not come (`notes.screenshot`). */
  | { event: 'capture.screenshot'; pageId: string; captureId: string }
  /** Team sync: progress and results (utils/background/team.ts). */
  | { event: 'team.status'; status: TeamStatus }
  /** Watching: a check or a revisit learned something about a live article, or its watch flag changed. */
  | { event: 'watch.changed'; pageId: string }
  /** Sent by a tab's content script when its claims landed somewhere else or became orphans (side panel order). */
  | { event: 'anchors.changed'; pageId: string | null }
  /** The library was locked or unlocked (docs/lock.md): pages reload what they show. */
  | { event: 'lock.changed' };

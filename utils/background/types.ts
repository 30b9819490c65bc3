/**
 * The background's types, imported by every handler module and by the
 * platform glue (utils/ext/): what a handler is, and what it is given
 * (`HandlerDeps`: the database, platform bridges, settings stores and the
 * services `main()` builds). Imports no handler module, so utils/background/
 * has no import cycle.
 */
import type { SaqtaDB } from '../db';
import type { Api, Event, Request, RequestType, Result, WatchSettings } from '../messages';
import type { Annotation } from '../annotation';
import type { Settings } from '../backup';
import type { ExtractedArticle } from '../extract';
import type { PageSnapshot } from '../snapshot/types';
import type { Fetched, Fetcher, HttpInfo } from '../snapshot/inline';
import type { EvidenceSettings } from '../evidence/settings';
import type { TsaPost } from '../evidence/queue';
import type { TeamConfig, TeamStatus } from '../team/config';
import type { ParsedArticle } from '../export/records';
import type { NetErrorClass } from '../watch/record';
import type { PdfHost } from '../pdf/api';
import type { Services } from './services';
import type { LockController } from '../lock/controller';
import type { WipeSettings } from '../wipe';

export interface HandlerDeps {
  db: SaqtaDB;
  version: string;
  /**
   * Tell every tab and extension page that something changed. `delta` (the claim that changed) goes to Saqta's own
   * pages only, merged into the event, so a side panel updates that claim instead of reloading.
   */
  broadcast(event: Event, delta?: ClaimDelta): void;
  storageStatus(): Promise<Api['storage.status']['res']>;
  /** What runs across requests (screenshot queue, one sync, one watch round, the key, the stamp queue; ./services.ts). Built in `main()`; made on first use where absent (tests). */
  services?: Services;
  /** Settings and backup reminder (utils/background/settings.ts); absent where there is no storage. */
  settings?: SettingsStore;
  /** Saving: what the background can do in tabs (inject, fetch, screenshot). Absent in tests that do not save. */
  capture?: CaptureBridge;
  /** Highlighting: loads the highlighter into a frame. Absent in tests that do not highlight. */
  highlighter?: HighlighterInjector;
  /** Signing and trusted timestamps (utils/background/evidence.ts). Absent in tests that do not sign. */
  evidence?: EvidenceDeps;
  /** Team sync: settings, status and network (utils/background/team.ts). Absent in tests that do not sync. */
  team?: TeamHost;
  /** Watching: fetch/extract/notify bridge and watch settings. Absent in tests that do not watch. */
  watch?: WatchDeps;
  /** PDFs: bytes held from navigations, refetching, letting a URL through (utils/ext/pdf-open.ts). Absent in tests without PDFs. */
  pdf?: PdfHost;
  /** The lock (utils/background/lock.ts, docs/lock.md). Absent where there is no lock (most tests). */
  lock?: LockHost;
  /** Quick wipe: destroy everything, and its setting (utils/ext/wipe.ts). Absent in tests that do not wipe. */
  wipe?: WipeHost;
}

export interface LockHost {
  controller: LockController;
  /** Save the idle time and set the browser's idle detection to it. */
  setAutoLock(minutes: number): Promise<void>;
  /** A localized message (the background has i18n); '' when unknown. */
  text(key: string): string;
  /** After a wrong passphrase: the quick wipe's "wipe after N wrong passphrases" (utils/ext/wipe.ts); true if it wiped. */
  wrongSecret?(): Promise<boolean>;
  /** The in-page toolbar's "Unlock to highlight": open Saqta's unlock page in a new tab. */
  openUnlock?(): Promise<void>;
}

/** What the platform does for a wipe (utils/ext/wipe.ts; rules in utils/wipe.ts). */
export interface WipeHost {
  /** The lock's keys first, then the database, extension storage and alarms. */
  everything(): Promise<void>;
  settings: { get(): Promise<WipeSettings>; set(next: WipeSettings): Promise<WipeSettings> };
}

/** The claim an `annotations.changed` event is about (utils/messages.ts `Event`). */
export type ClaimDelta = { claim: Annotation; deleted?: true };

export type Handler<K extends RequestType> = (req: Request<K>, deps: HandlerDeps) => Promise<Result<Api[K]['res']>>;
/** Handlers for a subset of the requests (each feature module exports one). */
export type HandlerSet<A> = { [K in keyof A & RequestType]: Handler<K> };

/** Where the background keeps settings (utils/ext/storage-items.ts: WXT storage). */
export interface SettingsStore {
  get(): Promise<Settings>;
  set(patch: Partial<Settings>): Promise<Settings>;
}

/** What the background can do in a tab for highlighting (entrypoints/background.ts implements it). */
interface HighlighterInjector {
  /** Run `/highlighter.js` in one frame of a tab, in the content scripts' isolated world. */
  inject(tabId: number, frameId: number): Promise<void>;
}

/** What the capture script (entrypoints/capture.ts) returns from the page. */
export interface CapturePayload {
  url: string;
  title: string;
  canonical: string | null;
  lang?: string;
  article: ExtractedArticle | null;
  snapshot: PageSnapshot;
  /** URLs of every resource the page loaded (resource timing), for the web archive. */
  resources?: string[];
}

export interface CaptureBridge {
  /** Inject the capture script into the tab and return what it found. */
  capture(tabId: number): Promise<CapturePayload>;
  /** Fetch a resource (images, stylesheets, fonts) with the extension's permissions. */
  fetch: Fetcher;
  /** The page's HTML as the server sends it (cache first), and the URL after redirects. */
  fetchRaw(url: string): Promise<(Fetched & { finalUrl: string }) | null>;
  /**
   * Full-page screenshot of the tab, still showing `url`, with `label` drawn on it (PNG), or null
   * when the platform cannot. Throws `TabGone` when the tab was closed or left `url` first.
   */
  screenshot(tabId: number, label: string, url: string): Promise<Uint8Array | null>;
  /** "Chromium 142.0.7444.59" and the like. */
  browser(): Promise<string>;
  /** The toolbar badge of the tab a save was made from: ✓ or ! (absent in tests). */
  badge?(tabId: number, ok: boolean): Promise<void>;
}

export interface EvidenceDeps {
  subtle: SubtleCrypto;
  settings: { get(): Promise<EvidenceSettings>; set(next: EvidenceSettings): Promise<EvidenceSettings> };
  post: TsaPost;
  /** Wake the queue at this time (an alarm), or stop waking it (null). */
  schedule(at: string | null): void;
}

export interface TeamHost {
  getConfig(): Promise<TeamConfig>;
  setConfig(c: TeamConfig): Promise<void>;
  getStatus(): Promise<TeamStatus>;
  setStatus(s: TeamStatus): Promise<void>;
  software: string;
  fetch?: typeof fetch;
  /** The browser's net::ERR_ name for a failed request to this URL, if it saw one (webRequest). */
  lastNetError?(url: string): string | undefined;
  /** Settings changed: set or clear the periodic alarm. */
  scheduleChanged?(c: TeamConfig): void;
  /** Sanitize a colleague part's saved HTML with the save-time DOMPurify configuration (a DOM: offscreen document / event page / jsdom). */
  clean(articles: ParsedArticle[]): Promise<void>;
}

/** What one fetch of a watched URL gave (`http`: the exchange, kept with a changed page's capture). */
export type FetchOutcome =
  | { ok: true; status: number; finalUrl: string; bytes: Uint8Array; mime: string; http?: HttpInfo }
  | { ok: false; errorClass: NetErrorClass; error: string };

/** An article extracted from HTML, with its paragraphs (and the page snapshot when asked). */
export interface Extracted {
  article: ExtractedArticle | null;
  paragraphs: string[];
  snapshot?: PageSnapshot;
}

export interface WatchBridge {
  /** GET the URL from this browser, classifying a failure; the browser's cookies only when `cookies` (the reader chose this site). */
  fetchPage(url: string, opts?: { cookies: boolean }): Promise<FetchOutcome>;
  /** Readability and paragraphs of a page's HTML, off the page's main thread (offscreen document / event page). */
  extract(html: string, url: string, withSnapshot: boolean): Promise<Extracted>;
  /** Paragraphs of a saved article's HTML. */
  paragraphs(articleHtml: string): Promise<string[]>;
  /** The HTML of the page shown in a tab, as it is now. */
  tabHtml(tabId: number): Promise<{ html: string; url: string }>;
  /** Resources (images, stylesheets) for the capture. */
  fetchResource: Fetcher;
  notify(pageId: string, title: string, message: string): Promise<void>;
  browser(): Promise<string>;
  /** Localized notification texts (the background has i18n). */
  text(key: string, ...args: string[]): string;
}

interface WatchSettingsStore {
  get(): Promise<WatchSettings>;
  set(patch: Partial<WatchSettings>): Promise<WatchSettings>;
}

interface WatchDeps {
  bridge?: WatchBridge;
  settings?: WatchSettingsStore;
  /** Tell the scheduler the interval changed (alarms). */
  reschedule?(hours: number): Promise<void>;
}

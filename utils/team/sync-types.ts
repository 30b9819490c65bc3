/** What team sync is given and gives back: the reader's identity, options, progress, the report. */
import type { DavFailure, DavStats } from './dav';
import type { ShareScope } from './publish';
import type { RefusalKind } from './records';
import type { ParsedArticle } from '../export/records';

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

export interface SyncOptions {
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

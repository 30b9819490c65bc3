/**
 * The records of the Saqta database (utils/db.ts holds the schema that stores
 * them): pages, captures and their artifacts, blobs, tags, texts, time-stamp
 * jobs, search terms. Types only.
 */
import type { Color } from './annotation';

export interface PageRecord {
  id: string;
  /** The URL the page was first met at. */
  url: string;
  normalizedUrl: string;
  canonicalUrl?: string;
  normalizedCanonical?: string;
  /** Text fingerprint of the extracted article (mirrors with other URLs). */
  fingerprint?: string;
  /** Every other normalized URL this article was met at. */
  aliases: string[];
  title: string;
  byline?: string;
  siteName?: string;
  lang?: string;
  dir?: 'ltr' | 'rtl';
  publishedTime?: string;
  excerpt?: string;
  wordCount?: number;
  createdAt: string;
  updatedAt: string;
  /** Time of the newest capture, if the page was ever saved. */
  savedAt?: string;
  /**
   * The colleague's copy (capture id) the reader chose to use for this article instead of their own
   * newest (issue 23; utils/store/copy-choice.ts). The reader's alone: never exported, published or imported.
   */
  chosenCopy?: string;
}

/** `resource`: the body of a resource the page loaded (script, style, font…), held for its WARC response record. */
export type ArtifactKind = 'article' | 'snapshot' | 'raw' | 'screenshot' | 'image' | 'resource';

export interface ArtifactRef {
  kind: ArtifactKind;
  blobId: string;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
  size: number;
  mime: string;
  /** For images: the URL the image had on the page. */
  sourceUrl?: string;
  /**
   * When the artifact was added to a capture already stored (the screenshot follows the save's ✓;
   * utils/store/captures.ts `attachScreenshot`). Such artifacts are not in the record hash a
   * timestamp requested at save covers (utils/evidence/record.ts); absent on everything else.
   */
  addedAt?: string;
}

export type ScreenshotState = 'ok' | 'failed' | 'none' | 'pending' | 'tab-closed' | 'interrupted';

/** What was captured, when, with what: the proof that travels with a save. */
export interface CaptureRecord {
  id: string;
  pageId: string;
  url: string;
  finalUrl: string;
  /** ISO 8601 UTC. */
  capturedAt: string;
  browser: string;
  extensionVersion: string;
  artifacts: ArtifactRef[];
  /** Team sync (v40): the colleague who saved this copy, absent on the reader's own saves; their key's fingerprint (hex), whether the reader confirmed it. */
  author?: { id: string; name: string; unconfirmed?: boolean; fingerprint?: string };
  /** What the save could not get (resources that failed, no screenshot…), for the reader to see. */
  notes?: {
    failedResources?: string[];
    /**
     * Resources of other origins re-fetched without cookies (issue 24): the page could not read
     * their answers, so the save does not carry a private one; one that needs cookies is in
     * `failedResources` instead.
     */
    withoutCookies?: number;
    /**
     * The screenshot follows the save (utils/background/save.ts): 'pending' while it is being taken,
     * then 'ok' (its artifact added), 'failed', 'tab-closed' (the tab was closed or left the page
     * first) or 'interrupted' (the background was stopped first). 'none': saved by watching from the
     * fetched HTML, with no tab to take a screenshot of.
     */
    screenshot?: ScreenshotState;
    /** Why the screenshot failed, in the browser's words (for the record; the reader sees `screenshot`). */
    screenshotError?: string;
    timingsMs?: Record<string, number>;
    /** Who saved it: the reader (absent) or a watch check (utils/background/watch.ts). */
    by?: 'watch';
    /**
     * A PDF (utils/capture/pdf.ts, docs/pdf.md): the SHA-256 of its bytes, whether they are the bytes
     * served for the navigation ('served') or a second fetch's ('refetched': the main exchange holds
     * that fetch's headers), its /ID pair and page count. Not indexed: no schema change.
     */
    pdf?: { sha256: string; source: 'served' | 'refetched' | 'file'; ids: string[]; pages: number };
  };
  /**
   * Imported from a file (issue 24): whose signature the file carried — a key (its hex fingerprint) or
   * none. The evidence sheet says PROVED / SIGNED BY AN UNKNOWN KEY / NOT SIGNED from it. Not indexed;
   * not in the record's hash (utils/evidence/record.ts).
   */
  imported?: { signature: 'valid' | 'unsigned'; fingerprint?: string };
  /** RFC 3161 timestamp of the record's hash (utils/evidence/): waiting in the queue, or the token. */
  timestamp?: CaptureTimestamp;
  /** The HTTP exchanges recorded at save time (WARC request/response pairs on export; utils/wacz/records.ts). Not indexed. */
  exchanges?: Exchange[];
}

/** A capture's trusted timestamp (v20, issue 14). The token travels in exports. */
export interface CaptureTimestamp {
  state: 'waiting' | 'stamped';
  /** The TSA's URL. */
  tsa: string;
  /** Hex SHA-256 of the record's canonical JSON (utils/evidence/record.ts): what the token covers. */
  recordHash: string;
  /** base64 DER TimeStampToken, once stamped. */
  token?: string;
  /** The TSA's time in the token (ISO 8601 UTC). */
  genTime?: string;
  /** The TSA's name from its certificate. */
  tsaName?: string;
  /** Imported, and no CA the reader trusts vouches for the TSA's chain: "time-stamped by <tsaName>, not checked". */
  unchecked?: true;
  /** While waiting: why the last try failed, and when the next one is due. */
  lastError?: string;
  nextTry?: string;
}

/** A timestamp request waiting for its TSA (v20): retried with back-off until it gets a token. */
export interface StampJob {
  /** The capture's id. */
  id: string;
  /** ISO time the next try is due (indexed). */
  due: string;
  attempts: number;
}

/** One recorded HTTP exchange of a capture: the body is the blob `blobId` (shared with an image artifact when it is one). */
export interface Exchange {
  url: string;
  method: string;
  /** ISO time the response came. */
  date: string;
  status: number;
  statusText: string;
  requestHeaders: [string, string][];
  /** As sent, except Content-Encoding/Transfer-Encoding renamed X-Orig-… (the body is stored decoded) and Content-Length set to the stored body's. */
  responseHeaders: [string, string][];
  blobId: string;
  /** The page's main document. */
  main?: boolean;
}

export interface BlobRecord {
  id: string;
  pageId: string;
  captureId: string;
  kind: ArtifactKind;
  sha256: string;
  size: number;
  mime: string;
  data: Blob;
}

export interface TagRecord {
  id: string;
  name: string;
  /** Case- and script-folded name: tags are unique by it (absent on a merged tag's row). */
  key: string;
  color?: Color;
  created: string;
  /** Merged into this tag (v60, utils/store/tag-id-core.ts): claims still holding this id read as that tag. */
  mergedInto?: string;
}

/** The plain text of a saved article, with its search terms (v3; filled by utils/search/articles.ts). */
export interface TextRecord {
  pageId: string;
  /** The article blob the text came from; a newer save replaces it. */
  blobId: string;
  text: string;
  terms: string[];
}

export type { CheckRecord, WatchRecord } from './watch/record';

/** Search terms kept on records by the hooks below (v3); never part of exports. */
export interface Indexed {
  terms?: string[];
}

/**
 * A claim's search terms (v50): the folded words of its quote and note only,
 * in their own table keyed by the claim's id, so rewriting a claim (a tag
 * rename over 10,000 claims) rewrites none of its ~30 term index entries.
 * Tags are searched through the tags table and the claims' `body.tags` index.
 */
export interface ClaimTermsRecord {
  id: string;
  terms: string[];
}

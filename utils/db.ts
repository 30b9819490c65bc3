/**
 * The one Saqta database. It lives in the extension's origin and is opened
 * only by the background (and by extension pages for read-heavy views through
 * the same module); content scripts never open IndexedDB, because theirs is
 * the page's origin.
 *
 * Every schema version stays declared here forever. A new version adds a
 * `version(N)` block with its `upgrade()` and a test in
 * tests/unit/db-migration.test.ts that opens the old shape and checks the new.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { Annotation, Color } from './annotation';
import { annotationTerms, claimTextTerms, pageTerms } from './search/terms';
import type { KeyRecord } from './evidence/keys';
import type { TeamAppliedRecord, TeamMemberRecord, TeamOutboxRecord, TeamPartRecord, TeamPublishedRecord } from './team/records';

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
   * newest (issue 23; utils/team/copy-choice.ts). The reader's alone: never exported, published or imported.
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
    pdf?: { sha256: string; source: 'served' | 'refetched'; ids: string[]; pages: number };
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
  /** Case- and script-folded name: tags are unique by it. */
  key: string;
  color?: Color;
  created: string;
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
import type { CheckRecord, WatchRecord } from './watch/record';

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

export const DB_NAME = 'saqta';

/** Schema declarations by version; never edit an old one, add a new one. */
export const SCHEMA = {
  1: {
    pages: 'id, normalizedUrl, normalizedCanonical, fingerprint, *aliases, siteName, savedAt, updatedAt',
    annotations: 'id, pageId, *body.tags, body.color, modified',
    captures: 'id, pageId, capturedAt',
    blobs: 'id, pageId, captureId, kind',
    tags: 'id, &key',
  },
  2: {
    // v2: where each claim last anchored, so lists can show orphans without the page.
    annotations: 'id, pageId, *body.tags, body.color, modified, anchor',
  },
  3: {
    // v3 (library): folded search terms on claims and pages (kept by hooks),
    // article texts with theirs, and pages by creation time for the library.
    pages: 'id, normalizedUrl, normalizedCanonical, fingerprint, *aliases, siteName, savedAt, updatedAt, createdAt, *terms',
    annotations: 'id, pageId, *body.tags, body.color, modified, anchor, created, *terms',
    texts: 'pageId, blobId, *terms',
  },
  20: {
    // v20 (evidence, issue 14): the install's signing key pair (CryptoKeys, private one
    // non-extractable, stored by structured clone) and the queue of timestamp requests.
    keys: 'id',
    stamps: 'id, due',
  },
  30: {
    // v30 (watch): check records of live articles (hashed, chained per page) and each
    // article's watch flag and live state (changed since saved, gone, blocked).
    checks: 'id, pageId, at, [pageId+at]',
    watches: 'pageId, watched, state',
  },
  40: {
    // v40 (team sync, utils/team/): the parts this member built and has not
    // uploaded yet (the queue), the parts uploaded (listed by the manifest),
    // what was published (to find what changed), the colleagues' parts read
    // or refused, and the colleagues met.
    teamOutbox: 'seq',
    teamParts: 'seq',
    teamPublished: 'key',
    teamApplied: 'key, member',
    teamMembers: 'id',
  },
  50: {
    // v50 (library at scale, issue 18): claims' search terms move out of the
    // claim into `claimTerms` (text words only); tags are found by name.
    annotations: 'id, pageId, *body.tags, body.color, modified, anchor, created',
    claimTerms: 'id, *terms',
  },
} as const;

export class SaqtaDB extends Dexie {
  pages!: EntityTable<PageRecord & Indexed, 'id'>;
  annotations!: EntityTable<Annotation & Indexed, 'id'>;
  texts!: EntityTable<TextRecord, 'pageId'>;
  claimTerms!: EntityTable<ClaimTermsRecord, 'id'>;
  captures!: EntityTable<CaptureRecord, 'id'>;
  blobs!: EntityTable<BlobRecord, 'id'>;
  tags!: EntityTable<TagRecord, 'id'>;
  keys!: EntityTable<KeyRecord, 'id'>;
  stamps!: EntityTable<StampJob, 'id'>;
  teamOutbox!: EntityTable<TeamOutboxRecord, 'seq'>;
  teamParts!: EntityTable<TeamPartRecord, 'seq'>;
  teamPublished!: EntityTable<TeamPublishedRecord, 'key'>;
  teamApplied!: EntityTable<TeamAppliedRecord, 'key'>;
  teamMembers!: EntityTable<TeamMemberRecord, 'id'>;
  checks!: EntityTable<CheckRecord, 'id'>;
  watches!: EntityTable<WatchRecord, 'pageId'>;

  /**
   * Why the last write transaction was aborted by IndexedDB itself (a full
   * disk aborts it with QuotaExceededError, but Dexie hands callers the
   * requests' AbortError). utils/background/handle.ts reads it to tell the
   * reader the real reason.
   */
  lastAbort: { name: string; at: number } | null = null;
  private writing = new Set<Promise<void>>();

  /** Resolves when every transaction open now has committed or aborted. */
  settled(): Promise<void> {
    return Promise.all([...this.writing]).then(() => undefined);
  }

  constructor(name = DB_NAME) {
    super(name);
    this.use({
      stack: 'dbcore',
      name: 'saqta-abort-cause',
      create: (down) => ({
        ...down,
        transaction: (stores, mode, options) => {
          const tx = down.transaction(stores, mode, options) as unknown as IDBTransaction;
          if (mode === 'readwrite' && tx.addEventListener) {
            const done = new Promise<void>((resolve) => {
              tx.addEventListener('complete', () => resolve());
              tx.addEventListener('error', () => resolve());
              tx.addEventListener('abort', () => {
                if (tx.error) this.lastAbort = { name: tx.error.name, at: Date.now() };
                resolve();
              });
            });
            this.writing.add(done);
            void done.then(() => this.writing.delete(done));
          }
          return tx as never;
        },
      }),
    });
    this.version(1).stores(SCHEMA[1]);
    this.version(2)
      .stores(SCHEMA[2])
      .upgrade((tx) =>
        tx
          .table('annotations')
          .toCollection()
          .modify((a: Partial<Annotation>) => {
            if (!a.anchor) a.anchor = 'unknown';
          }),
      );
    this.version(3)
      .stores(SCHEMA[3])
      .upgrade(async (tx) => {
        await tx.table('annotations').toCollection().modify((a: Annotation & Indexed) => {
          a.terms = annotationTerms(a);
        });
        await tx.table('pages').toCollection().modify((p: PageRecord & Indexed) => {
          p.terms = pageTerms(p);
        });
      });
    // v20: two new tables, nothing to convert.
    this.version(20).stores(SCHEMA[20]);
    // v30: new tables only; nothing to convert.
    this.version(30).stores(SCHEMA[30]);
    // v40: team-sync tables only; existing claims and captures stay the reader's own (no author).
    this.version(40).stores(SCHEMA[40]);
    // v50: each claim's text terms into `claimTerms`, and off the claim.
    this.version(50)
      .stores(SCHEMA[50])
      .upgrade(async (tx) => {
        const claims = tx.table('annotations');
        // Tags are searched by the tags table's names from now on: a tag some claim holds but the
        // table lacks (no writer makes one, but an old library might have one) is added to it.
        const keys = new Set(((await tx.table('tags').toArray()) as TagRecord[]).map((t) => t.key));
        const missing = new Map<string, string>();
        let last: string | undefined;
        for (;;) {
          const rows = (await (last === undefined ? claims.orderBy('id') : claims.where('id').above(last)).limit(2000).toArray()) as (Annotation & Indexed)[];
          if (!rows.length) break;
          last = rows[rows.length - 1]!.id;
          for (const a of rows) {
            delete a.terms;
            for (const name of a.body?.tags ?? []) {
              const key = name.replace(/\s+/g, ' ').trim().toLocaleLowerCase();
              if (key && !keys.has(key) && !missing.has(key)) missing.set(key, name);
            }
          }
          // Put back without `terms`: the terms middleware writes their claimTerms rows.
          await claims.bulkPut(rows);
        }
        const created = new Date().toISOString();
        if (missing.size) await tx.table('tags').bulkAdd([...missing].map(([key, name]) => ({ id: `urn:uuid:${crypto.randomUUID()}`, name, key, created })));
      });
    this.use(termsMiddleware());
  }
}

const FRESH = Symbol('saqta.freshTerms');
const SAME_TEXT = Symbol('saqta.sameText');

/**
 * Hand a page to the next add/put with `terms` the writer derived itself:
 * the terms middleware keeps them instead of re-deriving. The mark is a
 * symbol, so it is never stored (structured clone drops symbol keys).
 */
export function withFreshTerms<T extends object>(record: T, terms: string[]): T {
  (record as T & Indexed).terms = terms;
  (record as Record<symbol, unknown>)[FRESH] = true;
  return record;
}

/**
 * Hand a claim to the next put whose quote and note the writer did not
 * change (utils/store/tag-admin.ts: tags and time only): the middleware
 * leaves its `claimTerms` row alone instead of folding its text again and
 * comparing. A symbol mark, never stored.
 */
export function withSameText<T extends object>(record: T): T {
  (record as Record<symbol, unknown>)[SAME_TEXT] = true;
  return record;
}

const sameList = (a: readonly string[] | undefined, b: readonly string[]) => !!a && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Keep the search index in step with claims and pages on every write,
 * whoever writes them (save, highlight edits, import merge, team sync, watch
 * captures), so no writer needs to know about it. A DBCore middleware rather
 * than Dexie's `updating` hook (the hook read and diffed every record again).
 *
 * Pages carry their `terms` (v3). Claims (v50) do not: their quote and note
 * terms live in `claimTerms`, written in the same transaction (every
 * read-write transaction over `annotations` is widened to `claimTerms`), and
 * only when they changed (the stored row is read and compared), so a put that
 * changes tags, colour or anchor writes the claim alone and none of its ~30
 * term index entries. Deletes delete the rows. A small memo spares folding
 * the same text twice.
 */
function termsMiddleware(): Parameters<Dexie['use']>[0] {
  const memo = new Map<string, string[]>();
  const remember = (key: string, make: () => string[]) => {
    let out = memo.get(key);
    if (!out) {
      out = make();
      if (memo.size >= 2000) memo.delete(memo.keys().next().value as string);
      memo.set(key, out);
    }
    return out;
  };
  const pageTermsOf = (p: PageRecord) => remember(`p${p.title}\u0000${p.siteName ?? ''}\u0000${p.byline ?? ''}\u0000${p.url}`, () => pageTerms(p)).slice();
  const claimTermsOf = (a: Annotation) => {
    const quote = a.target?.selector?.find((s) => s.type === 'TextQuoteSelector');
    const exact = quote && 'exact' in quote ? quote.exact : '';
    return remember(`a${exact}\u0000${a.body?.note ?? ''}`, () => claimTextTerms(a));
  };
  return {
    stack: 'dbcore',
    name: 'saqta-terms',
    create: (down) => ({
      ...down,
      transaction: (stores, mode, options) =>
        down.transaction(mode === 'readwrite' && stores.includes('annotations') && !stores.includes('claimTerms') ? [...stores, 'claimTerms'] : stores, mode, options),
      table: (name) => {
        const table = down.table(name);
        if (name === 'pages') {
          return {
            ...table,
            mutate: (req) => {
              if (req.type === 'add' || req.type === 'put') {
                for (const v of req.values as (Indexed & Record<symbol, unknown>)[]) {
                  if (!v || typeof v !== 'object') continue;
                  if (v[FRESH]) delete v[FRESH];
                  else v.terms = pageTermsOf(v as never);
                }
              }
              return table.mutate(req);
            },
          };
        }
        if (name !== 'annotations') return table;
        return {
          ...table,
          mutate: async (req) => {
            const trans = req.trans as unknown as IDBTransaction;
            // Before v50 exists (an older version's upgrade step), claims keep what the step wrote.
            if (trans.objectStoreNames && !trans.objectStoreNames.contains('claimTerms')) return table.mutate(req);
            const side = down.table('claimTerms');
            if (req.type === 'delete') {
              const res = await table.mutate(req);
              await side.mutate({ type: 'delete', trans: req.trans, keys: req.keys });
              return res;
            }
            if (req.type === 'deleteRange') {
              const res = await table.mutate(req);
              await side.mutate({ type: 'deleteRange', trans: req.trans, range: req.range });
              return res;
            }
            const rows: { at: number; id: string; terms: string[] }[] = [];
            (req.values as (Annotation & Indexed & Record<symbol, unknown>)[]).forEach((v, at) => {
              if (!v || typeof v !== 'object') return;
              delete v.terms;
              if (v[SAME_TEXT]) delete v[SAME_TEXT];
              else rows.push({ at, id: v.id, terms: claimTermsOf(v) });
            });
            const res = await table.mutate(req);
            const written = res.numFailures ? rows.filter((r) => !res.failures[r.at]) : rows;
            if (written.length) {
              const stored = (await side.getMany({ trans: req.trans, keys: written.map((r) => r.id) })) as (ClaimTermsRecord | undefined)[];
              const changed = written.filter((r, i) => !sameList(stored[i]?.terms, r.terms)).map(({ id, terms }) => ({ id, terms: terms.slice() }));
              if (changed.length) await side.mutate({ type: 'put', trans: req.trans, values: changed });
            }
            return res;
          },
        };
      },
    }),
  };
}

let shared: SaqtaDB | undefined;

/** The database of this extension; one connection per context. */
export function getDb(): SaqtaDB {
  shared ??= new SaqtaDB();
  return shared;
}

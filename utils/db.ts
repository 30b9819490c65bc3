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
import type { Annotation } from './annotation';
import { termsMiddleware } from './search/terms-middleware';
import { tagIdsMiddleware, upgradeToTagIds } from './store/tag-id-core';
import { annotationTerms, pageTerms } from './search/terms';
import { lockMiddleware, type Keyring } from './lock/middleware';
import type { KeyRecord } from './evidence/keys';
import type { TeamAppliedRecord, TeamMemberRecord, TeamOutboxRecord, TeamPartRecord, TeamPublishedRecord } from './team/records';
import type {
  BlobRecord, CaptureRecord, CheckRecord, ClaimTermsRecord, Indexed, PageRecord, StampJob, TagRecord, TextRecord, WatchRecord,
} from './records';

/** The record types live in ./records.ts; importers of the database find them here too. */
export type * from './records';

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
  60: {
    // v60 (issue 29): claims refer to tags by id (`body.tagIds`); readers still see names
    // (utils/store/tag-id-core.ts, docs/tag-ids.md), so a rename writes one tags row.
    annotations: 'id, pageId, *body.tagIds, body.color, modified, anchor, created',
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

  /** `keyring`: the lock's state and keys (utils/lock/, docs/lock.md); the shared one unless a test brings its own. */
  constructor(name = DB_NAME, readonly keyring: Keyring = LOCK_KEYRING) {
    super(name);
    this.use(lockMiddleware(keyring));
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
    // v60: tag names on claims become the tags' ids, on the raw stores (a locked library's sealed claims
    // are converted once it is open: convertNamedTagClaims).
    this.version(60)
      .stores(SCHEMA[60])
      .upgrade((tx) => upgradeToTagIds((tx as unknown as { idbtrans: IDBTransaction }).idbtrans).then(() => undefined));
    this.use(tagIdsMiddleware());
    this.use(termsMiddleware());
  }
}

/** The lock's keyring of this context: the background and the library page set it (utils/lock/session.ts). */
export const LOCK_KEYRING: Keyring = { state: 'off' };

let shared: SaqtaDB | undefined;

/** The database of this extension; one connection per context. */
export function getDb(): SaqtaDB {
  shared ??= new SaqtaDB();
  return shared;
}

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
import { annotationTerms, pageTerms } from './search/terms';

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
}

export type ArtifactKind = 'article' | 'snapshot' | 'raw' | 'screenshot' | 'image';

export interface ArtifactRef {
  kind: ArtifactKind;
  blobId: string;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
  size: number;
  mime: string;
  /** For images: the URL the image had on the page. */
  sourceUrl?: string;
}

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
  /** What the save could not get (resources that failed, no screenshot…), for the reader to see. */
  notes?: { failedResources?: string[]; screenshot?: 'ok' | 'failed'; timingsMs?: Record<string, number> };
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

/** Search terms kept on records by the hooks below (v3); never part of exports. */
export interface Indexed {
  terms?: string[];
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
} as const;

export class SaqtaDB extends Dexie {
  pages!: EntityTable<PageRecord & Indexed, 'id'>;
  annotations!: EntityTable<Annotation & Indexed, 'id'>;
  texts!: EntityTable<TextRecord, 'pageId'>;
  captures!: EntityTable<CaptureRecord, 'id'>;
  blobs!: EntityTable<BlobRecord, 'id'>;
  tags!: EntityTable<TagRecord, 'id'>;

  constructor(name = DB_NAME) {
    super(name);
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
    keepTerms(this.table('annotations'), annotationTerms);
    keepTerms(this.table('pages'), pageTerms);
  }
}

/** Keep `terms` in step with a record on every add, put and update, whoever writes it. */
function keepTerms<T extends object>(table: Dexie.Table, termsOf: (r: T) => string[]): void {
  table.hook('creating', (_key, obj: T & Indexed) => {
    obj.terms = termsOf(obj);
  });
  table.hook('updating', (mods: object, _key, obj: T) => {
    if (Object.keys(mods).every((k) => k === 'terms' || k === 'anchor' || k === 'modified' || k === 'updatedAt')) return undefined;
    const next = structuredClone(obj) as T;
    for (const [path, value] of Object.entries(mods)) Dexie.setByKeyPath(next as object, path, value);
    return { terms: termsOf(next) };
  });
}

let shared: SaqtaDB | undefined;

/** The database of this extension; one connection per context. */
export function getDb(): SaqtaDB {
  shared ??= new SaqtaDB();
  return shared;
}

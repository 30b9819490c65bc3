/**
 * Team-sync records kept in the database (schema v40, utils/db.ts). Pure types.
 */

/** A part this member built and has not yet seen listed in its uploaded manifest: the offline queue. */
export interface TeamOutboxRecord {
  /** Part number, 1, 2, 3… per member, never reused. */
  seq: number;
  /** File name in the member's folder, e.g. `part-000001-3fa9c0de.saqta`. */
  name: string;
  /** The bytes as stored on the server (encrypted when the team uses a passphrase). */
  data: Blob;
  /** Hex SHA-256 of `data`. */
  sha256: string;
  bytes: number;
  created: string;
  /** What the part carries, for the status line. */
  counts: PartCounts;
  /** Set once the part itself is on the server (the manifest may still be missing it). */
  uploaded?: boolean;
  attempts: number;
  lastError?: string;
}

export interface PartCounts {
  claims: number;
  deleted: number;
  captures: number;
  pages: number;
}

/** A part of this member already on the server; the manifest lists them all. */
export interface TeamPartRecord {
  seq: number;
  name: string;
  sha256: string;
  bytes: number;
  created: string;
}

/**
 * What this member published, so the next part carries only what changed:
 * `a:<claim id>` → hash of the claim as published, `c:<capture id>` → 'sent',
 * `p:<page id>` → hash of the page record as published.
 */
export interface TeamPublishedRecord {
  key: string;
  hash: string;
}

/** A colleague's part, read and merged (or refused): `key` is `<member>/<part name>`. */
export interface TeamAppliedRecord {
  key: string;
  member: string;
  name: string;
  sha256: string;
  status: 'applied' | 'refused';
  /** Why it was refused (English, for the report; the UI shows the localized kind). */
  reason?: string;
  /** What refused it: 'hash' (bytes differ from the manifest), 'decrypt', 'bundle' (the import refused it). */
  kind?: 'hash' | 'decrypt' | 'bundle' | 'format';
  at: string;
}

/** A colleague seen in the team folder. */
export interface TeamMemberRecord {
  id: string;
  name: string;
  lastSeen: string;
  /** ETag of their manifest as last read: unchanged manifests cost a 304. */
  etag?: string;
  /** Signing hook (issue 14): the first public key seen for this member, pinned. */
  key?: string;
  /** Set when a later manifest carried another key: shown loudly, parts refused. */
  keyChanged?: string;
}

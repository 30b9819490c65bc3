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
  /** Signed at upload (sign.ts): the previous part's hash, the name signed under, the signature. */
  prev?: string | null;
  signedName?: string;
  sig?: string;
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
  prev?: string | null;
  signedName?: string;
  sig?: string;
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
  /** What refused it (RefusalKind; the UI shows it localized). */
  kind?: RefusalKind;
  /** The part's number in its member's chain (signed statement). */
  seq?: number;
  at: string;
}

/**
 * Why a colleague's part or manifest was refused (docs/team-trust.md):
 * - hash: the bytes differ from the signed hash, or are missing;
 * - too-large: bigger than its signed size or the cap (download cut off);
 * - decrypt, format, bundle: unreadable;
 * - unsigned: no signature (an older Saqta, or not written by Saqta);
 * - signature: a signature that does not verify (changed or forged);
 * - unknown-key: signed by another key than the member's, without the old key's consent;
 * - replay: a part number at or below one already read, or a chain link that does not match;
 * - fork: two different parts with the same number from the same member;
 * - reused-id: a record id that belongs to someone else's claim or copy;
 * - future: a copy dated in the future.
 */
export type RefusalKind = 'hash' | 'too-large' | 'decrypt' | 'bundle' | 'format' | 'unsigned' | 'signature' | 'unknown-key' | 'replay' | 'fork' | 'reused-id' | 'future';

/** A colleague seen in the team folder. */
export interface TeamMemberRecord {
  id: string;
  name: string;
  lastSeen: string;
  /** ETag of their manifest as last read: unchanged manifests cost a 304. */
  etag?: string;
  /**
   * The member's key (base64 SPKI) as first seen or as changed by a key
   * change its old key signed. Not trusted until `confirmed` holds its
   * fingerprint (the reader compared it out of band).
   */
  key?: string;
  /** Fingerprint (hex) of `key` when the reader confirmed it. */
  confirmed?: string;
  /** Other keys that claimed this member (refused; the reader may switch to one after comparing). */
  otherKeys?: { key: string; fingerprint: string; seen: string }[];
  /** `updated` of the last manifest accepted (an older one never renames the member). */
  manifestUpdated?: string;
  /** The last part of the member's chain read (applied or refused after its signature held). */
  head?: { seq: number; hash: string };
  /** Different parts with the same number (a fork), shown as a conflict. */
  forks?: { seq: number; hashes: string[]; seen: string }[];
  /** Legacy (before issue 23): kept so old records type-check; never set now. */
  keyChanged?: string;
}

/** A member's new key, signed by the old one (utils/team/sign.ts), as a part carries it. */
export interface KeyChange {
  /** base64 SPKI of the old and the new key. */
  from: string;
  to: string;
  at: string;
  /** By the OLD key. */
  sig: string;
}

/**
 * The team folder's file formats (pure).
 *
 *   saqta/<member-id>/manifest.json           written last, replaced by MOVE
 *   saqta/<member-id>/part-000001-<h8>.saqta   write-once, never changed
 *
 * A part holds what changed since the member's previous part:
 *   "SAQTA-PART/1\n" | header length (4 bytes, big-endian) | header JSON | bundle
 * - the header: member, part number, time, the ids of claims deleted since
 *   (tombstones) and what the bundle carries;
 * - the bundle: a Saqta bundle (utils/bundle/ write/read, the same format as
 *   an export) with the changed claims, their pages and the new saved copies;
 *   empty (0 bytes) when a part only deletes.
 * With a team passphrase the whole part, and the manifest's body, are
 * encrypted (crypto.ts); the manifest's hash is over the stored bytes, so a
 * reader checks a part before decrypting it.
 */
import type { KeyChange, PartCounts } from './records';

export const TEAM_DIR = 'saqta/';
export const MANIFEST_FILE = 'manifest.json';
export const TEAM_FORMAT = 'saqta-team';
const PART_MAGIC = new TextEncoder().encode('SAQTA-PART/1\n');
/** Parts and manifests larger than this are refused before download (a hostile folder). */
const MAX_PART_BYTES = 512 * 1024 * 1024;
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface PartHeader {
  format: 'saqta-team-part';
  version: 1;
  member: string;
  seq: number;
  created: string;
  /** Ids of the member's claims deleted (or no longer shared) since the last part. */
  deleted: string[];
  counts: PartCounts;
}

interface ManifestPart {
  name: string;
  seq: number;
  /** "sha256:" + hex of the stored bytes. */
  hash: string;
  bytes: number;
  created: string;
  /** The previous part's hash ("sha256:…"), null for part 1: the member's chain (sign.ts). */
  prev: string | null;
  /** The display name the part was signed under. */
  signedName: string;
  /** The member's signature of the part statement (sign.ts partStatementText). */
  sig: string;
}

/** What a manifest says once read (and decrypted). */
export interface TeamManifest {
  format: typeof TEAM_FORMAT;
  version: 2;
  member: string;
  /** The name colleagues see. */
  name: string;
  updated: string;
  parts: ManifestPart[];
  /** The member's public key (base64 SPKI, ECDSA P-384): it signs every part and this manifest. */
  publicKey: string;
  /** A new key, signed by the old one (records.ts KeyChange). */
  keyChange?: KeyChange;
  /** Signature of sign.ts manifestText by `publicKey`. */
  sig: string;
}

/** The manifest as stored: readable, or with the body encrypted (`sealed`: base64 of crypto.ts bytes). */
export type StoredManifest = TeamManifest | { format: typeof TEAM_FORMAT; version: 2; member: string; sealed: string };

export const MEMBER_ID = /^[a-z0-9][a-z0-9-]{2,63}$/;

export function memberDir(member: string): string {
  if (!MEMBER_ID.test(member)) throw new Error(`Not a member id: ${member}`);
  return `${TEAM_DIR}${member}/`;
}

export function partName(seq: number, sha256Hex: string): string {
  return `part-${String(seq).padStart(6, '0')}-${sha256Hex.slice(0, 8)}.saqta`;
}

const PART_NAME = /^part-(\d{6,})-[0-9a-f]{8}\.saqta$/;

export function encodePart(header: PartHeader, bundle: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(PART_MAGIC.length + 4 + head.length + bundle.length);
  out.set(PART_MAGIC, 0);
  new DataView(out.buffer).setUint32(PART_MAGIC.length, head.length);
  out.set(head, PART_MAGIC.length + 4);
  out.set(bundle, PART_MAGIC.length + 4 + head.length);
  return out;
}

export class PartFormatError extends Error {
  constructor(
    message: string,
    readonly kind: 'format' | 'unsigned' = 'format',
  ) {
    super(message);
    this.name = 'PartFormatError';
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function decodePart(data: Uint8Array, member: string): { header: PartHeader; bundle: Uint8Array } {
  if (data.length < PART_MAGIC.length + 4 || !PART_MAGIC.every((b, i) => data[i] === b)) throw new PartFormatError('Not a Saqta team part.');
  const len = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(PART_MAGIC.length);
  const start = PART_MAGIC.length + 4;
  if (len > 8 * 1024 * 1024 || start + len > data.length) throw new PartFormatError('The part’s header is cut or too long.');
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(start, start + len)));
  } catch {
    throw new PartFormatError('The part’s header is not JSON.');
  }
  if (!isObj(raw) || raw.format !== 'saqta-team-part' || raw.version !== 1) throw new PartFormatError('The part’s header is not a Saqta part header.');
  if (raw.member !== member) throw new PartFormatError('The part names another member than the folder it is in.');
  if (!Number.isSafeInteger(raw.seq) || typeof raw.created !== 'string' || !Array.isArray(raw.deleted) || raw.deleted.some((d) => typeof d !== 'string' || d.length > 300)) {
    throw new PartFormatError('The part’s header has wrong fields.');
  }
  const counts = isObj(raw.counts) ? raw.counts : {};
  const n = (v: unknown) => (Number.isSafeInteger(v) ? (v as number) : 0);
  const header: PartHeader = {
    format: 'saqta-team-part',
    version: 1,
    member,
    seq: raw.seq as number,
    created: raw.created,
    deleted: raw.deleted as string[],
    counts: { claims: n(counts.claims), deleted: n(counts.deleted), captures: n(counts.captures), pages: n(counts.pages) },
  };
  return { header, bundle: data.subarray(start + len) };
}

/** Check a manifest's shape (after decryption); throws PartFormatError (signatures: sync.ts). */
export function checkManifest(raw: unknown, member: string): TeamManifest {
  if (!isObj(raw) || raw.format !== TEAM_FORMAT) throw new PartFormatError('Not a Saqta team manifest.');
  if (raw.version === 1) throw new PartFormatError('The manifest is not signed (an older Saqta, or written by someone else).', 'unsigned');
  if (raw.version !== 2) throw new PartFormatError('Not a Saqta team manifest.');
  if (raw.member !== member) throw new PartFormatError('The manifest names another member than its folder.');
  if (typeof raw.name !== 'string' || typeof raw.updated !== 'string' || !Array.isArray(raw.parts)) throw new PartFormatError('The manifest has wrong fields.');
  if (typeof raw.publicKey !== 'string' || raw.publicKey.length > 4000 || typeof raw.sig !== 'string' || raw.sig.length > 400) {
    throw new PartFormatError('The manifest is not signed.', 'unsigned');
  }
  if (raw.parts.length > 100_000) throw new PartFormatError('The manifest lists too many parts.');
  const parts: ManifestPart[] = [];
  const str = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
  for (const p of raw.parts) {
    if (!isObj(p) || typeof p.name !== 'string' || !PART_NAME.test(p.name)) throw new PartFormatError('The manifest lists a part with a wrong name.');
    if (typeof p.hash !== 'string' || !HASH.test(p.hash)) throw new PartFormatError(`The manifest’s hash of ${p.name} is not a SHA-256.`);
    if (!Number.isSafeInteger(p.bytes) || (p.bytes as number) < 0 || (p.bytes as number) > MAX_PART_BYTES) throw new PartFormatError(`The manifest’s size of ${p.name} is wrong.`);
    if (!Number.isSafeInteger(p.seq) || (p.seq as number) < 1) throw new PartFormatError(`The manifest’s number of ${p.name} is wrong.`);
    if (!(p.prev === null || (typeof p.prev === 'string' && HASH.test(p.prev))) || !str(p.signedName, 200) || !str(p.sig, 400) || !str(p.created, 64)) {
      throw new PartFormatError(`The manifest’s entry of ${p.name} is not signed.`, 'unsigned');
    }
    parts.push({ name: p.name, seq: p.seq as number, hash: p.hash, bytes: p.bytes as number, created: p.created as string, prev: p.prev as string | null, signedName: p.signedName as string, sig: p.sig as string });
  }
  const out: TeamManifest = { format: TEAM_FORMAT, version: 2, member, name: raw.name.slice(0, 200), updated: raw.updated, parts, publicKey: raw.publicKey, sig: raw.sig };
  const k = raw.keyChange;
  if (k !== undefined) {
    if (!isObj(k) || !str(k.from, 4000) || !str(k.to, 4000) || !str(k.at, 64) || !str(k.sig, 400)) throw new PartFormatError('The manifest’s key change has wrong fields.');
    out.keyChange = { from: k.from as string, to: k.to as string, at: k.at as string, sig: k.sig as string };
  }
  return out;
}

const HASH = /^sha256:[0-9a-f]{64}$/;

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

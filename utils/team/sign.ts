/**
 * Signed, chained team parts (issue 23; docs/team-trust.md). Pure over the
 * platform's `crypto.subtle`; no key is made here.
 *
 * Each member signs with the install's ECDSA P-384 key (utils/evidence/keys.ts,
 * the key that signs WACZ exports): one fingerprint per person to compare.
 * - a part statement: member id, display name, sequence number, the previous
 *   part's hash, the part's hash (of the stored bytes), its size and time;
 * - the manifest: everything in it (name, time, public key, every part with
 *   its statement and signature), signed as a whole;
 * - a key change: the new key, signed by the old one.
 * Signatures are IEEE-P1363 r‖s, base64, over SHA-256 of a canonical JSON
 * text built here field by field (never the received text).
 */
import { SIGNATURE_PARAMS, SIGNING_ALGORITHM, fingerprintOf } from '../evidence/keys';
import { fromBase64, toBase64 } from './part';
import type { KeyChange } from './records';

export interface PartStatement {
  member: string;
  /** The display name when the part was signed. */
  name: string;
  seq: number;
  /** "sha256:…" of the previous part's stored bytes; null for part 1. */
  prev: string | null;
  /** "sha256:…" of this part's stored bytes. */
  hash: string;
  bytes: number;
  created: string;
}

const enc = new TextEncoder();

/** The exact text a part statement's signature covers. */
export function partStatementText(s: PartStatement): string {
  return JSON.stringify(['saqta-team-part/2', s.member, s.name, s.seq, s.prev, s.hash, s.bytes, s.created]);
}

export function keyChangeText(member: string, k: Omit<KeyChange, 'sig'>): string {
  return JSON.stringify(['saqta-team-key/2', member, k.from, k.to, k.at]);
}

/** The manifest's signed text: every field a reader acts on, in a fixed order. */
export function manifestText(m: {
  member: string;
  name: string;
  updated: string;
  publicKey: string;
  keyChange?: KeyChange;
  parts: (PartStatement & { name: string; sig: string; file: string })[];
}): string {
  return JSON.stringify([
    'saqta-team-manifest/2',
    m.member,
    m.name,
    m.updated,
    m.publicKey,
    m.keyChange ? [m.keyChange.from, m.keyChange.to, m.keyChange.at, m.keyChange.sig] : null,
    m.parts.map((p) => [p.file, p.seq, p.prev, p.hash, p.bytes, p.created, p.name, p.sig]),
  ]);
}

export async function signText(subtle: SubtleCrypto, privateKey: CryptoKey, text: string): Promise<string> {
  return toBase64(new Uint8Array(await subtle.sign(SIGNATURE_PARAMS, privateKey, enc.encode(text))));
}

const imported = new Map<string, Promise<CryptoKey | null>>();

/** A base64 SPKI as a P-384 verify key; null when it is not one. */
export function importPublicKey(subtle: SubtleCrypto, spki: string): Promise<CryptoKey | null> {
  let k = imported.get(spki);
  if (!k) {
    k = (async () => {
      try {
        return await subtle.importKey('spki', fromBase64(spki) as BufferSource, SIGNING_ALGORITHM, true, ['verify']);
      } catch {
        return null;
      }
    })();
    if (imported.size > 256) imported.clear();
    imported.set(spki, k);
  }
  return k;
}

export async function verifyText(subtle: SubtleCrypto, spki: string, text: string, sig: string): Promise<boolean> {
  const key = await importPublicKey(subtle, spki);
  if (!key) return false;
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(sig);
  } catch {
    return false;
  }
  if (bytes.length !== 96) return false;
  try {
    return await subtle.verify(SIGNATURE_PARAMS, key, bytes as BufferSource, enc.encode(text));
  } catch {
    return false;
  }
}

/** SHA-256 of the SPKI, upper-case hex (the same fingerprint Settings → Evidence shows). */
export function keyFingerprint(spki: string): string {
  try {
    return fingerprintOf(fromBase64(spki));
  } catch {
    return '';
  }
}

/**
 * A fingerprint in groups of five decimal digits (like Signal's safety
 * numbers): easy to read aloud in any language. 60 digits: the first 25 bytes
 * of the SHA-256 (200 bits) as one number, modulo 10^60 (about 199 bits kept).
 */
export function fingerprintDigits(hex: string): string {
  const n = BigInt(`0x${hex.slice(0, 50) || '0'}`) % 10n ** 60n;
  return n.toString().padStart(60, '0').match(/.{5}/g)!.join(' ');
}

/**
 * The install's signing key (issue 14): an ECDSA P-384 key pair made with
 * WebCrypto on first use, the curve and signature encoding the WACZ signing
 * spec and ReplayWeb.page read. The private key is created non-extractable: it
 * can sign in this browser profile and can never be read out, not even by
 * Saqta. The public key is shared as base64 SPKI (in every signature), as PEM
 * (Settings → Export public key) and as a fingerprint a reader can publish.
 *
 * Pure over a `KeyStore` (the background keeps the pair in the database's
 * `keys` table, schema v20) and the platform's `crypto.subtle`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, pem, toBase64 } from './bytes';

export const SIGNING_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-384' } as const;
export const SIGNATURE_PARAMS = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const SIGNING_KEY_ID = 'signing';

/** What the `keys` table holds for the install's key. CryptoKeys are stored by structured clone. */
export interface KeyRecord {
  id: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** base64 SubjectPublicKeyInfo of the public key. */
  spki: string;
  /** SHA-256 of the SPKI, upper-case hex. */
  fingerprint: string;
  created: string;
}

export interface KeyStore {
  get(id: string): Promise<KeyRecord | undefined>;
  /** Adds only if no record has this id yet; returns the record that is stored. */
  addIfAbsent(record: KeyRecord): Promise<KeyRecord>;
}

/** SHA-256 of the DER SubjectPublicKeyInfo, upper-case hex (what openssl prints for `-pubout -outform DER | sha256sum`). */
export function fingerprintOf(spki: Uint8Array): string {
  return bytesToHex(sha256(spki)).toUpperCase();
}

/** Grouped for reading aloud and comparing: "3F2A 9C01 …" (16 groups of 4). */
export function groupFingerprint(hex: string): string {
  return hex.toUpperCase().match(/.{1,4}/g)!.join(' ');
}

/** Short form for lines of text: the first 16 hex digits, "3F2A9C01…". */
export function shortFingerprint(hex: string): string {
  return `${hex.toUpperCase().slice(0, 16)}…`;
}

export function publicKeyPem(spki: Uint8Array): string {
  return pem('PUBLIC KEY', spki);
}

/**
 * Make a new pair: private key non-extractable (sign only), public key exportable (verify).
 * `sealed`: the lock is on (docs/lock.md), so the private key is made extractable once, to be
 * stored sealed; it is read back non-extractable (utils/lock/envelope.ts `revive`).
 */
export async function createKeyRecord(subtle: SubtleCrypto, now = new Date(), sealed = false): Promise<KeyRecord> {
  const pair = (await subtle.generateKey(SIGNING_ALGORITHM, sealed, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  return {
    id: SIGNING_KEY_ID,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    spki: toBase64(spki),
    fingerprint: fingerprintOf(spki),
    created: now.toISOString(),
  };
}

/**
 * The install's key, made on first use. Two callers racing on first use both
 * end with the one record that was stored first (`addIfAbsent`).
 */
export async function ensureKey(store: KeyStore, subtle: SubtleCrypto, sealed = false): Promise<KeyRecord> {
  const have = await store.get(SIGNING_KEY_ID);
  if (have) return have;
  return store.addIfAbsent(await createKeyRecord(subtle, new Date(), sealed));
}

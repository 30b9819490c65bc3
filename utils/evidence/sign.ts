/**
 * Signatures in the WACZ signing spec's anonymous-key form
 * (https://specs.webrecorder.net/wacz-auth/0.1.0/): a package's
 * `datapackage-digest.json` holds the SHA-256 of `datapackage.json` and a
 * `signedData` object whose `signature` is ECDSA P-384 over SHA-256 of the
 * UTF-8 bytes of the hash string ("sha256:…"), base64 of IEEE-P1363 r‖s, with
 * `publicKey` the signer's base64 SPKI. ReplayWeb.page reads the same fields.
 *
 * Verifying needs only the public key inside the file; *who* that key is must
 * be compared by the reader with the fingerprint its owner published (Settings
 * shows it). Pure: WebCrypto's `subtle`, no browser APIs.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { buf, bytesToHex, fromBase64, toBase64, utf8 } from './bytes';
import { fingerprintOf, SIGNATURE_PARAMS, SIGNING_ALGORITHM, type KeyRecord } from './keys';

export const DIGEST_FILE = 'datapackage-digest.json';

export interface SignedData {
  hash: string;
  /** base64 IEEE-P1363 (r‖s, 96 bytes for P-384). */
  signature: string;
  /** base64 SubjectPublicKeyInfo. */
  publicKey: string;
  created: string;
  software: string;
}

/** One RFC 3161 token over the package's `datapackage.json` (Saqta's own field; replay tools ignore it). */
export interface DigestTimestamp {
  /** The TSA's URL the token came from (informative; the token names its signer). */
  tsa: string;
  /** base64 DER TimeStampToken (a CMS ContentInfo). */
  token: string;
}

export interface DigestFile {
  path: string;
  hash: string;
  signedData?: SignedData;
  timestamps?: DigestTimestamp[];
}

/** "sha256:" + lower-case hex of these bytes' SHA-256. */
export function hashString(bytes: Uint8Array): string {
  return `sha256:${bytesToHex(sha256(bytes))}`;
}

/** `created`: the exact string to write (the datapackage's own `created`, so the two agree byte for byte). */
export async function signHash(subtle: SubtleCrypto, key: Pick<KeyRecord, 'privateKey' | 'spki'>, hash: string, software: string, now = new Date(), created = now.toISOString()): Promise<SignedData> {
  const sig = new Uint8Array(await subtle.sign(SIGNATURE_PARAMS, key.privateKey, buf(utf8(hash))));
  return { hash, signature: toBase64(sig), publicKey: key.spki, created, software };
}

/** The digest file for a package whose datapackage.json has these bytes. */
export async function makeDigestFile(
  subtle: SubtleCrypto,
  key: Pick<KeyRecord, 'privateKey' | 'spki'> | null,
  datapackage: Uint8Array,
  software: string,
  now = new Date(),
): Promise<DigestFile> {
  const hash = hashString(datapackage);
  // The signing time is the datapackage's own `created` when it has one (covered by the hash).
  let created = now.toISOString();
  try {
    const c = (JSON.parse(new TextDecoder().decode(datapackage)) as { created?: unknown }).created;
    if (typeof c === 'string' && Number.isFinite(Date.parse(c))) created = c;
  } catch {
    /* not JSON: the time of signing */
  }
  return { path: 'datapackage.json', hash, ...(key ? { signedData: await signHash(subtle, key, hash, software, now, created) } : {}) };
}

export type SignatureState =
  /** Signed, the signature checks, and it covers this datapackage.json. */
  | 'valid'
  | 'unsigned'
  /** datapackage.json is not the file that was signed (changed after signing). */
  | 'hash-mismatch'
  /** The signature does not check with the key in the file (tampered signature, hash or key). */
  | 'bad-signature'
  /** Signed in the spec's domain-certificate form (a TLS certificate + a TSA), which Saqta does not check. */
  | 'domain'
  | 'malformed';

export interface SignatureCheck {
  state: SignatureState;
  /** SHA-256 of the signer's SPKI (upper-case hex), when a key is present. */
  fingerprint?: string;
  /** The domain form's domain name. */
  domain?: string;
  signedAt?: string;
  software?: string;
  message: string;
}

/**
 * Check a digest file against the datapackage.json it sits beside. Never
 * needs the private key. `expectedFingerprint` (optional) also requires the
 * signer to be a known key.
 */
export async function verifyDigestFile(
  subtle: SubtleCrypto,
  digest: unknown,
  datapackage: Uint8Array,
  expectedFingerprint?: string,
): Promise<SignatureCheck> {
  if (!digest || typeof digest !== 'object') return { state: 'malformed', message: `${DIGEST_FILE} is not a JSON object.` };
  const d = digest as Partial<DigestFile>;
  const actual = hashString(datapackage);
  if (d.hash !== actual) return { state: 'hash-mismatch', message: `datapackage.json has SHA-256 ${actual.slice(7)}, but ${DIGEST_FILE} lists ${String(d.hash ?? 'nothing').replace(/^sha256:/, '')}: it was changed after the digest was made.` };
  const s = d.signedData;
  if (!s) return { state: 'unsigned', message: 'The package is not signed.' };
  const domain = (s as { domain?: unknown }).domain;
  if (typeof s === 'object' && typeof s.publicKey !== 'string' && typeof domain === 'string') {
    // Named only when checked (issue 25): Saqta does not check this form's certificate chain, so no domain is named.
    return { state: 'domain', message: `Not signed as far as Saqta can check: ${DIGEST_FILE} carries a signature in the WACZ signing spec's domain-certificate form, whose certificate chain Saqta does not check, so it proves nothing here and no name is given.` };
  }
  if (typeof s !== 'object' || typeof s.signature !== 'string' || typeof s.publicKey !== 'string' || typeof s.hash !== 'string') {
    return { state: 'malformed', message: `${DIGEST_FILE}: signedData lacks hash, signature or publicKey.` };
  }
  let spki: Uint8Array, sig: Uint8Array;
  try {
    spki = fromBase64(s.publicKey);
    sig = fromBase64(s.signature);
  } catch {
    return { state: 'malformed', message: `${DIGEST_FILE}: signature or publicKey is not base64.` };
  }
  const fingerprint = fingerprintOf(spki);
  const base = { fingerprint, signedAt: typeof s.created === 'string' ? s.created : undefined, software: typeof s.software === 'string' ? s.software : undefined };
  if (s.hash !== d.hash) return { ...base, state: 'hash-mismatch', message: `${DIGEST_FILE}: the signed hash is not the package's hash.` };
  let key: CryptoKey;
  try {
    key = await subtle.importKey('spki', buf(spki), SIGNING_ALGORITHM, true, ['verify']);
  } catch {
    return { ...base, state: 'malformed', message: `${DIGEST_FILE}: publicKey is not an ECDSA P-384 key.` };
  }
  const good = sig.length === 96 && (await subtle.verify(SIGNATURE_PARAMS, key, buf(sig), buf(utf8(s.hash))));
  if (!good) return { ...base, state: 'bad-signature', message: `The signature does not match: the package or its signature was altered, or it was not signed with the key it names.` };
  if (expectedFingerprint && expectedFingerprint.toUpperCase().replace(/\s+/g, '') !== fingerprint) {
    return { ...base, state: 'bad-signature', message: `Signed by key ${fingerprint}, not by the expected key ${expectedFingerprint}.` };
  }
  return { ...base, state: 'valid', message: `Signed by key ${fingerprint}.` };
}

/** IEEE-P1363 r‖s → DER ECDSA-Sig-Value (what `openssl dgst -verify` reads). */
export function p1363ToDer(sig: Uint8Array): Uint8Array {
  const half = sig.length / 2;
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return v[0]! & 0x80 ? Uint8Array.of(0x02, v.length + 1, 0, ...v) : Uint8Array.of(0x02, v.length, ...v);
  };
  const r = int(sig.subarray(0, half));
  const s = int(sig.subarray(half));
  const len = r.length + s.length;
  const head = len < 0x80 ? Uint8Array.of(0x30, len) : Uint8Array.of(0x30, 0x81, len);
  const out = new Uint8Array(head.length + len);
  out.set(head);
  out.set(r, head.length);
  out.set(s, head.length + r.length);
  return out;
}

/** Shell commands that make the same signature check with openssl, values inline. */
export function opensslSignatureCommands(s: SignedData): string[] {
  const der = toBase64(p1363ToDer(fromBase64(s.signature)));
  return [
    `printf '%s' '${s.hash}' > hash.txt`,
    `echo '${s.publicKey}' | base64 -d | openssl pkey -pubin -inform DER -out signer.pem`,
    `echo '${der}' | base64 -d > signature.der`,
    `openssl dgst -sha256 -verify signer.pem -signature signature.der hash.txt`,
    `unzip -p <file> datapackage.json | sha256sum   # must print ${s.hash.slice(7)}`,
    `openssl pkey -pubin -in signer.pem -outform DER | sha256sum   # the signer's fingerprint`,
  ];
}

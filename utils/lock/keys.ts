/**
 * The lock's keys (issue 28, docs/lock.md): a random 256-bit data key encrypts
 * the library; it is stored only wrapped, by a key derived from the reader's
 * passphrase with Argon2id (hash-wasm) and by a printed recovery key. Changing
 * the passphrase wraps the same data key again: nothing is re-encrypted.
 *
 * Pure: WebCrypto (`crypto.subtle`) and hash-wasm's Argon2id, no `browser.*`.
 */
import { argon2id } from 'hash-wasm';
import { fromBase64, toBase64 } from '../evidence/bytes';

/** Argon2id cost: 64 MiB, 3 passes, one lane (the floor; ~0.5–1 s on a laptop). */
export const KDF_DEFAULTS = { memoryKiB: 65536, iterations: 3, parallelism: 1 } as const;

export interface KdfParams {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** base64, 16 random bytes. */
  salt: string;
}

/** A data key wrapped by one key: AES-256-GCM, 96-bit nonce, base64. */
interface Wrapped {
  iv: string;
  ct: string;
}

/** What `storage.local` key `lock.keys` holds (never the data key itself). */
export interface LockKeys {
  v: 1;
  kdf: KdfParams;
  byPassphrase: Wrapped;
  byRecovery: Wrapped;
  created: string;
}

const WRAP_AAD = new TextEncoder().encode('saqta-lock/data-key/v1');

const bytes = (b: ArrayBuffer | Uint8Array) => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** Any Unicode passphrase, the same however it was typed (NFC). */
function normalizePassphrase(passphrase: string): string {
  return passphrase.normalize('NFC');
}

function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** The key that wraps the data key, from the passphrase (Argon2id → AES-256-GCM key, not extractable). */
async function passphraseKey(passphrase: string, kdf: KdfParams): Promise<CryptoKey> {
  const raw = await argon2id({
    password: new TextEncoder().encode(normalizePassphrase(passphrase)),
    salt: fromBase64(kdf.salt),
    parallelism: kdf.parallelism,
    iterations: kdf.iterations,
    memorySize: kdf.memoryKiB,
    hashLength: 32,
    outputType: 'binary',
  });
  return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

// Recovery key: 160 random bits as 32 Crockford base32 characters in 8 groups of 4
// (no I, L, O, U; read back case-insensitively with O→0, I/L→1, spaces and dashes ignored).
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_BYTES = 20;

export function newRecoveryKey(): string {
  const b = randomBytes(RECOVERY_BYTES);
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const x of b) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** The recovery key's 20 bytes, or null if it is not one (wrong length or a letter it cannot hold). */
export function parseRecoveryKey(text: string): Uint8Array<ArrayBuffer> | null {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (clean.length !== 32) return null;
  const out = new Uint8Array(RECOVERY_BYTES);
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (const ch of clean) {
    const v = CROCKFORD.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[at++] = (acc >> (bits - 8)) & 255;
      bits -= 8;
    }
  }
  return out;
}

/** The key that wraps the data key, from the recovery key's bytes (HKDF-SHA-256: they are already random). */
async function recoveryWrapKey(recovery: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', recovery, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode('saqta-lock/recovery/v1') },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function wrapDataKey(dataKey: Uint8Array<ArrayBuffer>, by: CryptoKey): Promise<Wrapped> {
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: WRAP_AAD }, by, dataKey);
  return { iv: toBase64(iv), ct: toBase64(bytes(ct)) };
}

/** The data key, or null if `by` is not the key that wrapped it (or the wrapped key was altered). */
async function unwrapDataKey(wrapped: Wrapped, by: CryptoKey): Promise<Uint8Array<ArrayBuffer> | null> {
  try {
    const raw = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(wrapped.iv) as Uint8Array<ArrayBuffer>, additionalData: WRAP_AAD }, by, fromBase64(wrapped.ct) as Uint8Array<ArrayBuffer>);
    return raw.byteLength === 32 ? new Uint8Array(raw) : null;
  } catch {
    return null;
  }
}

/** Turn the lock on: a new data key wrapped twice, and the recovery key to show the reader once. */
export async function setUpKeys(passphrase: string, kdf: Omit<KdfParams, 'salt'> = KDF_DEFAULTS, now = new Date()): Promise<{ keys: LockKeys; dataKey: Uint8Array<ArrayBuffer>; recoveryKey: string }> {
  const dataKey = randomBytes(32);
  const params: KdfParams = { ...kdf, salt: toBase64(randomBytes(16)) };
  const recoveryKey = newRecoveryKey();
  const keys: LockKeys = {
    v: 1,
    kdf: params,
    byPassphrase: await wrapDataKey(dataKey, await passphraseKey(passphrase, params)),
    byRecovery: await wrapDataKey(dataKey, await recoveryWrapKey(parseRecoveryKey(recoveryKey)!)),
    created: now.toISOString(),
  };
  return { keys, dataKey, recoveryKey };
}

/** Unlock with the passphrase or, failing that shape, the recovery key; null if neither opens it. */
export async function openKeys(keys: LockKeys, secret: string, via: 'passphrase' | 'recovery'): Promise<Uint8Array<ArrayBuffer> | null> {
  if (via === 'recovery') {
    const r = parseRecoveryKey(secret);
    return r ? unwrapDataKey(keys.byRecovery, await recoveryWrapKey(r)) : null;
  }
  return unwrapDataKey(keys.byPassphrase, await passphraseKey(secret, keys.kdf));
}

/** A new passphrase for the same data key (new salt): only `byPassphrase` changes. */
export async function rewrap(keys: LockKeys, dataKey: Uint8Array<ArrayBuffer>, passphrase: string): Promise<LockKeys> {
  const kdf: KdfParams = { ...keys.kdf, salt: toBase64(randomBytes(16)) };
  return { ...keys, kdf, byPassphrase: await wrapDataKey(dataKey, await passphraseKey(passphrase, kdf)) };
}

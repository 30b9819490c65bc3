/**
 * Optional end-to-end encryption of team files with a passphrase the team
 * shares out of band: WebCrypto only (no crypto written here).
 * - key: PBKDF2-SHA-256, 600,000 iterations (OWASP 2023), 16-byte random salt
 *   per writer, → AES-GCM 256 (non-extractable);
 * - each file: a fresh 12-byte random IV; AES-GCM authenticates the bytes
 *   and the header (as additional data), so a changed byte fails to decrypt.
 *
 * File layout: "SQTE1" (5 bytes) | salt (16) | iv (12) | ciphertext+tag.
 */
const MAGIC = new TextEncoder().encode('SQTE1');
const ITERATIONS = 600_000;
const SALT = 16;
const IV = 12;

export class DecryptError extends Error {
  constructor(readonly reason: 'not-encrypted' | 'wrong-passphrase' | 'no-passphrase') {
    super(
      reason === 'not-encrypted'
        ? 'The file is not encrypted with a team passphrase.'
        : reason === 'no-passphrase'
          ? 'The file is encrypted and no team passphrase is set.'
          : 'The file could not be decrypted: a different passphrase, or changed bytes.',
    );
    this.name = 'DecryptError';
  }
}

/** Derived keys by passphrase and salt: PBKDF2 is deliberately slow, do it once per writer. */
const cache = new Map<string, Promise<CryptoKey>>();

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function deriveKey(passphrase: string, salt: Uint8Array, iterations = ITERATIONS): Promise<CryptoKey> {
  const id = `${iterations}:${hex(salt)}:${passphrase}`;
  let key = cache.get(id);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
      return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    })();
    if (cache.size > 64) cache.clear();
    cache.set(id, key);
  }
  return key;
}

export function newSalt(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SALT));
}

export function isEncrypted(data: Uint8Array): boolean {
  return data.length > MAGIC.length + SALT + IV && MAGIC.every((b, i) => data[i] === b);
}

export async function encrypt(plain: Uint8Array, passphrase: string, salt: Uint8Array, iterations = ITERATIONS): Promise<Uint8Array> {
  const key = await deriveKey(passphrase, salt, iterations);
  const iv = crypto.getRandomValues(new Uint8Array(IV));
  const head = new Uint8Array(MAGIC.length + SALT + IV);
  head.set(MAGIC, 0);
  head.set(salt, MAGIC.length);
  head.set(iv, MAGIC.length + SALT);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: head as BufferSource }, key, plain as BufferSource));
  const out = new Uint8Array(head.length + sealed.length);
  out.set(head, 0);
  out.set(sealed, head.length);
  return out;
}

export async function decrypt(data: Uint8Array, passphrase: string | undefined, iterations = ITERATIONS): Promise<Uint8Array> {
  if (!isEncrypted(data)) throw new DecryptError('not-encrypted');
  if (!passphrase) throw new DecryptError('no-passphrase');
  const head = data.subarray(0, MAGIC.length + SALT + IV);
  const salt = data.slice(MAGIC.length, MAGIC.length + SALT);
  const iv = data.slice(MAGIC.length + SALT, MAGIC.length + SALT + IV);
  const key = await deriveKey(passphrase, salt, iterations);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: head.slice() as BufferSource }, key, data.subarray(head.length) as BufferSource));
  } catch {
    throw new DecryptError('wrong-passphrase');
  }
}

/**
 * Small byte helpers for the evidence modules: base64 (standard alphabet, the
 * form the WACZ signing spec uses), hex, PEM armour. Pure; browsers and Node.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, hexToBytes };

/** The platform's own base64 (Chromium 140+, Firefox 133+), where it exists: native, and a seal of a saved copy's megabytes spent most of its time in the loop below. */
const native = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array; prototype: { toBase64?: () => string } };

export function toBase64(bytes: Uint8Array): string {
  if (native.prototype.toBase64) return (bytes as unknown as { toBase64(): string }).toBase64();
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Throws a readable error on anything that is not base64. */
export function fromBase64(text: string): Uint8Array {
  if (native.fromBase64) {
    // The same alphabet and padding rules as atob; ASCII white space is skipped.
    try {
      return native.fromBase64(text);
    } catch {
      throw new Error('Not base64.');
    }
  }
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new Error('Not base64.');
  const bin = atob(clean);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function pem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/** Every DER block of a PEM text with this label (a CA file may hold several certificates). */
export function fromPem(text: string, label = 'CERTIFICATE'): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => fromBase64(m[1]!));
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A fresh ArrayBuffer holding exactly these bytes (WebCrypto and pkijs want BufferSource/ArrayBuffer). */
export function buf(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/**
 * The record envelope of the locked library (docs/lock.md): each record is
 * serialized and sealed with AES-256-GCM under a key derived from the data key,
 * with a fresh random 96-bit nonce, and the table name and primary key as
 * associated data, so a sealed record copied under another key or table does
 * not open. Index values the app looks up by equality are HMAC-SHA-256 keyed
 * terms instead of text.
 *
 * Synchronous on purpose (@noble/ciphers, @noble/hashes): the database
 * middleware seals and opens inside IndexedDB transactions, which commit as
 * soon as they wait on anything but IndexedDB (WebCrypto included). Blobs and
 * CryptoKeys are the two values that need an await; `prepare()` turns them
 * into bytes first, and `revive()` turns keys back.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, toBase64 } from '../evidence/bytes';

export interface RecordKeys {
  /** AES-256-GCM key of the record envelopes. */
  enc: Uint8Array;
  /** HMAC-SHA-256 key of the keyed index terms. */
  mac: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function recordKeys(dataKey: Uint8Array): RecordKeys {
  return {
    enc: hkdf(sha256, dataKey, undefined, enc.encode('saqta-lock/records/v1'), 32),
    mac: hkdf(sha256, dataKey, undefined, enc.encode('saqta-lock/index/v1'), 32),
  };
}

const TAG = '\u0000t';
type Tagged = { [TAG]: string; [k: string]: unknown };

/** A CryptoKey exported for the envelope (`prepare`), imported again by `revive`. */
interface KeyBytes {
  format: 'pkcs8' | 'spki' | 'raw';
  algorithm: KeyAlgorithm;
  usages: KeyUsage[];
  bytes: Uint8Array;
}

/**
 * Values that cannot be serialized synchronously, read ahead: each Blob's bytes and each CryptoKey's
 * export (a private key must be extractable to be sealed: utils/evidence/keys.ts makes it so when the lock is on).
 */
export type Prepared = Map<object, { blob?: { type: string; bytes: Uint8Array }; key?: KeyBytes }>;

/**
 * What was read ahead outside any transaction (`prepare` before `db.transaction`: the migration),
 * so sealing inside it needs no await: a Blob stored in IndexedDB cannot be read while a
 * read-write transaction on its own store is kept waiting for it.
 */
const READ_AHEAD = new WeakMap<object, { blob?: { type: string; bytes: Uint8Array }; key?: KeyBytes }>();

/**
 * A Blob of bytes the writer holds: registered so the lock seals it without reading it back
 * (an await inside the writer's transaction would end it). Writers of the `blobs` table use it.
 */
export function knownBlob(bytes: Uint8Array, type: string): Blob {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
  READ_AHEAD.set(blob, { blob: { type, bytes } });
  return blob;
}

export async function prepare(value: unknown, into: Prepared = new Map()): Promise<Prepared> {
  const walk = async (v: unknown): Promise<void> => {
    if (!v || typeof v !== 'object' || into.has(v)) return;
    const ahead = READ_AHEAD.get(v);
    if (ahead) {
      into.set(v, ahead);
    } else if (typeof Blob !== 'undefined' && v instanceof Blob) {
      const entry = { blob: { type: v.type, bytes: new Uint8Array(await v.arrayBuffer()) } };
      into.set(v, entry);
      READ_AHEAD.set(v, entry);
    } else if (typeof CryptoKey !== 'undefined' && v instanceof CryptoKey) {
      const format: KeyBytes['format'] = v.type === 'private' ? 'pkcs8' : v.type === 'public' ? 'spki' : 'raw';
      const entry = { key: { format, algorithm: v.algorithm, usages: v.usages, bytes: new Uint8Array(await crypto.subtle.exportKey(format, v)) } };
      into.set(v, entry);
      READ_AHEAD.set(v, entry);
    } else if (Array.isArray(v)) {
      for (const x of v) await walk(x);
    } else if (!ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer) && !(v instanceof Date)) {
      for (const x of Object.values(v)) await walk(x);
    }
  };
  await walk(value);
  return into;
}

/** Whether serializing `value` needs `prepare()` first (it holds a Blob or a CryptoKey). */
export function needsPrepare(value: unknown): boolean {
  if (!value || typeof value !== 'object' || READ_AHEAD.has(value)) return false;
  if ((typeof Blob !== 'undefined' && value instanceof Blob) || (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey)) return true;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date) return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(needsPrepare);
}

function toJson(v: unknown, prepared: Prepared): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return { [TAG]: 'u8', d: toBase64(v) };
  if (v instanceof ArrayBuffer) return { [TAG]: 'ab', d: toBase64(new Uint8Array(v)) };
  if (ArrayBuffer.isView(v)) return { [TAG]: 'u8', d: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  if (v instanceof Date) return { [TAG]: 'date', d: v.getTime() };
  const p = prepared.get(v) ?? READ_AHEAD.get(v);
  if (p?.blob) return { [TAG]: 'blob', type: p.blob.type, d: toBase64(p.blob.bytes) };
  if (p?.key) return { [TAG]: 'key', format: p.key.format, algorithm: p.key.algorithm, usages: p.key.usages, d: toBase64(p.key.bytes) };
  if ((typeof Blob !== 'undefined' && v instanceof Blob) || (typeof CryptoKey !== 'undefined' && v instanceof CryptoKey)) {
    throw new Error('lock: a Blob or CryptoKey was not prepared before sealing');
  }
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : toJson(x, prepared)));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x, prepared);
  return out;
}

/** Keys found while opening, to import with `revive()` (async, outside the synchronous read). */
const PENDING_KEY = Symbol('saqta.lock.pendingKey');

function fromJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(fromJson);
  const t = (v as Tagged)[TAG];
  if (t === 'u8') return fromBase64((v as Tagged).d as string);
  if (t === 'ab') return fromBase64((v as Tagged).d as string).slice().buffer;
  if (t === 'date') return new Date((v as Tagged).d as number);
  if (t === 'blob') return new Blob([fromBase64((v as Tagged).d as string) as Uint8Array<ArrayBuffer>], { type: (v as Tagged).type as string });
  if (t === 'key') {
    const k = v as Tagged;
    return { [PENDING_KEY]: { format: k.format, algorithm: k.algorithm, usages: k.usages, bytes: fromBase64(k.d as string) } };
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = fromJson(x);
  return out;
}

/** Import the CryptoKeys `open()` left pending, in place; private keys come back non-extractable. */
export async function revive<T>(value: T): Promise<T> {
  const walk = async (v: unknown): Promise<unknown> => {
    if (!v || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof Blob) return v;
    const pending = (v as Record<symbol, KeyBytes>)[PENDING_KEY];
    if (pending) {
      return crypto.subtle.importKey(pending.format, pending.bytes as Uint8Array<ArrayBuffer>, pending.algorithm as EcKeyImportParams, pending.format === 'spki', pending.usages);
    }
    for (const [k, x] of Object.entries(v)) (v as Record<string, unknown>)[k] = await walk(x);
    return v;
  };
  return (await walk(value)) as T;
}

export function hasPendingKeys(value: unknown): boolean {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value) || value instanceof Blob) return false;
  if ((value as Record<symbol, unknown>)[PENDING_KEY]) return true;
  return Object.values(value).some(hasPendingKeys);
}

const aad = (table: string, primaryKey: unknown) => enc.encode(`saqta-lock/record/v1\u0000${table}\u0000${JSON.stringify(primaryKey)}`);

/** Seal one record: nonce (12 bytes) ‖ AES-GCM ciphertext and tag. */
export function seal(keys: RecordKeys, table: string, primaryKey: unknown, value: unknown, prepared: Prepared = new Map()): Uint8Array {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const ct = gcm(keys.enc, nonce, aad(table, primaryKey)).encrypt(enc.encode(JSON.stringify(toJson(value, prepared))));
  const out = new Uint8Array(12 + ct.length);
  out.set(nonce);
  out.set(ct, 12);
  return out;
}

/** Open one sealed record; throws if the key, the table, the primary key or a byte is not the one it was sealed with. */
export function open(keys: RecordKeys, table: string, primaryKey: unknown, sealed: Uint8Array): unknown {
  const plain = gcm(keys.enc, sealed.subarray(0, 12), aad(table, primaryKey)).decrypt(sealed.subarray(12));
  return fromJson(JSON.parse(dec.decode(plain)));
}

/** The envelope key as a WebCrypto key (imported once per key): reads open records natively (openAsync). */
const subtleKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function subtleKey(encKey: Uint8Array): Promise<CryptoKey> {
  let p = subtleKeys.get(encKey);
  if (!p) {
    p = crypto.subtle.importKey('raw', encKey as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['decrypt']);
    subtleKeys.set(encKey, p);
  }
  return p;
}

/**
 * `open()` by WebCrypto: the same AES-256-GCM (nonce ‖ ciphertext ‖ 128-bit tag, the same associated
 * data), so the same bytes open either way. Native and off the main thread: @noble's GCM builds a GHASH
 * table for every record (0.1 ms and garbage each), which was most of a locked read's extra time.
 * Async, so the caller keeps its transaction alive meanwhile (middleware.ts keepAlive).
 */
export async function openAsync(keys: RecordKeys, table: string, primaryKey: unknown, sealed: Uint8Array): Promise<unknown> {
  const key = await subtleKey(keys.enc);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.subarray(0, 12) as Uint8Array<ArrayBuffer>, additionalData: aad(table, primaryKey), tagLength: 128 }, key, sealed.subarray(12) as Uint8Array<ArrayBuffer>);
  } catch {
    throw new Error('aes-gcm: invalid tag');
  }
  return fromJson(JSON.parse(dec.decode(plain)));
}

/** A keyed index term: HMAC-SHA-256 of the index's name and the value, 128 bits, base64. */
export function keyedTerm(keys: RecordKeys, index: string, value: string): string {
  let base = macs.get(keys.mac);
  if (!base) macs.set(keys.mac, (base = hmac.create(sha256, keys.mac)));
  // A clone of the keyed state: the key's two padded blocks are hashed once per key, not per term.
  return toBase64(base.clone().update(enc.encode(`${index}\u0000${value}`)).digest().subarray(0, 16));
}

/** HMAC states keyed once per index key (a claim's search terms are ~40 keyed terms). */
const macs = new WeakMap<Uint8Array, ReturnType<typeof hmac.create>>();

/** Longest search-term prefix that gets its own keyed term; longer prefixes are checked on the opened rows. */
export const PREFIX_MAX = 6;

/** A search term's keyed terms: the whole word ('=') and each prefix up to PREFIX_MAX ('^'). */
export function keyedSearchTerms(keys: RecordKeys, index: string, term: string): string[] {
  const chars = [...term];
  const out = [keyedTerm(keys, index, `=${term}`)];
  for (let k = 1; k <= Math.min(chars.length, PREFIX_MAX); k++) out.push(keyedTerm(keys, index, `^${chars.slice(0, k).join('')}`));
  return out;
}

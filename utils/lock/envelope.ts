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

/** Empty Blobs standing in for bytes the lock seals (`blobToStore`): never to be stored as they are. */
const STAND_INS = new WeakSet<Blob>();

/**
 * `knownBlob` for a writer that only stores it (a save's artifacts): with the lock open the record's Blob is
 * never stored — the middleware seals the registered bytes — so none is built; an empty one stands in
 * (building a Blob copies its bytes: ~24 ms for a saved copy's 1.3 MB, bench/profile-lock.ts --save).
 * The middleware refuses to store a stand-in with the lock off (only a wipe turns an open lock off).
 */
export function blobToStore(bytes: Uint8Array, type: string, keyring: { state: string }): Blob {
  if (keyring.state !== 'open') return knownBlob(bytes, type);
  const blob = new Blob([], { type });
  READ_AHEAD.set(blob, { blob: { type, bytes } });
  STAND_INS.add(blob);
  return blob;
}

/** Whether a record to store holds a stand-in Blob at its top level (`data`, as blob records keep it). */
export function holdsStandIn(value: unknown): boolean {
  const data = !!value && typeof value === 'object' ? (value as { data?: unknown }).data : undefined;
  return data instanceof Blob && STAND_INS.has(data);
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

/**
 * A Blob of this many bytes or more is sealed as a binary part beside the record (`_parts`), not as base64 inside
 * its JSON: a saved copy's megabytes then cost one AES-GCM pass, not base64, JSON, UTF-8 and AES-GCM over 4/3 of
 * them (bench/profile-lock.ts --save: most of a locked save's store step).
 */
export const PART_FROM = 16 * 1024;

/** A part of a record being sealed: its bytes and the nonce the record's JSON names it by. */
interface PartOut {
  nonce: Uint8Array;
  bytes: Uint8Array;
}

function toJson(v: unknown, prepared: Prepared, parts?: PartOut[]): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return { [TAG]: 'u8', d: toBase64(v) };
  if (v instanceof ArrayBuffer) return { [TAG]: 'ab', d: toBase64(new Uint8Array(v)) };
  if (ArrayBuffer.isView(v)) return { [TAG]: 'u8', d: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  if (v instanceof Date) return { [TAG]: 'date', d: v.getTime() };
  const p = prepared.get(v) ?? READ_AHEAD.get(v);
  if (p?.blob) {
    if (parts && p.blob.bytes.length >= PART_FROM) {
      // The record's JSON (sealed, authenticated) names the part's nonce: an older part of the same record does not pass for it.
      const nonce = crypto.getRandomValues(new Uint8Array(12));
      parts.push({ nonce, bytes: p.blob.bytes });
      return { [TAG]: 'part', type: p.blob.type, i: parts.length - 1, n: toBase64(nonce) };
    }
    return { [TAG]: 'blob', type: p.blob.type, d: toBase64(p.blob.bytes) };
  }
  if (p?.key) return { [TAG]: 'key', format: p.key.format, algorithm: p.key.algorithm, usages: p.key.usages, d: toBase64(p.key.bytes) };
  if ((typeof Blob !== 'undefined' && v instanceof Blob) || (typeof CryptoKey !== 'undefined' && v instanceof CryptoKey)) {
    throw new Error('lock: a Blob or CryptoKey was not prepared before sealing');
  }
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : toJson(x, prepared, parts)));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x, prepared, parts);
  return out;
}

/** Keys found while opening, to import with `revive()` (async, outside the synchronous read). */
const PENDING_KEY = Symbol('saqta.lock.pendingKey');

/** Records `opened()` found keys in, for `revive()`: asked of every record read, so a lookup and not a walk. */
const withKeys = new WeakSet<object>();
let keysFound = 0;

/** The opened bytes of a record's parts, by index (`open`, `openAsync`). */
type PartsIn = readonly Uint8Array[];

/** The parts a record's parsed JSON names: index → nonce (its JSON is authenticated, so these are the ones sealed). */
function partRefs(v: unknown, out: Map<number, Uint8Array> = new Map()): Map<number, Uint8Array> {
  if (v === null || typeof v !== 'object') return out;
  if (Array.isArray(v)) {
    for (const x of v) partRefs(x, out);
    return out;
  }
  const t = (v as Tagged)[TAG];
  if (t === 'part') out.set((v as Tagged).i as number, fromBase64((v as Tagged).n as string));
  else if (!t) for (const x of Object.values(v)) partRefs(x, out);
  return out;
}

/** JSON.parse's fresh objects turned back into bytes, dates, Blobs and pending keys, in place (no copy of every record). */
function fromJson(v: unknown, parts?: PartsIn): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fromJson(v[i], parts);
    return v;
  }
  const t = (v as Tagged)[TAG];
  if (t === 'u8') return fromBase64((v as Tagged).d as string);
  if (t === 'ab') return fromBase64((v as Tagged).d as string).slice().buffer;
  if (t === 'date') return new Date((v as Tagged).d as number);
  if (t === 'blob') return new Blob([fromBase64((v as Tagged).d as string) as Uint8Array<ArrayBuffer>], { type: (v as Tagged).type as string });
  if (t === 'part') {
    const bytes = parts?.[(v as Tagged).i as number];
    if (!bytes) throw new Error('lock: a sealed part is missing');
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: (v as Tagged).type as string });
  }
  if (t === 'key') {
    const k = v as Tagged;
    keysFound++;
    return { [PENDING_KEY]: { format: k.format, algorithm: k.algorithm, usages: k.usages, bytes: fromBase64(k.d as string) } };
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = fromJson(o[k], parts);
  return v;
}

function opened(tree: unknown, parts?: PartsIn): unknown {
  const before = keysFound;
  const v = fromJson(tree, parts);
  if (keysFound !== before && v && typeof v === 'object') withKeys.add(v);
  return v;
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

/** Whether a record `open`/`openAsync` returned holds keys `revive()` must import. */
export function hasPendingKeys(value: unknown): boolean {
  return !!value && typeof value === 'object' && withKeys.has(value);
}

const aad = (table: string, primaryKey: unknown) => enc.encode(`saqta-lock/record/v1\u0000${table}\u0000${JSON.stringify(primaryKey)}`);

const partAad = (table: string, primaryKey: unknown, i: number) => enc.encode(`saqta-lock/part/v1\u0000${table}\u0000${JSON.stringify(primaryKey)}\u0000${i}`);

/** What a record seals: its JSON as bytes, and its large Blobs' bytes as parts (`sealPlain`, `sealAsync`). */
export interface Plaintext {
  json: Uint8Array;
  parts: PartOut[];
}

export function plaintext(value: unknown, prepared: Prepared = new Map()): Plaintext {
  const parts: PartOut[] = [];
  return { json: enc.encode(JSON.stringify(toJson(value, prepared, parts))), parts };
}

export const plaintextSize = (p: Plaintext) => p.parts.reduce((n, x) => n + x.bytes.length, p.json.length);

/** A sealed record: `_lock` (nonce ‖ AES-GCM of its JSON) and, when it holds large Blobs, `_parts` (the AES-GCM of each, under the nonce its JSON names). */
export interface Sealed {
  lock: Uint8Array;
  parts?: Uint8Array[];
}

/**
 * From this many bytes of plaintext a write seals by WebCrypto (`sealAsync`, the writer's transaction kept
 * waiting meanwhile) and a read opens by it whatever the count: @noble's GCM took ~15 ms a megabyte, native
 * AES-GCM a few (a saved copy's snapshot and images are megabytes; bench/suites/lock.ts, the save's ✓).
 */
export const NATIVE_FROM = 32 * 1024;

const joined = (nonce: Uint8Array, ct: Uint8Array) => {
  const out = new Uint8Array(12 + ct.length);
  out.set(nonce);
  out.set(ct, 12);
  return out;
};

/** Seal one record (its JSON only, Blobs inline): nonce (12 bytes) ‖ AES-GCM ciphertext and tag. */
export function seal(keys: RecordKeys, table: string, primaryKey: unknown, value: unknown, prepared: Prepared = new Map()): Uint8Array {
  return sealPlain(keys, table, primaryKey, { json: enc.encode(JSON.stringify(toJson(value, prepared))), parts: [] }).lock;
}

export function sealPlain(keys: RecordKeys, table: string, primaryKey: unknown, plain: Plaintext): Sealed {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const lock = joined(nonce, gcm(keys.enc, nonce, aad(table, primaryKey)).encrypt(plain.json));
  if (!plain.parts.length) return { lock };
  return { lock, parts: plain.parts.map((p, i) => gcm(keys.enc, p.nonce, partAad(table, primaryKey, i)).encrypt(p.bytes)) };
}

/** `sealPlain` by WebCrypto: the same layout and associated data, so `open` and `openAsync` open it alike. */
export async function sealAsync(keys: RecordKeys, table: string, primaryKey: unknown, plain: Plaintext): Promise<Sealed> {
  const key = await subtleKey(keys.enc);
  const enc1 = async (nonce: Uint8Array, ad: Uint8Array, data: Uint8Array) =>
    new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, additionalData: ad as Uint8Array<ArrayBuffer>, tagLength: 128 }, key, data as Uint8Array<ArrayBuffer>));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const [lock, ...parts] = await Promise.all([enc1(nonce, aad(table, primaryKey), plain.json), ...plain.parts.map((p, i) => enc1(p.nonce, partAad(table, primaryKey, i), p.bytes))]);
  const sealed = { lock: joined(nonce, lock!) };
  return parts.length ? { ...sealed, parts } : sealed;
}

/**
 * Open one sealed record; throws if the key, the table, the primary key, a part or a byte is not the one it was
 * sealed with. Parts are ciphertext only: each opens under the nonce the record's own (authenticated) JSON names
 * and its index, so a part of another record, of an older version of this one or from another place does not open.
 */
export function open(keys: RecordKeys, table: string, primaryKey: unknown, sealed: Uint8Array, parts?: readonly Uint8Array[]): unknown {
  const tree = JSON.parse(dec.decode(gcm(keys.enc, sealed.subarray(0, 12), aad(table, primaryKey)).decrypt(sealed.subarray(12))));
  const opened_: Uint8Array[] = [];
  for (const [i, nonce] of partRefs(tree)) {
    const part = parts?.[i];
    if (!part) throw new Error('lock: a sealed part is missing');
    opened_[i] = gcm(keys.enc, nonce, partAad(table, primaryKey, i)).decrypt(part);
  }
  return opened(tree, opened_);
}

/** The envelope key as a WebCrypto key (imported once per key): large records seal and open natively (sealAsync, openAsync). */
const subtleKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function subtleKey(encKey: Uint8Array): Promise<CryptoKey> {
  let p = subtleKeys.get(encKey);
  if (!p) {
    p = crypto.subtle.importKey('raw', encKey as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']);
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
export async function openAsync(keys: RecordKeys, table: string, primaryKey: unknown, sealed: Uint8Array, parts?: readonly Uint8Array[]): Promise<unknown> {
  const key = await subtleKey(keys.enc);
  const dec1 = async (nonce: Uint8Array, ad: Uint8Array, box: Uint8Array) => {
    try {
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce as Uint8Array<ArrayBuffer>, additionalData: ad as Uint8Array<ArrayBuffer>, tagLength: 128 }, key, box as Uint8Array<ArrayBuffer>));
    } catch {
      throw new Error('aes-gcm: invalid tag');
    }
  };
  const tree = JSON.parse(dec.decode(await dec1(sealed.subarray(0, 12), aad(table, primaryKey), sealed.subarray(12))));
  const refs = [...partRefs(tree)];
  const opened_: Uint8Array[] = [];
  await Promise.all(
    refs.map(async ([i, nonce]) => {
      const part = parts?.[i];
      if (!part) throw new Error('lock: a sealed part is missing');
      opened_[i] = await dec1(nonce, partAad(table, primaryKey, i), part);
    }),
  );
  return opened(tree, opened_);
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

/** A search term's forms before keying: the whole word ('=') and each prefix up to PREFIX_MAX ('^'). */
function searchTermForms(term: string): string[] {
  const chars = [...term];
  const out = [`=${term}`];
  for (let k = 1; k <= Math.min(chars.length, PREFIX_MAX); k++) out.push(`^${chars.slice(0, k).join('')}`);
  return out;
}

/** A search term's keyed terms: the whole word ('=') and each prefix up to PREFIX_MAX ('^'). */
export function keyedSearchTerms(keys: RecordKeys, index: string, term: string): string[] {
  return searchTermForms(term).map((f) => keyedTerm(keys, index, f));
}

/**
 * A record's keyed search terms: each distinct form keyed once. An article's words share most of their
 * prefixes (`^қ`, `^қа`…): keyed word by word, a saved copy's text took ~7 HMACs a word, most of them repeats.
 */
export function keyedSearchTermsOf(keys: RecordKeys, index: string, terms: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const t of terms) for (const f of searchTermForms(t)) forms.add(f);
  return [...forms].map((f) => keyedTerm(keys, index, f));
}

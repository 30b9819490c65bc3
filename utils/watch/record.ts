/**
 * Check records: what one re-check of a live article found, kept as evidence.
 * Each record is hashed (SHA-256 of its canonical JSON without `hash`) and
 * chained to the page's previous check (`prevHash`), so a record edited or
 * dropped later is detectable (`verifyChecks`, used by `npm run verify`).
 * Pure.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { ChangeReport } from './compare';

/** How a request failed before any HTTP answer (see `errorClassOf`). */
export type NetErrorClass = 'dns' | 'refused' | 'reset' | 'tls' | 'timeout' | 'unreachable' | 'aborted' | 'other';

/**
 * unchanged / changed: the article text compared with the latest capture;
 * gone: 404 or 410; blocked: 451 or the connection failed (DNS, refused, reset, TLS, timeout…);
 * error: any other HTTP status, or the page had no article to compare.
 */
type CheckOutcome = 'unchanged' | 'changed' | 'gone' | 'blocked' | 'error';

export interface CheckRecord {
  id: string;
  pageId: string;
  /** The URL requested. */
  url: string;
  /** ISO 8601 UTC. */
  at: string;
  /** A scheduled watch check, the reader's "check now", or a revisit in a tab that found the text changed. */
  via: 'watch' | 'manual' | 'revisit';
  outcome: CheckOutcome;
  httpStatus?: number;
  errorClass?: NetErrorClass;
  /** The browser's own words for a network error. */
  error?: string;
  finalUrl?: string;
  /** SHA-256 (hex) and length of the bytes received (the HTML as served; a revisit: the page's HTML as shown). */
  sha256?: string;
  bytes?: number;
  /** The capture the text was compared with, and the capture this check saved (if any). */
  baseCaptureId?: string;
  captureId?: string;
  changes?: ChangeReport;
  /** The `hash` of the page's previous check, or null for its first. */
  prevHash: string | null;
  /** SHA-256 (hex) of this record's canonical JSON without `hash` (and without `stamp`). */
  hash: string;
  /**
   * An RFC 3161 token over `hash` (issue 24: the chain's head is time-stamped at least once a day,
   * utils/watch/chain-stamp.ts). Added after the record was sealed, so not in its hash.
   */
  stamp?: { tsa: string; token: string; genTime: string; tsaName: string };
}

/** Each article's watch flag and what Saqta last learned about the live article. */
export interface WatchRecord {
  pageId: string;
  /** 1 when the reader watches this article (IndexedDB cannot index booleans). */
  watched: 0 | 1;
  /** ok, or: changed since saved / gone / blocked (the library's filters). */
  state: 'ok' | 'changed' | 'gone' | 'blocked';
  stateSince?: string;
  lastCheckAt?: string;
  lastCheckId?: string;
  /** The check that found the newest change (side panel, popup). */
  changeCheckId?: string;
  /** Revisit: the live page's text fingerprint when its text matched capture `fingerprintOf`… */
  fingerprint?: string;
  fingerprintOf?: string;
  /** …and when it differed from capture `changedOf` (so a reload does not compare again). */
  changedFingerprint?: string;
  changedOf?: string;
}

/** JSON with object keys sorted at every level (undefined values dropped): the bytes that are hashed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function checkHash(record: Omit<CheckRecord, 'hash'> & { hash?: string }): string {
  const { hash: _drop, stamp: _stamp, ...rest } = record;
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(rest))));
}

export function sealCheck(record: Omit<CheckRecord, 'hash'>): CheckRecord {
  return { ...record, hash: checkHash(record) };
}

/** Problems with a set of check records: a hash that does not match, a broken chain. */
export function verifyChecks(records: CheckRecord[]): string[] {
  const problems: string[] = [];
  const byPage = new Map<string, CheckRecord[]>();
  for (const r of records) {
    if (!r || typeof r !== 'object' || typeof r.id !== 'string') {
      problems.push('A check record is not an object with an id.');
      continue;
    }
    if (checkHash(r) !== r.hash) problems.push(`Check ${r.id} (${r.at}): its hash does not match its contents.`);
    byPage.set(r.pageId, [...(byPage.get(r.pageId) ?? []), r]);
  }
  for (const list of byPage.values()) {
    list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const hashes = new Set(list.map((r) => r.hash));
    list.forEach((r, i) => {
      if (i === 0 && r.prevHash !== null && !hashes.has(r.prevHash)) return; // an export of later checks only
      if (i > 0 && r.prevHash !== list[i - 1].hash) problems.push(`Check ${r.id} (${r.at}): the check before it is missing or was changed.`);
    });
  }
  return problems;
}

/**
 * The class of a network error from the browser's message: Chromium's
 * net::ERR_* names (fetch rejects with "Failed to fetch", so the bridge
 * asks webRequest for the real error) and Firefox's NS_ERROR_* names.
 */
export function errorClassOf(message: string): NetErrorClass {
  const m = message.toUpperCase();
  if (/NAME_NOT_RESOLVED|NAME_RESOLUTION|DNS|UNKNOWN_HOST|ADDRESS_INVALID/.test(m)) return 'dns';
  if (/CONNECTION_REFUSED|CONNECTION_REFUSED|ECONNREFUSED/.test(m)) return 'refused';
  if (/CONNECTION_RESET|NET_RESET|ECONNRESET|CONNECTION_CLOSED|EMPTY_RESPONSE|NET_INTERRUPT|PARTIAL_TRANSFER/.test(m)) return 'reset';
  if (/SSL|CERT|TLS|SECURITY/.test(m)) return 'tls';
  if (/TIMED_OUT|TIMEOUT/.test(m)) return 'timeout';
  if (/ABORTED|ABORT/.test(m)) return 'aborted';
  if (/UNREACHABLE|INTERNET_DISCONNECTED|NETWORK_CHANGED|OFFLINE|ADDRESS_UNREACHABLE/.test(m)) return 'unreachable';
  return 'other';
}

/** The outcome of an HTTP answer that is not a 2xx. */
export function outcomeOfStatus(status: number): CheckOutcome {
  if (status === 451) return 'blocked';
  if (status === 404 || status === 410) return 'gone';
  return 'error';
}

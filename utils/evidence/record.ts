/**
 * A capture record's hash: SHA-256 of its canonical JSON, the bytes a
 * timestamp token covers. It commits to what was captured (URLs, time,
 * browser, version) and, through each artifact's SHA-256, to every saved
 * byte; it leaves out what is local (blob ids), may change later (notes,
 * the timestamp itself, artifacts added after the save such as the
 * screenshot, marked `addedAt`) or is added by exports (file names).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { CaptureRecord } from '../db';
import { bytesToHex, utf8 } from './bytes';

type RecordFields = Pick<CaptureRecord, 'id' | 'pageId' | 'url' | 'finalUrl' | 'capturedAt' | 'browser' | 'extensionVersion' | 'artifacts'>;

/** Canonical JSON (fixed key order, no spaces) of the fields a capture's proof covers. */
export function recordBytes(c: RecordFields): Uint8Array {
  const canonical = {
    id: c.id,
    pageId: c.pageId,
    url: c.url,
    finalUrl: c.finalUrl,
    capturedAt: c.capturedAt,
    browser: c.browser,
    extensionVersion: c.extensionVersion,
    // An artifact added after the save (the screenshot, `addedAt`) is not what a stamp requested at save covers.
    artifacts: c.artifacts.filter((a) => a.addedAt === undefined).map((a) => ({
      kind: a.kind,
      sha256: a.sha256,
      size: a.size,
      mime: a.mime,
      ...(a.sourceUrl !== undefined ? { sourceUrl: a.sourceUrl } : {}),
    })),
  };
  return utf8(JSON.stringify(canonical));
}

/** Hex SHA-256 of `recordBytes`. */
export function recordHash(c: RecordFields): string {
  return bytesToHex(sha256(recordBytes(c)));
}

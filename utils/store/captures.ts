/**
 * Storing a capture: every artifact's bytes, their SHA-256, the capture record
 * and the page's metadata, in ONE transaction — a full disk leaves nothing
 * half-written. Hashing happens before the transaction (IndexedDB
 * transactions close while awaiting anything else).
 */
import type { ArtifactKind, ArtifactRef, CaptureRecord, Exchange, PageRecord, SaqtaDB, ScreenshotState } from '../db';
import type { PageInfo } from '../messages';
import { newId } from '../annotation';
import { normalizeUrl } from '../url';
import { ensurePage, findPage } from './pages';
import type { PageKeys } from '../url';
import { shownCopy } from '../store/copy-choice';
import { blobToStore } from '../lock/envelope';

export interface NewArtifact {
  kind: ArtifactKind;
  bytes: Uint8Array;
  mime: string;
  sourceUrl?: string;
}

export interface NewCapture {
  page: PageInfo;
  /** Article metadata to keep on the page record (newest save wins). */
  meta: Partial<Pick<PageRecord, 'title' | 'byline' | 'siteName' | 'lang' | 'dir' | 'publishedTime' | 'excerpt' | 'wordCount' | 'canonicalUrl'>>;
  url: string;
  finalUrl: string;
  capturedAt: string;
  browser: string;
  extensionVersion: string;
  artifacts: NewArtifact[];
  notes?: CaptureRecord['notes'];
  /** Recorded HTTP exchanges; `artifact` is the index of the artifact holding the body. */
  exchanges?: (Omit<Exchange, 'blobId'> & { artifact: number })[];
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function storeCapture(db: SaqtaDB, input: NewCapture): Promise<{ capture: CaptureRecord; page: PageRecord }> {
  const captureId = newId();
  const hashed = await Promise.all(
    input.artifacts.map(async (a) => ({ ...a, sha256: await sha256Hex(a.bytes), blobId: newId() })),
  );
  return db.transaction('rw', db.pages, db.captures, db.blobs, async () => {
    const page = await ensurePage(db, input.page);
    const refs: ArtifactRef[] = hashed.map((a) => ({
      kind: a.kind,
      blobId: a.blobId,
      sha256: a.sha256,
      size: a.bytes.byteLength,
      mime: a.mime,
      ...(a.sourceUrl ? { sourceUrl: a.sourceUrl } : {}),
    }));
    await db.blobs.bulkAdd(
      hashed.map((a) => ({
        id: a.blobId,
        pageId: page.id,
        captureId,
        kind: a.kind,
        sha256: a.sha256,
        size: a.bytes.byteLength,
        mime: a.mime,
        data: blobToStore(a.bytes, a.mime, db.keyring),
      })),
    );
    const capture: CaptureRecord = {
      id: captureId,
      pageId: page.id,
      url: input.url,
      finalUrl: input.finalUrl,
      capturedAt: input.capturedAt,
      browser: input.browser,
      extensionVersion: input.extensionVersion,
      artifacts: refs,
      ...(input.notes ? { notes: input.notes } : {}),
      ...(input.exchanges?.length
        ? { exchanges: input.exchanges.filter((x) => hashed[x.artifact]).map(({ artifact, ...x }) => ({ ...x, blobId: hashed[artifact]!.blobId })) }
        : {}),
    };
    await db.captures.add(capture);
    const patch: Partial<PageRecord> = { savedAt: input.capturedAt, updatedAt: input.capturedAt };
    for (const [k, v] of Object.entries(input.meta)) if (v !== undefined && v !== '') (patch as Record<string, unknown>)[k] = v;
    if (input.meta.canonicalUrl && !page.normalizedCanonical) patch.normalizedCanonical = normalizeUrl(input.meta.canonicalUrl);
    const aliases = new Set(page.aliases);
    for (const u of [input.url, input.finalUrl]) {
      const n = normalizeUrl(u);
      if (n !== page.normalizedUrl) aliases.add(n);
    }
    patch.aliases = [...aliases];
    await db.pages.update(page.id, patch);
    return { capture, page: { ...page, ...patch } };
  });
}

/**
 * The screenshot follows the save: its artifact joins the capture in its OWN
 * transaction (hashed before it), marked `addedAt` — so the record hash a
 * timestamp requested at save covers does not change (utils/evidence/record.ts).
 * A full disk aborts this transaction alone: the capture stays as stored at ✓
 * and says the screenshot failed. Returns the updated record, or null when the
 * capture is gone (deleted meanwhile: nothing is added).
 */
export async function attachScreenshot(db: SaqtaDB, captureId: string, bytes: Uint8Array, mime = 'image/png', ms?: number): Promise<CaptureRecord | null> {
  const sha256 = await sha256Hex(bytes);
  const blobId = newId();
  const addedAt = new Date().toISOString();
  return db.transaction('rw', db.captures, db.blobs, async () => {
    const c = await db.captures.get(captureId);
    if (!c) return null;
    const ref: ArtifactRef = { kind: 'screenshot', blobId, sha256, size: bytes.byteLength, mime, addedAt };
    await db.blobs.add({ id: blobId, pageId: c.pageId, captureId, kind: 'screenshot', sha256, size: bytes.byteLength, mime, data: blobToStore(bytes, mime, db.keyring) });
    const notes = { ...c.notes, screenshot: 'ok' as const, ...(ms !== undefined ? { timingsMs: { ...c.notes?.timingsMs, screenshot: ms } } : {}) };
    // Only these two fields: a timestamp written meanwhile (utils/evidence/queue.ts) stays.
    await db.captures.update(captureId, { artifacts: [...c.artifacts, ref], notes });
    return { ...c, artifacts: [...c.artifacts, ref], notes };
  });
}

/** Say why a pending screenshot never came; a capture whose screenshot already settled is left alone. */
export async function settleScreenshot(db: SaqtaDB, captureId: string, state: Exclude<ScreenshotState, 'ok' | 'pending'>, error?: string): Promise<boolean> {
  return db.transaction('rw', db.captures, async () => {
    const c = await db.captures.get(captureId);
    if (c?.notes?.screenshot !== 'pending') return false;
    await db.captures.update(captureId, { notes: { ...c.notes, screenshot: state, ...(error ? { screenshotError: error.slice(0, 300) } : {}) } });
    return true;
  });
}

/**
 * At the background's start: a screenshot still 'pending' from before was cut
 * off with the background that was taking it (a stopped service worker, a
 * crash). Its capture is complete without it; the record says it never came.
 * Looks at captures of the last week saved before `startedAt` (the capturedAt index).
 */
export async function settleInterrupted(db: SaqtaDB, startedAt: string): Promise<{ id: string; pageId: string }[]> {
  const since = new Date(Date.parse(startedAt) - 7 * 24 * 3600_000).toISOString();
  const pending = await db.captures
    .where('capturedAt')
    .between(since, startedAt, true, false)
    .filter((c) => c.notes?.screenshot === 'pending')
    .toArray();
  const done: { id: string; pageId: string }[] = [];
  for (const c of pending) if (await settleScreenshot(db, c.id, 'interrupted')) done.push({ id: c.id, pageId: c.pageId });
  return done;
}

/** A pending screenshot older than this never came (its background was stopped, and has not started since to say so). */
export const SCREENSHOT_GIVE_UP_MS = 10 * 60_000;

/** The screenshot's state as the reader should see it (undefined: nothing to say, e.g. older captures). */
export function screenshotState(c: Pick<CaptureRecord, 'capturedAt' | 'notes' | 'artifacts'>, now = Date.now()): ScreenshotState | undefined {
  const s = c.notes?.screenshot;
  if (s === 'pending' && now - Date.parse(c.capturedAt) > SCREENSHOT_GIVE_UP_MS) return 'interrupted';
  if (s === undefined && c.artifacts.some((a) => a.kind === 'screenshot')) return 'ok';
  return s;
}

/** Captures of a page, newest first. */
export async function capturesOf(db: SaqtaDB, pageId: string): Promise<CaptureRecord[]> {
  return (await db.captures.where('pageId').equals(pageId).sortBy('capturedAt')).reverse();
}

/** The page with a saved copy known under any of these keys, with the copy the reader uses (their own newest unless they chose a colleague's; utils/store/copy-choice.ts). */
export async function savedCopyFor(db: SaqtaDB, keys: PageKeys): Promise<{ page: PageRecord; capture: CaptureRecord } | null> {
  // Also the article reached at its canonical URL when it was saved from another one.
  const page =
    (await findPage(db, keys)) ?? (await db.pages.where('normalizedCanonical').equals(keys.normalizedUrl).first());
  if (!page) return null;
  const capture = shownCopy(await capturesOf(db, page.id), page.chosenCopy);
  return capture ? { page, capture } : null;
}

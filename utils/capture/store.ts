/**
 * The end of the capture pipeline (utils/capture/README.md): store a record
 * built by `captureRecord` (./record.ts) and run the after-save effects every
 * capture has, whoever made it: tell pages (`page.saved`), queue its record
 * hash for a trusted timestamp (when on), and — when the reader saved it — the
 * page is no longer "changed since saved". The toolbar badge belongs to tab
 * saves (utils/background/save.ts). Pure over `CaptureEffects`.
 */
import type { CaptureRecord, PageRecord, SaqtaDB } from '../db';
import type { Event } from '../messages';
import { storeCapture, type NewCapture } from '../store/captures';
import { clearChanged } from '../store/watch';

export interface CaptureEffects {
  db: SaqtaDB;
  broadcast(event: Event): void;
  /** Queue a new capture's record hash for a trusted timestamp when timestamps are on (utils/background/evidence.ts). */
  stamp?(captureId: string): Promise<void>;
}

interface Stored {
  capture: CaptureRecord;
  page: PageRecord;
  /** How many captures the page has now. */
  versions: number;
}

/**
 * Store one capture in one transaction, then its effects. `by`: 'reader' (a save, a PDF) clears "changed since
 * saved"; 'watch' (a check found a change) leaves it. `settle` runs before the effects (the save's timings join the
 * record before its hash is queued).
 */
export async function saveCapture(
  fx: CaptureEffects,
  input: NewCapture,
  by: 'reader' | 'watch',
  settle?: (capture: CaptureRecord) => Promise<void>,
): Promise<Stored> {
  const { db, broadcast } = fx;
  const { capture, page } = await storeCapture(db, input);
  await settle?.(capture);
  broadcast({ event: 'page.saved', pageId: page.id });
  // Evidence: a failed queueing never fails the save (the capture is stored).
  if (fx.stamp) void fx.stamp(capture.id).catch(() => undefined);
  // The reader saved the page again: it is no longer "changed since saved".
  if (by === 'reader') {
    void clearChanged(db, page.id)
      .then((cleared) => cleared && broadcast({ event: 'watch.changed', pageId: page.id }))
      .catch(() => undefined);
  }
  const versions = await db.captures.where('pageId').equals(page.id).count();
  return { capture, page, versions };
}

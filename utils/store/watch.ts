/**
 * Watch flags, live states and check records in the database (v30 tables
 * `watches` and `checks`). A check and the page's new state are written in
 * one transaction, the check chained to the page's previous one.
 */
import type { CaptureRecord, SaqtaDB } from '../db';
import type { BundleArticle } from '../export/portable';
import { newId } from '../annotation';
import { sealCheck, type CheckRecord, type WatchRecord } from '../watch/record';
import { claimsTagged } from './tag-ids';

export async function watchOf(db: SaqtaDB, pageId: string): Promise<WatchRecord> {
  return (await db.watches.get(pageId)) ?? { pageId, watched: 0, state: 'ok' };
}

export async function setWatched(db: SaqtaDB, pageId: string, on: boolean): Promise<WatchRecord> {
  return db.transaction('rw', db.watches, async () => {
    const w = { ...(await watchOf(db, pageId)), watched: on ? 1 : 0 } as WatchRecord;
    await db.watches.put(w);
    return w;
  });
}

/** Ids of the articles watched one by one, and of those with a claim under a watched tag. */
export async function watchedPageIds(db: SaqtaDB, tags: string[]): Promise<string[]> {
  const [own, tagged] = await Promise.all([
    db.watches.where('watched').equals(1).primaryKeys(),
    // The reader's own claims only: a colleague's tag never adds a page to the watch list (issue 23).
    tags.length ? claimsTagged(db, tags).then((c) => c.toArray()).then((a) => a.filter((x) => !x.author).map((x) => x.pageId)) : Promise.resolve([]),
  ]);
  return [...new Set([...own, ...tagged])];
}

export type NewCheck = Omit<CheckRecord, 'id' | 'prevHash' | 'hash'>;

/**
 * Store a check (hashed, chained) and move the page's state: a change makes
 * it "changed" (until the reader saves it again), 404/410 "gone", 451 or a
 * failed connection "blocked"; an unchanged answer makes a gone or blocked
 * article "ok" again but keeps "changed" (the reader has not seen it yet).
 */
export async function recordCheck(db: SaqtaDB, input: NewCheck): Promise<{ check: CheckRecord; watch: WatchRecord }> {
  return db.transaction('rw', db.checks, db.watches, async () => {
    const last = await db.checks.where('[pageId+at]').between([input.pageId, ''], [input.pageId, '\uffff']).last();
    const check = sealCheck({ id: newId(), ...input, prevHash: last?.hash ?? null });
    await db.checks.add(check);
    const w = await watchOf(db, input.pageId);
    let state = w.state;
    if (input.outcome === 'changed') state = 'changed';
    else if (input.outcome === 'gone' || input.outcome === 'blocked') state = input.outcome;
    else if (input.outcome === 'unchanged' && state !== 'changed') state = 'ok';
    const next: WatchRecord = {
      ...w,
      state,
      stateSince: state === w.state ? w.stateSince : input.at,
      ...(input.via !== 'revisit' ? { lastCheckAt: input.at, lastCheckId: check.id } : {}),
      ...(input.outcome === 'changed' ? { changeCheckId: check.id } : {}),
    };
    await db.watches.put(next);
    return { check, watch: next };
  });
}

/** The reader saved the article again: it is no longer "changed since saved" (true when it was). */
export async function clearChanged(db: SaqtaDB, pageId: string): Promise<boolean> {
  return db.transaction('rw', db.watches, async () => {
    const w = await db.watches.get(pageId);
    if (w?.state !== 'changed') return false;
    await db.watches.put({ ...w, state: 'ok', stateSince: new Date().toISOString() });
    return true;
  });
}

export async function checksOf(db: SaqtaDB, pageId: string): Promise<CheckRecord[]> {
  return db.checks.where('[pageId+at]').between([pageId, ''], [pageId, '\uffff']).toArray();
}

export type TimelineEntry =
  | { kind: 'capture'; at: string; capture: CaptureRecord }
  | { kind: 'check'; at: string; check: CheckRecord };

/** Captures and checks of an article, oldest first. */
export async function timelineOf(db: SaqtaDB, pageId: string): Promise<TimelineEntry[]> {
  const [captures, checks] = await Promise.all([db.captures.where('pageId').equals(pageId).toArray(), checksOf(db, pageId)]);
  const out: TimelineEntry[] = [
    ...captures.map((c): TimelineEntry => ({ kind: 'capture', at: c.capturedAt, capture: c })),
    ...checks.map((c): TimelineEntry => ({ kind: 'check', at: c.at, check: c })),
  ];
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.kind === 'capture' ? -1 : 1));
}

/** The articles of an export with their check records (written to checks.json, utils/watch/bundle.ts). */
export async function* withChecks(db: SaqtaDB, articles: AsyncIterable<BundleArticle>): AsyncGenerator<BundleArticle> {
  for await (const a of articles) {
    const checks = await checksOf(db, a.page.id);
    yield checks.length ? { ...a, checks } : a;
  }
}

/**
 * The library's lists from Dexie indexes, so 10,000 articles and 100,000
 * claims stay quick. A list is a `ListSource`: its length and a way to read
 * the ids of any window of it. The unfiltered lists by date (what the library
 * opens on) are read window by window straight from the date index
 * (orderBy/offset/limit on primary keys, and a count), so the first screen
 * costs the same with 10 or 100,000 records. Filtered and site-sorted lists
 * are worked out once on index keys (primary keys, or aligned index/primary
 * key lists) and then sliced. The view loads only the rows on screen
 * (bulkGet). Pure over the database.
 */
import type { SaqtaDB } from '../db';
import type { Color } from '../annotation';
import { claimsTagged } from '../store/tag-ids';

export interface Filters {
  tag?: string;
  site?: string;
  color?: Color;
  /** ISO dates (inclusive, whole days). */
  from?: string;
  to?: string;
  orphans?: boolean;
  /** Team sync: 'me' (the reader's own claims) or a colleague's member id. */
  member?: string;
  /** What watching or a revisit learned of the live article (v30 `watches.state`). */
  live?: 'changed' | 'gone';
  sort: 'date-desc' | 'date-asc' | 'site';
}

/** Claims of a member: no index (authors are few and the filter is rare), so one scan of the claims. */
function byMember(db: SaqtaDB, member: string) {
  return db.annotations.filter((a) => (member === 'me' ? !a.author : a.author?.id === member));
}

const dayStart = (d: string) => `${d.slice(0, 10)}T00:00:00.000Z`;
const dayEnd = (d: string) => `${d.slice(0, 10)}T23:59:59.999Z`;

function intersect(sets: Set<string>[]): Set<string> | null {
  if (!sets.length) return null;
  const [first, ...rest] = [...sets].sort((a, b) => a.size - b.size);
  return new Set([...first!].filter((x) => rest.every((s) => s.has(x))));
}

async function pagesOfSite(db: SaqtaDB, site: string): Promise<string[]> {
  return (await db.pages.where('siteName').equals(site).primaryKeys()) as string[];
}

/** A list of ids in order, read a window at a time. */
export interface ListSource {
  /** How many rows the list has. */
  total: number;
  /** The ids of rows offset … offset + limit − 1, in list order. */
  ids(offset: number, limit: number): Promise<string[]>;
  /**
   * When `total` is only the first window's length (the list is longer): the
   * real count, read after the first screen (issue 29: the list shows before
   * anything is counted).
   */
  counted?: () => Promise<number>;
}

/** Rows read before the list first shows: more than a screen (library rows are ≥ 40 px). */
export const FIRST_WINDOW = 50;

/**
 * An unfiltered list by a date index: its first window is read first (one
 * index read, no count), so the list shows as soon as those rows are; the
 * count (a walk over the whole index: the reason 50,000 articles opened
 * slower than 10,000) comes after, from `counted`.
 */
async function byDateIndex(index: () => { reverse(): unknown; offset(n: number): unknown }, desc: boolean, count: () => Promise<number>): Promise<ListSource> {
  type Keys = { offset(n: number): Keys; limit(n: number): Keys; primaryKeys(): Promise<unknown[]> };
  const ordered = () => (desc ? (index().reverse() as Keys) : (index() as unknown as Keys));
  const first = (await ordered().limit(FIRST_WINDOW).primaryKeys()) as string[];
  const ids = async (offset: number, limit: number) =>
    offset + limit <= first.length ? first.slice(offset, offset + limit) : ((await ordered().offset(offset).limit(limit).primaryKeys()) as string[]);
  if (first.length < FIRST_WINDOW) return { total: first.length, ids };
  return { total: first.length, ids, counted: count };
}

function fromArray(all: string[]): ListSource {
  return { total: all.length, ids: async (offset, limit) => all.slice(offset, offset + limit) };
}

function hasFilter(f: Filters): boolean {
  return !!(f.tag || f.site || f.color || f.from || f.to || f.orphans || f.member || f.live);
}

/** Pages whose live article changed since saved, or is gone or blocked. */
async function pagesLive(db: SaqtaDB, live: 'changed' | 'gone'): Promise<string[]> {
  return (await db.watches.where('state').anyOf(live === 'changed' ? ['changed'] : ['gone', 'blocked']).primaryKeys()) as string[];
}

/** The claims list: by date without filters reads the `created` index a window at a time. */
export async function claimList(db: SaqtaDB, f: Filters): Promise<ListSource> {
  if (hasFilter(f) || f.sort === 'site') return fromArray(await claimIds(db, f));
  // Counted (after the first window) on the date index the list reads: its entries are small, where a
  // count of the table walks every whole record.
  return byDateIndex(() => db.annotations.orderBy('created'), f.sort === 'date-desc', () => db.annotations.orderBy('created').count());
}

/** The articles list: by date without filters reads the `createdAt` index a window at a time. */
export async function pageList(db: SaqtaDB, f: Filters): Promise<ListSource> {
  if (hasFilter(f) || f.sort === 'site') return fromArray(await pageIds(db, f));
  return byDateIndex(() => db.pages.orderBy('createdAt'), f.sort === 'date-desc', () => db.pages.orderBy('createdAt').count());
}

/** Claim ids in list order. */
export async function claimIds(db: SaqtaDB, f: Filters): Promise<string[]> {
  const sets: Set<string>[] = [];
  const keys = async (p: Promise<unknown[]>) => new Set((await p) as string[]);
  if (f.tag) sets.push(await keys((await claimsTagged(db, [f.tag])).primaryKeys()));
  if (f.color) sets.push(await keys(db.annotations.where('body.color').equals(f.color).primaryKeys()));
  if (f.orphans) sets.push(await keys(db.annotations.where('anchor').equals('orphan').primaryKeys()));
  if (f.from || f.to) sets.push(await keys(db.annotations.where('created').between(f.from ? dayStart(f.from) : '', f.to ? dayEnd(f.to) : '\uffff', true, true).primaryKeys()));
  if (f.site) sets.push(await keys(db.annotations.where('pageId').anyOf(await pagesOfSite(db, f.site)).primaryKeys()));
  if (f.member) sets.push(await keys(byMember(db, f.member).primaryKeys()));
  if (f.live) sets.push(await keys(db.annotations.where('pageId').anyOf(await pagesLive(db, f.live)).primaryKeys()));
  const only = intersect(sets);
  if (only && only.size <= 20_000 && f.sort !== 'site') {
    // A narrow filter: sort its few records rather than scan the whole date index
    // (reading 20,000 records costs less than reading the 100,000 keys of the date index).
    const rows = (await db.annotations.bulkGet([...only])).filter((a) => !!a);
    rows.sort((a, b) => (a!.created < b!.created ? -1 : a!.created > b!.created ? 1 : a!.id < b!.id ? -1 : 1));
    const ids = rows.map((a) => a!.id);
    return f.sort === 'date-desc' ? ids.reverse() : ids;
  }
  let ordered: string[];
  if (f.sort === 'site') {
    // Pages by site, then each page's claims: two aligned index scans, no records read.
    const pageOrder = new Map(((await db.pages.orderBy('siteName').primaryKeys()) as string[]).map((id, i) => [id, i]));
    const pageKeys = (await db.annotations.orderBy('pageId').keys()) as string[];
    const ids = (await db.annotations.orderBy('pageId').primaryKeys()) as string[];
    const idx = ids.map((_, i) => i).sort((a, b) => (pageOrder.get(pageKeys[a]!) ?? 1e9) - (pageOrder.get(pageKeys[b]!) ?? 1e9));
    ordered = idx.map((i) => ids[i]!);
  } else {
    ordered = (await db.annotations.orderBy('created').primaryKeys()) as string[];
    if (f.sort === 'date-desc') ordered.reverse();
  }
  return only ? ordered.filter((id) => only.has(id)) : ordered;
}

/** Article ids in list order. */
export async function pageIds(db: SaqtaDB, f: Filters): Promise<string[]> {
  const sets: Set<string>[] = [];
  const pagesOf = async (p: Promise<{ pageId: string }[]>) => new Set((await p).map((a) => a.pageId));
  if (f.tag) sets.push(await pagesOf((await claimsTagged(db, [f.tag])).toArray()));
  if (f.color) sets.push(await pagesOf(db.annotations.where('body.color').equals(f.color).toArray()));
  if (f.orphans) sets.push(await pagesOf(db.annotations.where('anchor').equals('orphan').toArray()));
  if (f.from || f.to) sets.push(new Set((await db.pages.where('createdAt').between(f.from ? dayStart(f.from) : '', f.to ? dayEnd(f.to) : '\uffff', true, true).primaryKeys()) as string[]));
  if (f.site) sets.push(new Set(await pagesOfSite(db, f.site)));
  if (f.member) sets.push(await pagesOf(byMember(db, f.member).toArray()));
  if (f.live) sets.push(new Set(await pagesLive(db, f.live)));
  const only = intersect(sets);
  let ordered: string[];
  if (f.sort === 'site') {
    const withSite = (await db.pages.orderBy('siteName').primaryKeys()) as string[];
    const all = (await db.pages.orderBy('createdAt').reverse().primaryKeys()) as string[];
    const seen = new Set(withSite);
    ordered = [...withSite, ...all.filter((id) => !seen.has(id))];
  } else {
    ordered = (await db.pages.orderBy('createdAt').primaryKeys()) as string[];
    if (f.sort === 'date-desc') ordered.reverse();
  }
  return only ? ordered.filter((id) => only.has(id)) : ordered;
}

/** Every site name in the library (for the filter), A→Z. */
export async function siteNames(db: SaqtaDB): Promise<string[]> {
  return ((await db.pages.orderBy('siteName').uniqueKeys()) as string[]).filter(Boolean);
}

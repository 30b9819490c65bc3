/**
 * The library page's reads of the database besides its lists (./query.ts):
 * the rows of a window of a list, search hits with their articles, tag names,
 * team members, the claims of selected articles. Pure over the database.
 */
import type { SaqtaDB, PageRecord, TagRecord } from '../db';
import type { Annotation } from '../annotation';
import { search, type SearchHit } from '../search/query';
import type { ListSource } from './query';

/** One row of the articles or claims list (a claim with its article). */
export type Row = { page?: PageRecord; claim?: Annotation };
/** A row of a windowed list (entrypoints/library/VirtualList.tsx): its id, and its record once read. */
export interface ListRow<T> {
  id: string;
  item: T | undefined;
}

/** The articles of a window of a list (claim counts come after the rows show). */
export async function pageRows(db: SaqtaDB, source: ListSource, offset: number, limit: number): Promise<ListRow<Row>[]> {
  const ids = await source.ids(offset, limit);
  const pages = await db.pages.bulkGet(ids);
  return ids.map((id, i) => ({ id, item: pages[i] ? { page: pages[i] } : undefined }));
}

/** The claims of a window of a list, each with its article. */
export async function claimRows(db: SaqtaDB, source: ListSource, offset: number, limit: number): Promise<ListRow<Row>[]> {
  const ids = await source.ids(offset, limit);
  const claims = await db.annotations.bulkGet(ids);
  const pages = new Map((await db.pages.bulkGet([...new Set(claims.filter((a) => !!a).map((a) => a!.pageId))])).filter((p) => !!p).map((p) => [p!.id, p!]));
  return ids.map((id, i) => {
    const a = claims[i] as Annotation | undefined;
    return { id, item: a ? { claim: a, page: pages.get(a.pageId) } : undefined };
  });
}

export interface Hits {
  q: string;
  hits: SearchHit[];
  pages: Map<string, PageRecord>;
}

/** Search hits (at most 100) with the articles they belong to. */
export async function searchWithPages(db: SaqtaDB, q: string): Promise<Hits> {
  const res = await search(db, q, 100);
  const pages = await db.pages.bulkGet([...new Set(res.hits.map((h) => h.pageId))]);
  return { q, hits: res.hits, pages: new Map(pages.filter((p) => !!p).map((p) => [p!.id, p!])) };
}

/** Tag names by name, without counts (NaN) — the filter before counts are wanted. */
export async function tagsByName(db: SaqtaDB): Promise<(TagRecord & { count: number })[]> {
  return (await db.tags.toArray()).filter((tg) => !tg.mergedInto).sort((x, y) => x.name.localeCompare(y.name)).map((tg) => ({ ...tg, count: NaN }));
}

/** Team sync: colleagues met in the team folder. */
export async function teamMembers(db: SaqtaDB): Promise<{ id: string; name: string }[]> {
  return (await db.teamMembers.toArray()).map(({ id, name }) => ({ id, name }));
}

/** The ids of the claims of some articles. */
export async function claimIdsOf(db: SaqtaDB, pageIds: string[]): Promise<string[]> {
  return (await db.annotations.where('pageId').anyOf(pageIds).primaryKeys()) as string[];
}

/** An article's title, if it is still in the library. */
export async function pageTitle(db: SaqtaDB, id: string): Promise<{ id: string; title: string } | undefined> {
  const p = await db.pages.get(id);
  return p && { id: p.id, title: p.title };
}

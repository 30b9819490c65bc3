/**
 * The library page's state, one hook per concern: the list on screen, search
 * hits, tags and sites for the filters, team members, the watch timeline,
 * the selection, and what waits until the first screen has shown.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { send, onEvent } from '../../utils/ext/client';
import type { SaqtaDB, TagRecord } from '../../utils/db';
import { claimList, pageList, siteNames, type Filters, type ListSource } from '../../utils/library/query';
import { pageTitle, searchWithPages, tagsByName, teamMembers, type Hits } from '../../utils/library/rows';
import { indexArticleTexts } from '../../utils/search/articles';
import { buildSearchIndex } from '../../utils/search/memory';

export type Tab = 'articles' | 'claims' | 'tags';
/**
 * `key` changes with every reload; `shape` only with the tab and filters: the
 * list is remounted for a new shape (fresh rows, back to the top), and a
 * reload of the same shape keeps its rows on screen until the new ones come.
 */
type ListState = { source: ListSource; tab: Tab; key: number; shape: number } | null;

/** Team sync: colleagues met in the team folder (a member filter when there are any). */
export function useMembers(db: SaqtaDB, version: number, shown: boolean) {
  const [members, setMembers] = useState<{ id: string; name: string }[]>([]);
  // After the first screen (issue 29): nothing but the list is read before it shows.
  useEffect(() => void (shown && teamMembers(db).then(setMembers)), [version, shown]);
  return members;
}

/** Watching: an article's timeline (a notification click opens library.html?timeline=ID). */
export function useTimeline(db: SaqtaDB) {
  const [timeline, setTimeline] = useState<{ id: string; title: string } | null>(() => {
    const id = new URLSearchParams(location.search).get('timeline');
    return id ? { id, title: '' } : null;
  });
  useEffect(() => {
    if (timeline && !timeline.title) void pageTitle(db, timeline.id).then((p) => p && setTimeline(p));
  }, [timeline?.id]);
  return [timeline, setTimeline] as const;
}

/**
 * The first screen comes first: once a list has shown, article texts join the
 * search index and, a moment later, `late` lets the backup check run. A save
 * or import elsewhere: its article text joins the search index (cheap when
 * nothing is new), then the lists reload.
 */
export function useFirstScreen(db: SaqtaDB, list: ListState, reload: () => void) {
  const [shown, setShown] = useState(false);
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!shown && list) setShown(true);
  }, [list]);
  useEffect(() => onEvent(() => void indexArticleTexts(db).catch(() => 0).then(() => reload())), []);
  useEffect(() => {
    if (!shown) return;
    void indexArticleTexts(db).then((n) => n && reload());
    const timer = setTimeout(() => {
      setLate(true);
      // The search index in memory (docs/search.md): built once the page is idle; searches before it answer from IndexedDB.
      void buildSearchIndex(db).catch(() => null);
    }, 2000);
    return () => clearTimeout(timer);
  }, [shown]);
  return { shown, late };
}

/**
 * Tags for the filter and the Tags tab, and the sites for the filter. Tag
 * counts (a count per tag over the claims index: seconds on 100,000 claims)
 * are read only when `counted` (the Tags tab or the tag filter is used);
 * until then the filter lists tag names.
 */
export function useTagsAndSites(db: SaqtaDB, version: number, shown: boolean, counted: boolean) {
  const [tags, setTags] = useState<(TagRecord & { count: number })[]>([]);
  const [sites, setSites] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    if (counted) void send('tags.list', {}).then((r) => live && r.ok && setTags(r.value.tags));
    // Tag names after the first screen (issue 29), as the sites.
    else if (shown) void tagsByName(db).then((all) => live && setTags(all));
    if (shown) void siteNames(db).then((s) => live && setSites(s));
    return () => {
      live = false;
    };
  }, [version, shown, counted]);
  return { tags, sites };
}

/** The articles or claims list for the tab and filters (none for the Tags tab). */
export function useList(db: SaqtaDB, tab: Tab, filters: Filters, version: number) {
  const [list, setList] = useState<ListState>(null);
  const shape = useMemo(() => Math.random(), [tab, filters]);
  useEffect(() => {
    if (tab === 'tags') return;
    let live = true;
    void (tab === 'articles' ? pageList(db, filters) : claimList(db, filters)).then(async (source) => {
      if (!live) return;
      const key = Math.random();
      setList({ source, tab, key, shape });
      // The first window shows before the count (issue 29); the real length follows, same list (same key).
      if (!source.counted) return;
      const total = await source.counted();
      if (live) setList({ source: { ...source, total, counted: undefined }, tab, key, shape });
    });
    return () => {
      live = false;
    };
  }, [tab, filters, version]);
  return list;
}

/** Search hits for what is typed, 150 ms after the last key. */
export function useSearch(db: SaqtaDB, query: string, version: number) {
  const [hits, setHits] = useState<Hits | null>(null);
  useEffect(() => {
    const q = query.trim();
    if (!q) return setHits(null);
    let live = true;
    const timer = setTimeout(async () => {
      const res = await searchWithPages(db, q);
      if (live) setHits(res);
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, version]);
  return hits;
}

/** The rows ticked in the list; a tab switch clears them. */
export function useSelection(tab: Tab) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => setSelected(new Set()), [tab]);
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      next.has(id) ? next.delete(id) : next.add(id);
      return next;
    });
  return { selected, setSelected, toggle };
}

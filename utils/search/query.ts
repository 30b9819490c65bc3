/**
 * Full-text search over the library, on Dexie multi-entry indexes of folded
 * terms (see fold.ts and docs/library.md, "Search"). Pure over the database.
 *
 * Every word of the query must match (the last may be a prefix, so results
 * come while typing; others match as prefixes too, so `Ақылбеков` finds
 * `Ақылбековамен`). Ranking: exact word > prefix, the whole phrase in order,
 * the field (title > quote > tag > note > article text), newer first.
 *
 * How it stays quick over 100,000 claims: each word is looked up on the
 * term indexes (claims: `claimTerms` and tags by name, v50) as primary keys only (exact and prefix ranges, capped), the
 * sets are intersected starting from the rarest, and the term score comes
 * from which set a key is in, so no record is read to find and score the
 * candidates. Records are then read (bulkGet) in order of the best score they
 * could still reach, and reading stops as soon as the results in hand cannot
 * be beaten: a one-word query reads a few hundred rows, not thousands, and
 * long article texts are read only when they can still make the list.
 */
import type { Indexed, PageRecord, SaqtaDB, TextRecord } from '../db';
import { quoteOf, type Annotation } from '../annotation';
import { fold, foldWithMap, terms } from './fold';
import { buildSearchIndex, memoryIndex, type MemoryIndex } from './memory';
import { recency, topSlots } from './term-index';
import { idsReadingAs, tagMaps } from '../store/tag-id-core';

type HitKind = 'claim' | 'page' | 'text';

interface Snippet {
  before: string;
  match: string;
  after: string;
}

export interface SearchHit {
  kind: HitKind;
  /** Claim id for claims, page id otherwise. */
  id: string;
  pageId: string;
  score: number;
  /** Where the match was found. */
  field: 'title' | 'quote' | 'note' | 'tag' | 'text';
  snippet: Snippet;
}

/** Records read to check the other words on, when a word is too common to intersect on keys. */
const RECORD_CAP = 2000;

export function queryTerms(q: string): string[] {
  return terms(q).slice(0, 8);
}

/** How well a record's terms match the query: 0 if a word is missing. */
export function termScore(recordTerms: readonly string[], qterms: readonly string[]): number {
  let score = 0;
  for (const q of qterms) {
    let best = 0;
    for (const t of recordTerms) {
      if (t === q) {
        best = 3;
        break;
      }
      if (best < 1 && t.startsWith(q)) best = 1;
    }
    if (!best) return 0;
    score += best;
  }
  return score;
}

/** The first match of any query word in `text`, with about `radius` characters of context each side. */
export function snippetOf(text: string, qterms: readonly string[], radius = 60): Snippet | null {
  return snippetIn(text, foldWithMap(text), qterms, radius);
}

/** snippetOf on a text already folded (the fold is the costly part: it is done once per text). */
function snippetIn(text: string, { folded, map }: { folded: string; map: number[] }, qterms: readonly string[], radius = 60): Snippet | null {
  let at = -1;
  let len = 0;
  const phrase = qterms.join(' ');
  const foldedSpaced = folded.replace(/[^\p{L}\p{N}]+/gu, (m) => ' '.padEnd(m.length, ' '));
  for (const candidate of [phrase, ...qterms]) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${candidate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'u');
    const m = re.exec(foldedSpaced);
    if (m) {
      at = m.index;
      len = candidate.length;
      // Extend the match to the end of the word.
      while (at + len < folded.length && /[\p{L}\p{N}]/u.test(folded.charAt(at + len))) len++;
      break;
    }
  }
  if (at < 0) return null;
  const start = map[at] ?? 0;
  const end = map[at + len] ?? text.length;
  let from = Math.max(0, start - radius);
  let to = Math.min(text.length, end + radius);
  if (from > 0) from = text.indexOf(' ', from) + 1 || from;
  if (to < text.length) to = text.lastIndexOf(' ', to) > end ? text.lastIndexOf(' ', to) : to;
  const squash = (s: string) => s.replace(/\s+/g, ' ');
  return {
    before: (from > 0 ? '…' : '') + squash(text.slice(from, start)),
    match: text.slice(start, end),
    after: squash(text.slice(end, to)) + (to < text.length ? '…' : ''),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTable = import('dexie').Table<any, any, any>;

/**
 * Where one kind of record is looked up by term: primary keys of the
 * records with a term equal to, or starting with, a query word, and the
 * terms of given records.
 */
interface TermSource {
  equals(q: string, limit: number): Promise<string[]>;
  startsWith(q: string, limit: number): Promise<string[]>;
  termsOf(keys: string[]): Promise<(readonly string[] | undefined)[]>;
}

/** Pages and texts: a `*terms` index on the records themselves. */
function tableSource(table: AnyTable): TermSource {
  return {
    equals: (q, limit) => table.where('terms').equals(q).limit(limit).primaryKeys() as Promise<string[]>,
    startsWith: (q, limit) => table.where('terms').startsWith(q).limit(limit).primaryKeys() as Promise<string[]>,
    termsOf: async (keys) => ((await table.bulkGet(keys)) as ({ terms?: string[] } | undefined)[]).map((r) => r && (r.terms ?? [])),
  };
}

const tagTermMemo = new Map<string, string[]>();
const termsOfTag = (name: string) => {
  let out = tagTermMemo.get(name);
  if (!out) {
    if (tagTermMemo.size > 5000) tagTermMemo.clear();
    tagTermMemo.set(name, (out = terms(name)));
  }
  return out;
};

/**
 * Claims (v50): the words of their quote and note on the `claimTerms` index,
 * and their tags by name. The tag names are the tags table's (a few hundred
 * at most; every writer of claims makes a claim's tags through it, with the
 * table's spelling: store/tags.ts ensureTags, the import merge, team sync).
 * The unique keys of the claims' `body.tags` index would say the same, but a
 * unique-key cursor walks every entry of a multi-entry index in Chromium
 * (~1 s at 100,000 claims). A word matches a tag when one of the tag's folded
 * terms is, or starts with, the word, and the claims holding it come from
 * `body.tags`. Same results as one `terms` list per claim of quote, note and
 * tags (annotationTerms), with no tag term stored per claim.
 */
async function claimSource(db: SaqtaDB): Promise<TermSource> {
  // v60: claims hold tag ids; a tag's name is looked up here, so a renamed tag is found by its new name
  // (utils/store/tag-ids.ts). Each live tag's name with the ids reading as it (itself and tags merged into it).
  const tagRows = await db.tags.toArray();
  const maps = tagMaps(tagRows);
  const idsByName = new Map(tagRows.filter((t) => !t.mergedInto).map((t) => [t.name, idsReadingAs(maps, t.id)]));
  const names = [...idsByName.keys()];
  const text = tableSource(db.claimTerms);
  // Per query word and read size: the claims holding a tag with that word (exact) or a word starting
  // with it (prefix ⊇ exact), index keys only, `cap` at most (complete: all of them).
  type Tagged = { exact: Set<string>; prefix: Set<string>; complete: boolean };
  const byWord = new Map<string, { cap: number; sets: Promise<Tagged> }>();
  const tagged = (q: string, cap: number) => {
    const known = byWord.get(q);
    if (known && (known.cap >= cap)) return known.sets;
    const keysOf = async (names: string[]) => (names.length ? ((await db.annotations.where('body.tagIds').anyOf(names.flatMap((n) => idsByName.get(n) ?? [])).limit(cap + 1).primaryKeys()) as string[]) : []);
    const exactNames = names.filter((n) => termsOfTag(n).includes(q));
    const prefixNames = names.filter((n) => termsOfTag(n).some((t) => t.startsWith(q)));
    const sets = Promise.all([keysOf(exactNames), prefixNames.length === exactNames.length ? null : keysOf(prefixNames)]).then(([exact, prefix]) => ({
      exact: new Set(exact),
      prefix: new Set(prefix ?? exact),
      complete: exact.length <= cap && (prefix ?? exact).length <= cap,
    }));
    byWord.set(q, { cap, sets });
    return sets;
  };
  const merge = (a: string[], b: Set<string>, limit: number) => (b.size ? [...new Set([...a, ...b])].slice(0, limit) : a);
  return {
    equals: async (q, limit) => {
      const [a, b] = await Promise.all([text.equals(q, limit), tagged(q, limit)]);
      return merge(a, b.exact, limit);
    },
    startsWith: async (q, limit) => {
      const [a, b] = await Promise.all([text.startsWith(q, limit), tagged(q, limit)]);
      return merge(a, b.prefix, limit);
    },
    termsOf: async (keys) => {
      const words = await Promise.all([...byWord].map(async ([q, p]) => [q, await p.sets] as const));
      if (words.every(([, w]) => w.complete)) {
        // The tags' part of each claim's terms from the query words' tag sets: no claim is read.
        // (A prefix-only match stands as the word plus a character past every letter: it starts with the word and is not it.)
        const rows = await db.claimTerms.bulkGet(keys);
        return rows.map((r, i) => {
          const key = keys[i]!;
          const extra = words.flatMap(([q, w]) => (w.exact.has(key) ? [q] : w.prefix.has(key) ? [`${q}\uffff`] : []));
          return r ? (extra.length ? [...r.terms, ...extra] : r.terms) : extra.length ? extra : undefined;
        });
      }
      const [rows, claims] = await Promise.all([db.claimTerms.bulkGet(keys), db.annotations.bulkGet(keys)]);
      return claims.map((a, i) => a && [...(rows[i]?.terms ?? []), ...a.body.tags.flatMap(termsOfTag)]);
    },
  };
}

/** Index entries read per word at first: most words are rarer than this, and their sets intersect on keys alone. */
const FIRST_READ = RECORD_CAP;

/** Primary keys of one word's exact and prefix ranges, up to `cap` entries each. */
async function lookUp(source: TermSource, q: string, cap: number) {
  const [exact, prefix] = await Promise.all([source.equals(q, cap), source.startsWith(q, cap + 1)]);
  return { exact: new Set(exact), prefix: new Set(prefix), complete: prefix.length <= cap };
}

/**
 * Keys of the records that have every query word, with their term score
 * (exact word 3, prefix 1, summed), from the term indexes alone wherever
 * possible. One word: its exact range first, prefixes only to fill `keep`
 * (ties beyond `keep` are cut anyway). Several: each word's ranges up to
 * 2,000 entries; the rarest word's set is walked and the others looked up.
 * A more common word is checked on the rarest word's records' own terms
 * (≤ 2,000 records: cheaper than reading 20,000 keys). When every word is
 * common, the candidates are the first 2,000 entries of the rarest word's
 * range, checked the same way (a cap, like any index search's).
 */
async function scoredKeys(source: TermSource, qterms: string[], keep: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (qterms.length === 1) {
    const q = qterms[0]!;
    const exact = await source.equals(q, keep);
    for (const k of exact) out.set(k, 3);
    if (exact.length < keep) {
      for (const k of await source.startsWith(q, keep * 2 + exact.length)) {
        if (out.size >= keep) break;
        if (!out.has(k)) out.set(k, 1);
      }
    }
    return out;
  }
  const sets = await Promise.all(qterms.map((q) => lookUp(source, q, FIRST_READ)));
  let rarest = 0;
  for (let i = 1; i < sets.length; i++) if (sets[i]!.prefix.size < sets[rarest]!.prefix.size) rarest = i;
  if (!sets[rarest]!.prefix.size) return out;
  const driver = sets[rarest]!;
  if (sets.every((x, i) => i === rarest || x.complete)) {
    for (const key of driver.prefix) {
      let score = 0;
      for (const x of sets) {
        const s = x.exact.has(key) ? 3 : x.prefix.has(key) ? 1 : 0;
        if (!s) {
          score = 0;
          break;
        }
        score += s;
      }
      if (score) out.set(key, score);
    }
    return out;
  }
  // A common word beside a rarer one: check every word on the rarer one's records.
  const keys = [...driver.prefix].slice(0, RECORD_CAP);
  const rows = await source.termsOf(keys);
  rows.forEach((r, i) => {
    const score = r ? termScore(r, qterms) : 0;
    if (score) out.set(keys[i]!, score);
  });
  return out;
}

const WEIGHT = { title: 1.6, quote: 1.4, tag: 1.3, note: 1.1, text: 1 } as const;
/** Records read per step of the ranking. */
const BATCH = 50;

type Candidate = { kind: HitKind; key: string; s: number; bound: number };

/**
 * The candidates from the in-memory index (memory.ts): every record holding
 * all the words, scored in memory; the best `keep` of each kind by the exact
 * highest score each could reach (its own recency, not the 0.5 ceiling), so
 * the records read first are the ones that make the list.
 */
function memoryQueue(index: MemoryIndex, qterms: string[], keep: number, maxBonus: number): Candidate[] {
  const out: Candidate[] = [];
  // A claim whose words are found only among its tags' ranks by the tag field (below the quote's weight).
  const kinds: [HitKind, number, number][] = [['claim', WEIGHT.quote, WEIGHT.tag], ['page', WEIGHT.title, WEIGHT.title], ['text', WEIGHT.text, WEIGHT.text]];
  for (const [kind, weight, tagWeight] of kinds) {
    const idx = index.kinds[kind]!;
    const { slots, score, text } = idx.match(qterms);
    const bound = (at: number) => (score[at]! + maxBonus) * (text[at] ? weight : tagWeight) + idx.rec[at]!;
    for (const at of topSlots(slots, bound, keep)) out.push({ kind, key: idx.ids[at]!, s: score[at]!, bound: bound(at) });
  }
  return out.sort((x, y) => y.bound - x.bound);
}

/**
 * `index`: 'auto' (the in-memory index when it is ready, else the IndexedDB
 * indexes while it builds), or one of them only ('memory' builds it first;
 * tests and the bench compare the two).
 */
export async function search(db: SaqtaDB, q: string, limit = 100, opts: { index?: 'auto' | 'memory' | 'disk' } = {}): Promise<{ hits: SearchHit[]; terms: string[] }> {
  const qterms = queryTerms(q);
  if (!qterms.length) return { hits: [], terms: [] };
  const phrase = fold(q).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const maxBonus = phrase.includes(' ') ? 2 : 0;
  // The best few times `limit` of each kind by term score; each with the
  // highest score it could reach once read (phrase bonus, best field, recency < 0.5).
  const keep = limit * 3;
  const mode = opts.index ?? 'auto';
  const index = mode === 'disk' ? null : mode === 'memory' ? await buildSearchIndex(db) : await memoryIndex(db);
  let queue: Candidate[];
  if (index) queue = memoryQueue(index, qterms, keep, maxBonus);
  else {
    const [claims, pages, texts] = await Promise.all([claimSource(db).then((c) => scoredKeys(c, qterms, keep)), scoredKeys(tableSource(db.pages), qterms, keep), scoredKeys(tableSource(db.texts), qterms, keep)]);
    const best = (scores: Map<string, number>, kind: HitKind, weight: number, recent: number): Candidate[] =>
      [...scores]
        .sort((x, y) => y[1] - x[1])
        .slice(0, keep)
        .map(([key, s]) => ({ kind, key, s, bound: (s + maxBonus) * weight + recent }));
    queue = [...best(claims, 'claim', WEIGHT.quote, 0.5), ...best(pages, 'page', WEIGHT.title, 0.5), ...best(texts, 'text', WEIGHT.text, 0)].sort((x, y) => y.bound - x.bound);
  }

  const hits: SearchHit[] = [];
  const folded = (text: string) => {
    const f = foldWithMap(text);
    return { ...f, bonus: maxBonus && f.folded.replace(/[^\p{L}\p{N}]+/gu, ' ').includes(phrase) ? 2 : 0 };
  };
  for (let at = 0, size = limit; at < queue.length; at += size, size = BATCH) {
    if (hits.length >= limit) {
      hits.sort((a, b) => b.score - a.score);
      // Nothing left can beat the results in hand (a tie would rank after them: the sort is stable): stop reading.
      if (hits[limit - 1]!.score >= queue[at]!.bound) break;
    }
    // The first window at once (one read per table), then a batch at a time.
    const batch = queue.slice(at, at + size);
    const of = (kind: HitKind) => batch.filter((c) => c.kind === kind);
    const [cs, ps, ts] = [of('claim'), of('page'), of('text')];
    // Texts read for an earlier search (typing: the same first window again) come from the index's memory of them.
    const known = index ? ts.map((c) => index.texts.get(c.key)) : [];
    const toRead = ts.filter((_, i) => known[i] === undefined);
    const [claimRows, pageRows, readRows] = await Promise.all([
      cs.length ? db.annotations.bulkGet(cs.map((c) => c.key)) : [],
      ps.length ? db.pages.bulkGet(ps.map((c) => c.key)) : [],
      toRead.length ? db.texts.bulkGet(toRead.map((c) => c.key)) : [],
    ]);
    let r = 0;
    const textRows = ts.map((c, i) => {
      const text = known[i];
      if (text !== undefined) return { pageId: c.key, text };
      const row = readRows[r++] as TextRecord | undefined;
      if (row && index?.valid()) index.texts.set(row.pageId, row.text);
      return row;
    });
    cs.forEach(({ s }, i) => {
      const a = claimRows[i] as (Annotation & Indexed) | undefined;
      if (!a) return;
      const fields: [SearchHit['field'], string][] = [['quote', quoteOf(a)?.exact ?? ''], ['tag', a.body.tags.join(', ')], ['note', a.body.note]];
      for (const [field, text] of fields) {
        if (!text) continue;
        const f = folded(text);
        const snippet = snippetIn(text, f, qterms);
        if (snippet) {
          hits.push({ kind: 'claim', id: a.id, pageId: a.pageId, field, snippet, score: (s + f.bonus) * WEIGHT[field] + recency(a.modified) });
          break;
        }
      }
    });
    ps.forEach(({ s }, i) => {
      const p = pageRows[i] as (PageRecord & Indexed) | undefined;
      if (!p) return;
      const f = folded(p.title);
      const snippet = snippetIn(p.title, f, qterms) ?? { before: '', match: '', after: p.title };
      hits.push({ kind: 'page', id: p.id, pageId: p.id, field: 'title', snippet, score: (s + f.bonus) * WEIGHT.title + recency(p.updatedAt) });
    });
    ts.forEach(({ s }, i) => {
      const t = textRows[i] as Pick<TextRecord, 'pageId' | 'text'> | undefined;
      if (!t) return;
      const f = folded(t.text);
      const snippet = snippetIn(t.text, f, qterms);
      if (snippet) hits.push({ kind: 'text', id: t.pageId, pageId: t.pageId, field: 'text', snippet, score: (s + f.bonus) * WEIGHT.text });
    });
  }
  // Equal scores in a fixed order (kind, then id), whichever index found them.
  hits.sort((a, b) => b.score - a.score || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { hits: hits.slice(0, limit), terms: qterms };
}

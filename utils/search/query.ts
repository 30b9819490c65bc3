/**
 * Full-text search over the library, on Dexie multi-entry indexes of folded
 * terms (see fold.ts and ARCHITECTURE.md, "Search"). Pure over the database.
 *
 * Every word of the query must match (the last may be a prefix, so results
 * come while typing; others match as prefixes too, so `Ақылбеков` finds
 * `Ақылбековамен`). The rarest word is looked up on the index; the others
 * are checked on the candidates. Ranking: exact word > prefix, the whole
 * phrase in order, the field (title > quote > tag > note > article text), newer first.
 */
import type { Indexed, PageRecord, SaqtaDB, TextRecord } from '../db';
import { quoteOf, type Annotation } from '../annotation';
import { fold, foldWithMap, terms } from './fold';

export type HitKind = 'claim' | 'page' | 'text';

export interface Snippet {
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

/** Candidates read per table for the rarest word: bounds work on huge libraries. */
export const CANDIDATE_CAP = 5000;

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
  const { folded, map } = foldWithMap(text);
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
async function candidates<T>(table: import('dexie').Table<any, any, any>, qterms: string[]): Promise<T[]> {
  const counts = await Promise.all(qterms.map((t) => table.where('terms').startsWith(t).count()));
  let rarest = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i] < counts[rarest]) rarest = i;
  if (!counts[rarest]) return [];
  return table.where('terms').startsWith(qterms[rarest]).distinct().limit(CANDIDATE_CAP).toArray();
}

const WEIGHT = { title: 1.6, quote: 1.4, tag: 1.3, note: 1.1, text: 1 } as const;

export async function search(db: SaqtaDB, q: string, limit = 100): Promise<{ hits: SearchHit[]; terms: string[] }> {
  const qterms = queryTerms(q);
  if (!qterms.length) return { hits: [], terms: [] };
  const phrase = fold(q).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const [claims, pages, texts] = await Promise.all([
    candidates<Annotation & Indexed>(db.annotations, qterms),
    candidates<PageRecord & Indexed>(db.pages, qterms),
    candidates<TextRecord>(db.texts, qterms),
  ]);
  const hits: SearchHit[] = [];
  const bonus = (text: string) => (phrase.includes(' ') && fold(text).replace(/[^\p{L}\p{N}]+/gu, ' ').includes(phrase) ? 2 : 0);
  // Score on the index terms first (cheap), then build snippets, the costly
  // part, only for the best few times `limit` of each kind.
  const keep = limit * 3;
  const best = <T,>(rows: T[], terms: (r: T) => readonly string[]) =>
    rows
      .map((r) => ({ r, s: termScore(terms(r), qterms) }))
      .filter((x) => x.s > 0)
      .sort((x, y) => y.s - x.s)
      .slice(0, keep);
  for (const { r: a, s } of best(claims, (a) => a.terms ?? [])) {
    const quote = quoteOf(a)?.exact ?? '';
    const fields: [SearchHit['field'], string][] = [['quote', quote], ['tag', a.body.tags.join(', ')], ['note', a.body.note]];
    for (const [field, text] of fields) {
      const snippet = text && snippetOf(text, qterms);
      if (snippet) {
        hits.push({ kind: 'claim', id: a.id, pageId: a.pageId, field, snippet, score: (s + bonus(text)) * WEIGHT[field] + recency(a.modified) });
        break;
      }
    }
  }
  for (const { r: p, s } of best(pages, (p) => p.terms ?? [])) {
    const snippet = snippetOf(p.title, qterms) ?? { before: '', match: '', after: p.title };
    hits.push({ kind: 'page', id: p.id, pageId: p.id, field: 'title', snippet, score: (s + bonus(p.title)) * WEIGHT.title + recency(p.updatedAt) });
  }
  for (const { r: t, s } of best(texts, (t) => t.terms)) {
    const snippet = snippetOf(t.text, qterms);
    if (snippet) hits.push({ kind: 'text', id: t.pageId, pageId: t.pageId, field: 'text', snippet, score: (s + bonus(t.text)) * WEIGHT.text });
  }
  hits.sort((a, b) => b.score - a.score);
  return { hits: hits.slice(0, limit), terms: qterms };
}

/** A tie-breaker below one point: newer is a little higher. */
function recency(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : 0;
  return Number.isFinite(t) ? Math.min(0.5, Math.max(0, (t - 1.5e12) / 1e12)) : 0;
}

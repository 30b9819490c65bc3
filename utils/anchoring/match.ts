/**
 * Finding a quote in a text map's key: exact candidates first (scored on
 * context and position), then a bit-parallel fuzzy search (Myers, via
 * `approx-string-match`), every candidate scored on quote, prefix, suffix and
 * position. Below the minimum score a claim is an orphan: it is never put on
 * other text. Pure string code.
 */
import search from 'approx-string-match';

/** Weights of the score parts (quote, prefix, suffix, position), as in Hypothesis but with a floor. */
const W_QUOTE = 50;
const W_PREFIX = 20;
const W_SUFFIX = 20;
const W_POS = 2;
const W_TOTAL = W_QUOTE + W_PREFIX + W_SUFFIX + W_POS;

/** A fuzzy match must keep at least this share of the quote (1 − errors/length). */
export const MIN_QUOTE_SIMILARITY = 0.75;
/** Below this total score a claim is an orphan. */
export const MIN_SCORE = 0.7;
/** An exact quote with no context is still accepted (weak) when it occurs once and is at least this long. */
export const MIN_UNIQUE_QUOTE = 20;
/** Quotes shorter than this need their context to fit, exact or not. */
export const SHORT_QUOTE = 24;
/** Context similarity at or above which a match is strong (no further looking). */
export const STRONG_CONTEXT = 0.75;

export interface Match {
  start: number;
  end: number;
  /** 0–1. */
  score: number;
  quality: 'exact' | 'fuzzy';
  /** The match is acceptable but poor (context does not fit, or many edits): keep looking as content arrives. */
  weak: boolean;
  /** Parts of the score, for diagnostics. */
  quoteSimilarity: number;
  contextSimilarity: number;
}

export interface Query {
  /** Match keys (normalize.ts `keyOf(displayOf(...))`). */
  quote: string;
  prefix: string;
  suffix: string;
  /** Position hint in display offsets. */
  start?: number;
}

/**
 * Edit distance between `pattern` and the best-aligned part of `text` that
 * touches its end (`atEnd`) or its start: a prefix must end where the quote
 * starts; a suffix must start where it ends.
 */
export function affixDistance(pattern: string, text: string, atEnd: boolean): number {
  const m = pattern.length;
  const n = text.length;
  if (m === 0) return 0;
  if (n === 0) return m;
  const p = atEnd ? [...pattern].reverse().join('') : pattern;
  const t = atEnd ? [...text].reverse().join('') : text;
  // prev[j] = distance between p[0..i) and t[0..j).
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    const pc = p.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const cost = pc === t.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  let best = m;
  for (let j = 0; j <= n; j++) best = Math.min(best, prev[j]);
  return best;
}

function affixSimilarity(pattern: string, text: string, atEnd: boolean, atBoundary: boolean): number {
  if (!pattern) return atBoundary ? 1 : 0.5;
  // Compare a window a little longer than the pattern, so insertions cost one each.
  const slack = Math.ceil(pattern.length / 4) + 2;
  const window = atEnd ? text.slice(Math.max(0, text.length - pattern.length - slack)) : text.slice(0, pattern.length + slack);
  return 1 - affixDistance(pattern, window, atEnd) / pattern.length;
}

export function contextSimilarity(key: string, q: Query, start: number, end: number): number {
  const before = key.slice(Math.max(0, start - q.prefix.length - 16), start);
  const after = key.slice(end, end + q.suffix.length + 16);
  // An empty prefix/suffix means the quote was at the very start/end of the text.
  const ps = affixSimilarity(q.prefix, before, true, !q.prefix && before.trim() === '' && start - before.length <= 0);
  const ss = affixSimilarity(q.suffix, after, false, !q.suffix && after.trim() === '' && end + after.length >= key.length);
  return (ps + ss) / 2;
}

function scoreOf(key: string, q: Query, start: number, end: number, quoteSim: number, quality: Match['quality']): Match {
  const ctx = contextSimilarity(key, q, start, end);
  const pos = q.start === undefined ? 0.5 : 1 - Math.min(1, Math.abs(start - q.start) / Math.max(key.length, 1));
  const score = (W_QUOTE * quoteSim + (W_PREFIX + W_SUFFIX) * ctx + W_POS * pos) / W_TOTAL;
  return {
    start,
    end,
    score,
    quality,
    weak: ctx < STRONG_CONTEXT || quoteSim < 0.9,
    quoteSimilarity: quoteSim,
    contextSimilarity: ctx,
  };
}

/** Most exact candidates scored for one quote (a one-letter quote on a big page). */
const MAX_EXACT = 5000;
/** Fuzzy search rounds (each masks the matches found and looks for the next best). */
const FUZZY_ROUNDS = 4;

function acceptable(m: Match, q: Query, uniqueExact: boolean): boolean {
  const short = q.quote.length < SHORT_QUOTE;
  if (m.quality === 'exact') {
    if (m.contextSimilarity >= 0.5) return true;
    // No fitting context: only a long quote that occurs once.
    return uniqueExact && q.quote.length >= MIN_UNIQUE_QUOTE;
  }
  if (m.quoteSimilarity < MIN_QUOTE_SIMILARITY || m.score < MIN_SCORE) return false;
  if (short && m.contextSimilarity < 0.6) return false;
  return true;
}

function better(a: Match | null, b: Match): Match {
  return !a || b.score > a.score ? b : a;
}

function trimSpaces(key: string, start: number, end: number): [number, number] {
  while (start < end && key.charCodeAt(start) === 32) start++;
  while (end > start && key.charCodeAt(end - 1) === 32) end--;
  return [start, end];
}

function fuzzyCandidates(key: string, q: Query, from: number, to: number, mask: Array<[number, number]>): Match[] {
  const maxErrors = Math.floor(q.quote.length * (1 - MIN_QUOTE_SIMILARITY));
  if (maxErrors < 1) return [];
  let text = key.slice(from, to);
  const out: Match[] = [];
  const masked = (t: string, s: number, e: number) => t.slice(0, s) + '\u0000'.repeat(e - s) + t.slice(e);
  for (const [s, e] of mask) {
    if (e <= from || s >= to) continue;
    text = masked(text, Math.max(0, s - from), Math.min(text.length, e - from));
  }
  for (let round = 0; round < FUZZY_ROUNDS; round++) {
    const found = search(text, q.quote, maxErrors);
    if (!found.length) break;
    for (const f of found.slice(0, 50)) {
      const [s, e] = trimSpaces(key, from + f.start, from + f.end);
      if (e <= s) continue;
      out.push(scoreOf(key, q, s, e, 1 - f.errors / q.quote.length, 'fuzzy'));
      text = masked(text, f.start, f.end);
    }
  }
  return out;
}

/** Where a quote is in `key`, or null (orphan). */
export function locate(key: string, q: Query): Match | null {
  if (!q.quote) return null;
  const qlen = q.quote.length;
  // 1. Fast path: the quote is where it was, with its context.
  if (q.start !== undefined && key.startsWith(q.quote, q.start)) {
    const m = scoreOf(key, q, q.start, q.start + qlen, 1, 'exact');
    if (m.contextSimilarity === 1) return { ...m, weak: false };
  }
  // 2. Every exact occurrence, best context and position first.
  let best: Match | null = null;
  const exact: Array<[number, number]> = [];
  for (let i = key.indexOf(q.quote); i >= 0 && exact.length < MAX_EXACT; i = key.indexOf(q.quote, i + 1)) {
    exact.push([i, i + qlen]);
    best = better(best, scoreOf(key, q, i, i + qlen, 1, 'exact'));
  }
  const unique = exact.length === 1;
  if (best && acceptable(best, q, unique) && !best.weak) return best;
  if (best && !acceptable(best, q, unique)) best = null;
  // 3. Fuzzy: near the position hint first, then everywhere; exact spots are masked so near-misses surface.
  if (q.start !== undefined) {
    const span = Math.max(2000, qlen * 4);
    const from = Math.max(0, q.start - span);
    const to = Math.min(key.length, q.start + qlen + span);
    for (const m of fuzzyCandidates(key, q, from, to, exact)) if (acceptable(m, q, false)) best = better(best, m);
    if (best && !best.weak) return best;
  }
  for (const m of fuzzyCandidates(key, q, 0, key.length, exact)) if (acceptable(m, q, false)) best = better(best, m);
  return best;
}

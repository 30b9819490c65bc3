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
const MIN_QUOTE_SIMILARITY = 0.75;
/** Below this total score a claim is an orphan. */
export const MIN_SCORE = 0.7;
/** An exact quote with no context is still accepted (weak) when it occurs once and is at least this long. */
const MIN_UNIQUE_QUOTE = 20;
/** Quotes shorter than this need their context to fit, exact or not. */
const SHORT_QUOTE = 24;
/** Context similarity at or above which a match is strong (no further looking). */
const STRONG_CONTEXT = 0.75;

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
function affixDistance(pattern: string, text: string, atEnd: boolean): number {
  const m = pattern.length;
  const n = text.length;
  if (m === 0) return 0;
  if (n === 0) return m;
  // Codes in comparison order: from the far end when the pattern must touch the end (no reversed copies).
  if (pCodes.length < m) pCodes = new Int32Array(m * 2);
  if (tCodes.length < n) tCodes = new Int32Array(n * 2);
  for (let i = 0; i < m; i++) pCodes[i] = pattern.charCodeAt(atEnd ? m - 1 - i : i);
  for (let j = 0; j < n; j++) tCodes[j] = text.charCodeAt(atEnd ? n - 1 - j : j);
  // row[j] = distance between the first i characters of the pattern and the first j of the text.
  if (dpRow.length <= n) dpRow = new Int32Array(n * 2 + 2);
  const row = dpRow;
  for (let j = 0; j <= n; j++) row[j] = j;
  for (let i = 1; i <= m; i++) {
    const pc = pCodes[i - 1];
    let diag = row[0]; // row[i-1][0]
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const up = row[j];
      const sub = diag + (pc === tCodes[j - 1] ? 0 : 1);
      const ins = up + 1;
      const del = row[j - 1] + 1;
      diag = up;
      row[j] = sub < ins ? (sub < del ? sub : del) : ins < del ? ins : del;
    }
  }
  let best = m;
  for (let j = 0; j <= n; j++) if (row[j] < best) best = row[j];
  return best;
}

/** One dynamic-programming row and the two strings' codes, reused by every `affixDistance` call. */
let dpRow = new Int32Array(256);
let pCodes = new Int32Array(64);
let tCodes = new Int32Array(128);

function affixSimilarity(pattern: string, text: string, atEnd: boolean, atBoundary: boolean): number {
  if (!pattern) return atBoundary ? 1 : 0.5;
  // The usual case (context unchanged): distance 0, no dynamic programming.
  if (atEnd ? text.endsWith(pattern) : text.startsWith(pattern)) return 1;
  // Compare a window a little longer than the pattern, so insertions cost one each.
  const slack = Math.ceil(pattern.length / 4) + 2;
  const window = atEnd ? text.slice(Math.max(0, text.length - pattern.length - slack)) : text.slice(0, pattern.length + slack);
  return 1 - affixDistance(pattern, window, atEnd) / pattern.length;
}

function contextSimilarity(key: string, q: Query, start: number, end: number): number {
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

/** The best score a fuzzy match with this quote similarity could reach (perfect context and position). */
function ceilingOf(quoteSim: number): number {
  return (W_QUOTE * quoteSim + W_PREFIX + W_SUFFIX + W_POS) / W_TOTAL;
}

/** The best match found so far for one query, and the exact spots masked from fuzzy searches. */
interface Search {
  key: string;
  q: Query;
  best: Match | null;
  exact: Array<[number, number]>;
}

function offer(st: Search, m: Match): void {
  if (acceptable(m, st.q, false)) st.best = better(st.best, m);
}

/** Fuzzy candidates in key[from, to), offered to `st`. Exact spots are masked so near-misses surface. */
function fuzzySearch(st: Search, from: number, to: number): void {
  const { key, q } = st;
  const maxErrors = Math.floor(q.quote.length * (1 - MIN_QUOTE_SIMILARITY));
  if (maxErrors < 1 || to <= from) return;
  let text = key.slice(from, to);
  const masked = (t: string, s: number, e: number) => t.slice(0, s) + '\u0000'.repeat(e - s) + t.slice(e);
  for (const [s, e] of st.exact) {
    if (e <= from || s >= to) continue;
    text = masked(text, Math.max(0, s - from), Math.min(text.length, e - from));
  }
  for (let round = 0; round < FUZZY_ROUNDS; round++) {
    const found = search(text, q.quote, maxErrors);
    if (!found.length) break;
    // Each round finds the matches with the fewest errors left. Once even a perfect context
    // could not lift them over the best score so far, later rounds cannot either.
    if (ceilingOf(1 - found[0].errors / q.quote.length) <= Math.max(st.best?.score ?? 0, MIN_SCORE)) break;
    for (const f of found.slice(0, 50)) {
      const [s, e] = trimSpaces(key, from + f.start, from + f.end);
      if (e <= s) continue;
      offer(st, scoreOf(key, q, s, e, 1 - f.errors / q.quote.length, 'fuzzy'));
      text = masked(text, f.start, f.end);
    }
    // The next round's matches have at least as many errors as these.
    if (ceilingOf(1 - found[0].errors / q.quote.length) <= Math.max(st.best?.score ?? 0, MIN_SCORE)) break;
  }
}

/** The exact quote with exactly its stored context at `at`: the common case, decided without dynamic programming. */
function exactAt(key: string, q: Query, at: number): boolean {
  const end = at + q.quote.length;
  if (at < 0 || end > key.length || !key.startsWith(q.quote, at)) return false;
  if (q.prefix ? !key.endsWith(q.prefix, at) : at !== 0) return false;
  return q.suffix ? key.startsWith(q.suffix, end) : end === key.length;
}

/** How far either side of the (drifted) position hint the first fuzzy search looks. */
function windowSpan(quoteLength: number): number {
  return Math.max(512, quoteLength * 2);
}

/**
 * The local part of `locate`: the quote where it was (or where the drift says),
 * every exact occurrence, then a fuzzy search in the window around `near`.
 * `done` means the answer is final (a strong match); otherwise `finish` looks
 * through the rest of the text.
 */
export function locateNear(key: string, q: Query, near: number | undefined = q.start): { st: Search; done: boolean; from: number; to: number } {
  const st: Search = { key, q, best: null, exact: [] };
  if (!q.quote) return { st, done: true, from: 0, to: 0 };
  const qlen = q.quote.length;
  // 1. Fast path: the quote is where it was (or where the drift says), with its context.
  for (const at of near === q.start ? [near] : [q.start, near]) {
    if (at === undefined) continue;
    if (exactAt(key, q, at)) {
      st.best = { ...scoreOf(key, q, at, at + qlen, 1, 'exact'), weak: false };
      return { st, done: true, from: 0, to: 0 };
    }
  }
  // 2. Every exact occurrence, best context and position first.
  let best: Match | null = null;
  for (let i = key.indexOf(q.quote); i >= 0 && st.exact.length < MAX_EXACT; i = key.indexOf(q.quote, i + 1)) {
    st.exact.push([i, i + qlen]);
    best = better(best, scoreOf(key, q, i, i + qlen, 1, 'exact'));
  }
  const unique = st.exact.length === 1;
  if (best && acceptable(best, q, unique)) {
    st.best = best;
    if (!best.weak) return { st, done: true, from: 0, to: 0 };
  }
  // 3. Fuzzy, near the (drifted) position hint.
  if (near === undefined) return { st, done: false, from: 0, to: 0 };
  const span = windowSpan(qlen);
  const from = Math.max(0, near - span);
  const to = Math.min(key.length, near + qlen + span);
  fuzzySearch(st, from, to);
  return { st, done: !!st.best && !st.best.weak, from, to };
}

/** The rest of `locate`: a fuzzy search of the text outside the window `locateNear` searched. */
export function finish(st: Search, from: number, to: number): Match | null {
  const { key, q } = st;
  const qlen = q.quote.length;
  // The window's edges overlap by a match's length so no match is cut in two.
  const overlap = qlen + Math.floor(qlen * (1 - MIN_QUOTE_SIMILARITY)) + 1;
  if (to > from) {
    fuzzySearch(st, 0, Math.min(key.length, from + overlap));
    fuzzySearch(st, Math.max(0, to - overlap), key.length);
  } else fuzzySearch(st, 0, key.length);
  return st.best;
}

/** A fuzzy search of key[from, to) only (anchorAll: the stretch between a claim's neighbours). */
export function searchBetween(st: Search, from: number, to: number): Match | null {
  fuzzySearch(st, from, to);
  return st.best;
}

/** Where a quote is in `key`, or null (orphan). `near`: where to look first (default the position hint). */
export function locate(key: string, q: Query, near: number | undefined = q.start): Match | null {
  const r = locateNear(key, q, near);
  return r.done ? r.st.best : finish(r.st, r.from, r.to);
}

/**
 * Saqta's anchoring: turn a reader's selection into W3C selectors, and
 * selectors back into a Range on a page that may have changed. Pure DOM (no
 * `browser.*`): the content script, the reader page and tests use the same
 * code.
 *
 * Public API (stable; other features import only from here):
 *
 * - `buildTextMap(root, options?)` → `TextMap`: the rendered text of `root`
 *   (script/style/hidden excluded, white space folded, block edges read as a
 *   space) with a map back to DOM positions. Build it once per pass and hand
 *   it to the functions below instead of a root.
 * - `describe(rootOrMap, range)` → `Selector[]`: a `TextQuoteSelector`
 *   (exact + ~32 characters of prefix/suffix) and a `TextPositionSelector`,
 *   both over the display text. `[]` when the range holds no visible text.
 * - `anchor(rootOrMap, selectors)` → `Anchored | null`: exact quote with
 *   context and position hint first, then fuzzy (bit-parallel edit distance)
 *   scored on quote, prefix, suffix and position; `null` means orphan (the
 *   text is gone — never attached elsewhere). `weak: true` means "acceptable
 *   but poor": callers keep re-anchoring it as content arrives.
 * - `anchorAll(rootOrMap, claims)` → `Map<id, Anchored | null>`: the same for
 *   many claims over one text map (1,000 claims on a 1 MB page in one pass).
 * - `textFingerprint(root)`: a short hash of the article's longest paragraphs,
 *   the page-identity key for mirrors that change every URL.
 * - `normalizeText(s)`: the comparison form of a string (white space folded,
 *   invisibles dropped, quotes/dashes folded, lower case).
 */
import type { Selector, TextPositionSelector, TextQuoteSelector } from '../annotation';
import { displayOf, keyOf, normalizeText } from './normalize';
import { TextMap, buildTextMap, type TextMapOptions } from './text-map';
import { finish, locate, locateNear, searchBetween, MIN_SCORE, type Match, type Query } from './match';

export { TextMap, buildTextMap, normalizeText };
export { textFingerprint } from './fingerprint';

/** Characters of context stored on each side of a quote. */
const CONTEXT_LENGTH = 32;

export interface Anchored {
  range: Range;
  /** Display-text offsets of the match in the text map. */
  start: number;
  end: number;
  /** 0–1: quote, prefix, suffix and position agreement. */
  score: number;
  quality: 'exact' | 'fuzzy';
  /** Acceptable but poor (context does not fit, or many edits): keep looking as content arrives. */
  weak: boolean;
}

function mapOf(rootOrMap: Node | TextMap, options?: TextMapOptions): TextMap {
  return rootOrMap instanceof TextMap ? rootOrMap : buildTextMap(rootOrMap, options);
}

/** Display-text offsets [start, end) of a range, trimmed of white space; null if it holds no visible text. */
export function offsetsOf(map: TextMap, range: Range): { start: number; end: number } | null {
  let start = map.offsetAt(range.startContainer, range.startOffset);
  let end = map.offsetAt(range.endContainer, range.endOffset);
  while (start < end && map.text.charCodeAt(start) === 32) start++;
  while (end > start && map.text.charCodeAt(end - 1) === 32) end--;
  return end > start ? { start, end } : null;
}

/** Selectors for the quote and position of `range` (see the module comment). */
export function describe(rootOrMap: Node | TextMap, range: Range, options?: TextMapOptions): Selector[] {
  const map = mapOf(rootOrMap, options);
  const at = offsetsOf(map, range);
  if (!at) return [];
  return selectorsAt(map, at.start, at.end);
}

/** Selectors for display text [start, end) of a map. */
export function selectorsAt(map: TextMap, start: number, end: number): Selector[] {
  const quote: TextQuoteSelector = {
    type: 'TextQuoteSelector',
    exact: map.text.slice(start, end),
    prefix: map.text.slice(Math.max(0, start - CONTEXT_LENGTH), start),
    suffix: map.text.slice(end, end + CONTEXT_LENGTH),
  };
  const position: TextPositionSelector = { type: 'TextPositionSelector', start, end };
  return [quote, position];
}

function queryOf(selectors: Selector[]) {
  const quote = selectors.find((s): s is TextQuoteSelector => s.type === 'TextQuoteSelector');
  const position = selectors.find((s): s is TextPositionSelector => s.type === 'TextPositionSelector');
  return { quote, position };
}

/** Match keys of a quote selector, made once per selector object (claims are anchored again and again). */
const keys = new WeakMap<TextQuoteSelector, { quote: string; prefix: string; suffix: string }>();
function keysOf(quote: TextQuoteSelector) {
  let k = keys.get(quote);
  if (!k) {
    k = {
      quote: normalizeText(quote.exact),
      // Prefix keeps its trailing space and suffix its leading one: they are display text already.
      prefix: keyOf(displayOf(quote.prefix, false)).trimStart(),
      suffix: keyOf(displayOf(quote.suffix, false)).trimEnd(),
    };
    keys.set(quote, k);
  }
  return k;
}

/**
 * Find the claim's text in `map`, or null (orphan). `near`: where to look
 * first when the page has shifted (anchorAll passes the position hint moved
 * by the drift of the claims before it).
 */
export function anchorInMap(map: TextMap, selectors: Selector[], near?: number): Anchored | null {
  const here = atStoredPosition(map, selectors);
  if (here) return anchored(map, here);
  const q = queryFor(map, selectors);
  if (!q) return null;
  return anchored(map, 'position' in q ? q.position : locate(map.key, q, near ?? q.start));
}

/**
 * The position-first step (as the Hypothesis client does, with the context
 * too): when the display text at the stored position is the quote, and the
 * text around it is the stored prefix and suffix (a context shorter than
 * CONTEXT_LENGTH must reach the start or end of the text, as `describe` cuts
 * it), the claim is where it was: an exact, strong match, with no search and
 * no match key. The searching path would find the same place with the same
 * score (1: quote, context and position all agree), so this only saves time.
 */
export function atStoredPosition(map: TextMap, selectors: Selector[]): Match | null {
  const { quote, position } = queryOf(selectors);
  if (!quote || !position) return null;
  const { start, end } = position;
  const text = map.text;
  const prefix = quote.prefix ?? '';
  const suffix = quote.suffix ?? '';
  if (!(start >= 0 && end > start && end <= text.length && end - start === quote.exact.length)) return null;
  if (!text.startsWith(quote.exact, start)) return null;
  if (start < prefix.length || !text.startsWith(prefix, start - prefix.length) || (prefix.length < CONTEXT_LENGTH && start !== prefix.length)) return null;
  if (!text.startsWith(suffix, end) || (suffix.length < CONTEXT_LENGTH && end + suffix.length !== text.length)) return null;
  return { start, end, score: 1, quality: 'exact', weak: false, quoteSimilarity: 1, contextSimilarity: 1 };
}

/** The match query of a claim, or a bare position (from another tool), or null. */
function queryFor(map: TextMap, selectors: Selector[]): Query | { position: Match } | null {
  const { quote, position } = queryOf(selectors);
  if (quote) return { ...keysOf(quote), start: position?.start };
  if (position && position.end <= map.text.length && position.end > position.start) {
    // A position alone (from another tool) is trusted only on an unchanged page; it is always weak.
    return { position: { start: position.start, end: position.end, score: MIN_SCORE, quality: 'fuzzy', weak: true, quoteSimilarity: 0, contextSimilarity: 0 } };
  }
  return null;
}

function anchored(map: TextMap, m: Match | null): Anchored | null {
  if (!m) return null;
  return { range: map.range(m.start, m.end), start: m.start, end: m.end, score: m.score, quality: m.quality, weak: m.weak };
}

/** Find one claim's text under `root` (or in a prebuilt text map); null means orphan. */
export function anchor(rootOrMap: Node | TextMap, selectors: Selector[], options?: TextMapOptions): Anchored | null {
  return anchorInMap(mapOf(rootOrMap, options), selectors);
}

/**
 * Anchor many claims over one text map, as `anchor` would one by one, but in
 * two passes that spare most whole-text searches on an edited page:
 *
 * 1. Claims in the order of their position hints. Each is looked for first
 *    where the claims before it moved to (an edit above shifts everything
 *    below by the same amount): exact at the drifted hint, every exact
 *    occurrence, then a fuzzy search in a window around the drifted hint.
 * 2. A claim not yet strongly found: when its neighbours (the claims just
 *    before and after it in the old text) were found strongly and in order,
 *    its text, if still there, lies between them: only that stretch is
 *    searched (if the window did not cover it). Not found there, the text
 *    was removed or rewritten beyond recognition: it stays an orphan (or
 *    its weak match stands). Otherwise the rest of the text is searched.
 *    What this gives up is text that was both moved away from its
 *    neighbours and edited; `anchor` (one claim) always searches the whole
 *    text.
 */
export function anchorAll<T extends { id: string; selectors: Selector[] }>(
  rootOrMap: Node | TextMap,
  claims: readonly T[],
  options?: TextMapOptions,
): Map<string, Anchored | null> {
  const map = mapOf(rootOrMap, options);
  type Item = {
    id: string;
    q: Query | { position: Match } | null;
    at: number;
    result: Match | null;
    pending: ReturnType<typeof locateNear> | null;
  };
  // Where it was, as it was: found (no match query, no key). On an unchanged page that is every claim, and nothing more is done.
  const here = claims.map((c) => atStoredPosition(map, c.selectors));
  if (here.every((m) => m)) return new Map(claims.map((c, i) => [c.id, anchored(map, here[i])]));
  const items: Item[] = claims.map((c, i) => {
    const found = here[i];
    if (found) return { id: c.id, q: null, at: found.start, result: found, pending: null };
    const q = queryFor(map, c.selectors);
    const at = q && !('position' in q) && q.start !== undefined ? q.start : Infinity;
    return { id: c.id, q, at, result: null, pending: null };
  });
  const order = [...items].sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? -1 : 1));
  // Pass 1: local searches, carrying the drift of the last strong match.
  let drift = 0;
  for (const it of order) {
    const q = it.q;
    if (!q) {
      // Found at its stored position: nothing has moved here.
      if (it.result) drift = 0;
      continue;
    }
    if ('position' in q) {
      it.result = q.position;
      continue;
    }
    const near = q.start === undefined ? undefined : Math.max(0, q.start + drift);
    const r = locateNear(map.key, q, near);
    it.result = r.st.best;
    if (r.done) {
      if (r.st.best && q.start !== undefined) drift = r.st.best.start - q.start;
    } else it.pending = r;
  }
  // Pass 2: the rest of the text, for claims whose neighbours do not vouch for the window.
  const strong = (it: Item) => !it.pending && !!it.result && !it.result.weak && it.at !== Infinity;
  // For each claim, the nearest strongly found claim before and after it (in old-text order).
  const prevStrong: Array<Item | undefined> = [];
  let last: Item | undefined;
  for (const it of order) {
    prevStrong.push(last);
    if (strong(it)) last = it;
  }
  const nextStrong: Array<Item | undefined> = new Array(order.length);
  last = undefined;
  for (let k = order.length - 1; k >= 0; k--) {
    nextStrong[k] = last;
    if (strong(order[k])) last = order[k];
  }
  for (let k = 0; k < order.length; k++) {
    const it = order[k];
    const p = it.pending;
    if (!p) continue;
    const before = prevStrong[k];
    const after = nextStrong[k];
    if (!before || !after || before.result!.start > after.result!.start) {
      it.result = finish(p.st, p.from, p.to);
      continue;
    }
    // Its text, if still there, starts between its neighbours' starts.
    const qlen = p.st.q.quote.length;
    const from = before.result!.start;
    const to = Math.min(map.text.length, after.result!.start + qlen + Math.ceil(qlen / 4) + 1);
    if (from < p.from || to > p.to) searchBetween(p.st, from, to);
    it.result = p.st.best;
  }
  return new Map(items.map((it) => [it.id, anchored(map, it.result)]));
}

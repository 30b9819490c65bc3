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
import { locate, MIN_SCORE, type Match } from './match';

export { TextMap, buildTextMap, normalizeText, displayOf, MIN_SCORE };
export type { TextMapOptions };
export { textFingerprint } from './fingerprint';

/** Characters of context stored on each side of a quote. */
export const CONTEXT_LENGTH = 32;

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

/** Find the claim's text in `map`, or null (orphan). */
export function anchorInMap(map: TextMap, selectors: Selector[]): Anchored | null {
  const { quote, position } = queryOf(selectors);
  let m: Match | null = null;
  if (quote) {
    const exact = normalizeText(quote.exact);
    // Prefix keeps its trailing space and suffix its leading one: they are display text already.
    const prefix = keyOf(displayOf(quote.prefix, false)).trimStart();
    const suffix = keyOf(displayOf(quote.suffix, false)).trimEnd();
    m = locate(map.key, { quote: exact, prefix, suffix, start: position?.start });
  } else if (position && position.end <= map.text.length && position.end > position.start) {
    // A position alone (from another tool) is trusted only on an unchanged page; it is always weak.
    m = { start: position.start, end: position.end, score: MIN_SCORE, quality: 'fuzzy', weak: true, quoteSimilarity: 0, contextSimilarity: 0 };
  }
  if (!m) return null;
  return { range: map.range(m.start, m.end), start: m.start, end: m.end, score: m.score, quality: m.quality, weak: m.weak };
}

/** Find one claim's text under `root` (or in a prebuilt text map); null means orphan. */
export function anchor(rootOrMap: Node | TextMap, selectors: Selector[], options?: TextMapOptions): Anchored | null {
  return anchorInMap(mapOf(rootOrMap, options), selectors);
}

/** Anchor many claims over one text map. */
export function anchorAll<T extends { id: string; selectors: Selector[] }>(
  rootOrMap: Node | TextMap,
  claims: readonly T[],
  options?: TextMapOptions,
): Map<string, Anchored | null> {
  const map = mapOf(rootOrMap, options);
  const out = new Map<string, Anchored | null>();
  for (const c of claims) out.set(c.id, anchorInMap(map, c.selectors));
  return out;
}

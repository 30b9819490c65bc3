/**
 * A Hypothesis-style anchorer, written from the Hypothesis client's published
 * algorithm (src/annotator/anchoring/html.ts, types.ts, match-quote.ts,
 * text-range.ts; BSD-2-Clause) for the benchmark only:
 *
 * - describe: TextQuoteSelector (exact + 32 characters of prefix/suffix) and
 *   TextPositionSelector, both over `root.textContent`;
 * - anchor (`matchQuote`): every exact occurrence of the quote, or
 *   if there is none, `approx-string-match` with up to min(256, length/2)
 *   errors; candidates scored (50·quote + 20·prefix + 20·suffix + 2·position)/92
 *   and the best one wins (Hypothesis has no floor: a poor best match still anchors).
 *   With `positionFirst`, as the Hypothesis client does, the position selector
 *   is tried before that and accepted when the text there equals the quote.
 *
 * Checked against the client's source at hypothesis/client 9d28950 (2026-07-01):
 * match-quote.ts (exact occurrences first, `approx-string-match` with
 * min(256, length/2) errors, weights 50/20/20/2, best score wins, no floor),
 * html.ts `anchor` (RangeSelector, then TextPositionSelector accepted when
 * its text equals the quote, then TextQuoteSelector with the position as the
 * hint), types.ts (32 characters of context). This bench stores no
 * RangeSelector for any tool, so that first step is not written.
 *
 * One difference, in the peer's favour: Hypothesis reads `root.textContent`
 * and walks the text nodes again for every annotation; here each pass reads
 * the text and builds the node offsets once, like Saqta's text map.
 */
import approxSearch from 'approx-string-match';
import type { Selector, TextPositionSelector, TextQuoteSelector } from '../../utils/annotation';

interface Match {
  start: number;
  end: number;
  errors: number;
}

function search(text: string, str: string, maxErrors: number): Match[] {
  // Exact matches first: approx-string-match does not do this itself.
  const exact: Match[] = [];
  let at = text.indexOf(str);
  while (at !== -1) {
    exact.push({ start: at, end: at + str.length, errors: 0 });
    at = text.indexOf(str, at + 1);
  }
  return exact.length ? exact : approxSearch(text, str, maxErrors);
}

function textMatchScore(text: string, str: string): number {
  if (str.length === 0 || text.length === 0) return 0;
  const matches = search(text, str, str.length);
  return 1 - matches[0].errors / str.length;
}

export function matchQuote(text: string, quote: string, context: { prefix?: string; suffix?: string; hint?: number } = {}) {
  if (quote.length === 0) return null;
  const maxErrors = Math.min(256, quote.length / 2);
  const matches = search(text, quote, maxErrors);
  if (matches.length === 0) return null;
  const score = (m: Match) => {
    const quoteScore = 1 - m.errors / quote.length;
    const prefixScore = context.prefix ? textMatchScore(text.slice(Math.max(0, m.start - context.prefix.length), m.start), context.prefix) : 1;
    const suffixScore = context.suffix ? textMatchScore(text.slice(m.end, m.end + context.suffix.length), context.suffix) : 1;
    const posScore = typeof context.hint === 'number' ? 1 - Math.abs(m.start - context.hint) / text.length : 1;
    return (50 * quoteScore + 20 * prefixScore + 20 * suffixScore + 2 * posScore) / 92;
  };
  let best = { start: matches[0].start, end: matches[0].end, score: -1 };
  for (const m of matches) {
    const s = score(m);
    if (s > best.score) best = { start: m.start, end: m.end, score: s };
  }
  return best;
}

/** The text of `root` with the start offset of each of its text nodes (text-range.ts). */
export class TextIndex {
  readonly text: string;
  readonly nodes: Text[] = [];
  readonly starts: number[] = [];

  constructor(readonly root: Node) {
    this.text = root.textContent ?? '';
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let offset = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      this.nodes.push(n as Text);
      this.starts.push(offset);
      offset += (n as Text).data.length;
    }
  }

  offsetOf(node: Node, offset: number): number {
    if (node.nodeType === Node.TEXT_NODE) return this.starts[this.nodes.indexOf(node as Text)] + offset;
    // An element boundary: the text before the offset-th child.
    const r = document.createRange();
    r.setStart(this.root, 0);
    r.setEnd(node, offset);
    return r.toString().length;
  }

  range(start: number, end: number): Range {
    const r = document.createRange();
    const [sn, so] = this.position(start, false);
    const [en, eo] = this.position(end, true);
    r.setStart(sn, so);
    r.setEnd(en, eo);
    return r;
  }

  private position(offset: number, isEnd: boolean): [Node, number] {
    let lo = 0;
    let hi = this.nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] < offset || (!isEnd && this.starts[mid] === offset)) lo = mid;
      else hi = mid - 1;
    }
    return [this.nodes[lo], offset - this.starts[lo]];
  }
}

export function describe(index: TextIndex, range: Range): Selector[] {
  const start = index.offsetOf(range.startContainer, range.startOffset);
  const end = index.offsetOf(range.endContainer, range.endOffset);
  const t = index.text;
  const quote: TextQuoteSelector = { type: 'TextQuoteSelector', exact: t.slice(start, end), prefix: t.slice(Math.max(0, start - 32), start), suffix: t.slice(end, end + 32) };
  const position: TextPositionSelector = { type: 'TextPositionSelector', start, end };
  return [quote, position];
}

/**
 * `positionFirst`: the Hypothesis client's order (html.ts `anchor`): trust the
 * position when the text there is the quote. Without it, the quote matcher alone.
 */
export function anchor(index: TextIndex, selectors: Selector[], { positionFirst = false } = {}): Range | null {
  const quote = selectors.find((s): s is TextQuoteSelector => s.type === 'TextQuoteSelector');
  const position = selectors.find((s): s is TextPositionSelector => s.type === 'TextPositionSelector');
  if (positionFirst && position && position.end <= index.text.length && (!quote || index.text.slice(position.start, position.end) === quote.exact))
    return index.range(position.start, position.end);
  if (!quote) return null;
  const m = matchQuote(index.text, quote.exact, { prefix: quote.prefix, suffix: quote.suffix, hint: position?.start });
  return m ? index.range(m.start, m.end) : null;
}

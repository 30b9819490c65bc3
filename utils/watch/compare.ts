/**
 * What changed between the saved article and the live (or refetched) one, and
 * which of the reader's claims it touched. Pure: both articles come in as
 * paragraph lists (utils/extract `paragraphsOf`), claims as their quotes.
 *
 * Paragraphs are aligned with `diffSeq` (LCS); a run of removed and added
 * paragraphs is paired by word overlap into "changed" paragraphs, diffed word
 * by word. A claim is affected when its words are no longer in the article as
 * they were: "edited" (before → after, the words that went and came marked)
 * or "removed" (its paragraph is gone). A claim whose exact text is still in
 * the article (a paragraph split, a moved sentence) is not affected.
 */
import { diffSeq, type DiffOp } from '../diff';
import { displayOf, keyOf } from '../anchoring/normalize';

interface ClaimQuote {
  id: string;
  /** The claim's TextQuoteSelector `exact`. */
  exact: string;
}

export interface ClaimChange {
  id: string;
  kind: 'edited' | 'removed';
  /** The claim's words in the saved copy. */
  before: string;
  /** The words that stand there now (empty when removed). */
  after: string;
  /** Word by word, from before to after. */
  words: DiffOp<string>[];
}

type ParagraphFate =
  | { kind: 'changed'; words: DiffOp<string>[] }
  | { kind: 'removed'; text: string }
  | { kind: 'added'; text: string };

interface ChangeSummary {
  changed: number;
  removed: number;
  added: number;
  /** Claims affected. */
  claims: number;
}

export interface ChangeReport {
  summary: ChangeSummary;
  /** Paragraphs that are not the same, in article order. */
  paragraphs: ParagraphFate[];
  claims: ClaimChange[];
}

const tokens = (s: string) => s.split(/\s+/).filter(Boolean);

function overlap(a: string[], b: string[]): number {
  const wa = new Set(a);
  const common = b.filter((w) => wa.has(w)).length;
  return common / Math.max(wa.size, b.length, 1);
}

/** One op per old word (plus the words added between them), in old-article order; `old` indexes old words. */
interface Step {
  op: 'same' | 'add' | 'del';
  value: string;
}

interface Alignment {
  fates: ParagraphFate[];
  /** Word ops over the whole article, old words in order with additions interleaved. */
  steps: Step[];
  /** Index in `steps` of each old word. */
  oldAt: number[];
}

function align(before: string[], after: string[]): Alignment {
  const ops = diffSeq(before.map((s) => displayOf(s)), after.map((s) => displayOf(s)));
  const fates: ParagraphFate[] = [];
  const steps: Step[] = [];
  const oldAt: number[] = [];
  let i = 0; // old paragraph
  let j = 0; // new paragraph
  const pushOld = (words: string[], op: 'same' | 'del') => {
    for (const w of words) {
      oldAt.push(steps.length);
      steps.push({ op, value: w });
    }
  };
  for (let k = 0; k < ops.length; k++) {
    if (ops[k].op === 'same') {
      pushOld(tokens(before[i]), 'same');
      i++;
      j++;
      continue;
    }
    const dels: number[] = [];
    const adds: number[] = [];
    while (k < ops.length && ops[k].op !== 'same') {
      if (ops[k].op === 'del') dels.push(i++);
      else adds.push(j++);
      k++;
    }
    k--;
    const used = new Set<number>();
    for (const d of dels) {
      const dw = tokens(before[d]);
      const match = adds.find((a) => !used.has(a) && overlap(dw, tokens(after[a])) >= 0.5);
      if (match === undefined) {
        fates.push({ kind: 'removed', text: before[d] });
        pushOld(dw, 'del');
        continue;
      }
      used.add(match);
      const words = diffSeq(dw, tokens(after[match]));
      fates.push({ kind: 'changed', words });
      for (const w of words) {
        if (w.op !== 'add') oldAt.push(steps.length);
        steps.push(w);
      }
    }
    for (const a of adds) if (!used.has(a)) fates.push({ kind: 'added', text: after[a] });
  }
  return { fates, steps, oldAt };
}

/** Where the quote's words sit among the old words: [first, last] word index, or null. */
function locate(quote: string[], oldKeys: string[]): [number, number] | null {
  const n = quote.length;
  if (!n) return null;
  for (let s = 0; s + n <= oldKeys.length; s++) {
    if (n === 1) {
      if (oldKeys[s].includes(quote[0])) return [s, s];
      continue;
    }
    if (!oldKeys[s].endsWith(quote[0]) || !oldKeys[s + n - 1].startsWith(quote[n - 1])) continue;
    let k = 1;
    while (k < n - 1 && oldKeys[s + k] === quote[k]) k++;
    if (k >= n - 1) return [s, s + n - 1];
  }
  return null;
}

export function compareArticles(before: string[], after: string[], claims: ClaimQuote[]): ChangeReport {
  const { fates, steps, oldAt } = align(before, after);
  const summary: ChangeSummary = {
    changed: fates.filter((f) => f.kind === 'changed').length,
    removed: fates.filter((f) => f.kind === 'removed').length,
    added: fates.filter((f) => f.kind === 'added').length,
    claims: 0,
  };
  const out: ClaimChange[] = [];
  if (fates.length) {
    const oldKeys = before.flatMap((p) => tokens(keyOf(displayOf(p))));
    const afterText = after.map((p) => displayOf(p)).join(' ');
    for (const c of claims) {
      const exact = displayOf(c.exact);
      if (!exact || afterText.includes(exact)) continue; // its words are all still there
      const quote = tokens(keyOf(exact));
      const at = locate(quote, oldKeys);
      if (!at) continue; // not in the saved copy's article: nothing to compare with
      const from = oldAt[at[0]];
      let to = oldAt[at[1]];
      // The last word replaced: its replacement follows it.
      if (steps[to].op === 'del') while (steps[to + 1]?.op === 'add') to++;
      const span = steps.slice(from, to + 1).map((s) => ({ ...s }));
      if (span.every((s) => s.op === 'same')) continue;
      // The claim may start or end inside a word: keep only its part of a kept first or last word.
      const first = span[0];
      const last = span[span.length - 1];
      if (quote.length > 1 && first.op === 'same') first.value = first.value.slice(first.value.length - quote[0].length);
      if (quote.length > 1 && last.op === 'same') last.value = last.value.slice(0, quote[quote.length - 1].length);
      const beforeWords = span.filter((s) => s.op !== 'add').map((s) => s.value);
      const afterWords = span.filter((s) => s.op !== 'del').map((s) => s.value);
      out.push({
        id: c.id,
        kind: afterWords.length === 0 || span.every((s) => s.op === 'del') ? 'removed' : 'edited',
        before: beforeWords.join(' '),
        after: afterWords.join(' '),
        words: span.map((s) => ({ op: s.op, value: s.value })),
      });
    }
  }
  summary.claims = out.length;
  return { summary, paragraphs: fates, claims: out };
}

/** True when nothing in the article text changed. */
export const unchanged = (r: ChangeReport) => r.paragraphs.length === 0;

/**
 * What changed between two captures of an article: paragraphs compared by
 * longest common subsequence, and a changed paragraph compared word by word.
 * Pure.
 */
export type DiffOp<T> = { op: 'same' | 'add' | 'del'; value: T };

/** LCS diff of two sequences (O(n·m); articles have hundreds of paragraphs at most). */
export function diffSeq<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean = (x, y) => x === y): DiffOp<T>[] {
  const n = a.length;
  const m = b.length;
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = eq(a[i], b[j]) ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const out: DiffOp<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (eq(a[i], b[j])) {
      out.push({ op: 'same', value: a[i] });
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) out.push({ op: 'del', value: a[i++] });
    else out.push({ op: 'add', value: b[j++] });
  }
  while (i < n) out.push({ op: 'del', value: a[i++] });
  while (j < m) out.push({ op: 'add', value: b[j++] });
  return out;
}

export type ParagraphChange =
  | { kind: 'same'; text: string }
  | { kind: 'added'; text: string }
  | { kind: 'removed'; text: string }
  /** A paragraph reworded: its words, each kept, added or removed. */
  | { kind: 'changed'; words: DiffOp<string>[] };

const words = (s: string) => s.split(/(\s+)/).filter(Boolean);

function similarity(a: string, b: string): number {
  const wa = new Set(a.split(/\s+/));
  const wb = b.split(/\s+/);
  const common = wb.filter((w) => wa.has(w)).length;
  return common / Math.max(wa.size, wb.length, 1);
}

/** Paragraph-level changes from `before` to `after`; a removed+added pair that mostly agrees is one change. */
export function diffParagraphs(before: string[], after: string[]): ParagraphChange[] {
  const ops = diffSeq(before, after);
  const out: ParagraphChange[] = [];
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k];
    if (op.op === 'same') {
      out.push({ kind: 'same', text: op.value });
      continue;
    }
    // Gather a run of deletions and additions and pair similar ones.
    const dels: string[] = [];
    const adds: string[] = [];
    while (k < ops.length && ops[k].op !== 'same') {
      (ops[k].op === 'del' ? dels : adds).push(ops[k].value);
      k++;
    }
    k--;
    const usedAdds = new Set<number>();
    for (const d of dels) {
      const match = adds.findIndex((a, i) => !usedAdds.has(i) && similarity(d, a) >= 0.5);
      if (match >= 0) {
        usedAdds.add(match);
        out.push({ kind: 'changed', words: diffSeq(words(d), words(adds[match])) });
      } else out.push({ kind: 'removed', text: d });
    }
    adds.forEach((a, i) => {
      if (!usedAdds.has(i)) out.push({ kind: 'added', text: a });
    });
  }
  return out;
}

export function countChanges(changes: ParagraphChange[]): number {
  return changes.filter((c) => c.kind !== 'same').length;
}

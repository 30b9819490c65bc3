/**
 * One kind of record's search terms in memory (memory.ts builds and keeps
 * them): postings lists by term, a sorted term list for prefixes, each
 * record's recency; and the heap that picks the best few of many matches.
 * Pure: no database, no browser.
 */

/** A tag's words are kept apart from the text's (marked): a claim found by its tags alone ranks by the tag field. */
export const TAG = '\u0001';

/** A tie-breaker below one point: newer is a little higher (query.ts ranks with it). */
export function recency(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : 0;
  return Number.isFinite(t) ? Math.min(0.5, Math.max(0, (t - 1.5e12) / 1e12)) : 0;
}

/** Records of one kind and their terms: postings lists by term, a tombstone per removed record. */
export class TermIndex {
  /** Record ids by slot; a record changed gets a new slot, its old one is dead (recency −1). */
  readonly ids: string[] = [];
  readonly rec: number[] = [];
  private readonly slot = new Map<string, number>();
  private readonly termIds = new Map<string, number>();
  private readonly lists: number[][] = [];
  /** Every term, sorted by UTF-16 code units (as IndexedDB orders strings): prefix ranges. */
  private sorted: string[] = [];
  private sortedDirty = false;
  dead = 0;

  get size() {
    return this.slot.size;
  }

  get termCount() {
    return this.lists.length;
  }

  has(id: string) {
    return this.slot.has(id);
  }

  /** Add or replace a record. */
  set(id: string, ts: Iterable<string>, recency: number) {
    this.remove(id);
    const at = this.ids.length;
    this.ids.push(id);
    this.rec.push(recency);
    this.slot.set(id, at);
    for (const t of new Set(ts)) this.post(t, at);
  }

  /** More terms for a record already added (a claim's tags). */
  addTerms(id: string, ts: Iterable<string>) {
    const at = this.slot.get(id);
    if (at !== undefined) for (const t of ts) this.post(t, at);
  }

  remove(id: string) {
    const at = this.slot.get(id);
    if (at === undefined) return;
    this.slot.delete(id);
    this.rec[at] = -1;
    this.dead++;
  }

  private post(t: string, at: number) {
    let tid = this.termIds.get(t);
    if (tid === undefined) {
      tid = this.lists.length;
      this.termIds.set(t, tid);
      this.lists.push([]);
      this.sorted.push(t);
      this.sortedDirty = true;
    }
    const list = this.lists[tid]!;
    if (list[list.length - 1] !== at) list.push(at);
  }

  private lowerBound(w: string): number {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < w) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The terms a word matches: those starting with it, as words of the text
   * and as words of a tag (TAG-marked); which of them is the word itself;
   * how many postings they hold.
   */
  private range(w: string): { tids: number[]; exact: Set<number>; tagged: Set<number>; total: number } {
    if (this.sortedDirty) {
      this.sorted.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.sortedDirty = false;
    }
    const s = this.sorted;
    const tids: number[] = [];
    const exact = new Set<number>();
    const tagged = new Set<number>();
    let total = 0;
    for (const [key, isTag] of [[w, false], [TAG + w, true]] as const) {
      for (let i = this.lowerBound(key); i < s.length && s[i]!.startsWith(key); i++) {
        const tid = this.termIds.get(s[i]!)!;
        tids.push(tid);
        if (s[i]!.length === key.length) exact.add(tid);
        if (isTag) tagged.add(tid);
        total += this.lists[tid]!.length;
      }
    }
    return { tids, exact, tagged, total };
  }

  /**
   * The live records holding every query word (as a term or the start of
   * one), with their term score: exact word 3, prefix 1, summed (query.ts
   * `termScore`). The rarest word's postings make the candidates; the others
   * are marked over the slots and checked.
   */
  match(qterms: readonly string[]): { slots: number[]; score: Uint8Array; text: Uint8Array } {
    const n = this.ids.length;
    const words = qterms.map((w) => this.range(w)).sort((a, b) => a.total - b.total);
    if (!words.length || words.some((w) => !w.tids.length)) return { slots: [], score: new Uint8Array(0), text: new Uint8Array(0) };
    const score = new Uint8Array(n);
    // 1 where some word matched a word of the record's own text (not only of a tag): the field a claim can rank by.
    const text = new Uint8Array(n);
    const first = words[0]!;
    let slots: number[] = [];
    for (const tid of first.tids) {
      const v = first.exact.has(tid) ? 3 : 1;
      const inText = first.tagged.has(tid) ? 0 : 1;
      for (const at of this.lists[tid]!) {
        const had = score[at]!;
        if (!had) {
          if (this.rec[at]! < 0) continue;
          slots.push(at);
          score[at] = v;
        } else if (v > had) score[at] = v;
        if (inText) text[at] = 1;
      }
    }
    for (let k = 1; k < words.length && slots.length; k++) {
      const w = words[k]!;
      const mark = new Uint8Array(n);
      for (const tid of w.tids) {
        const v = w.exact.has(tid) ? 3 : 1;
        const inText = w.tagged.has(tid) ? 0 : 4;
        for (const at of this.lists[tid]!) {
          const m = mark[at]!;
          mark[at] = Math.max(m & 3, v) | (m & 4) | inText;
        }
      }
      slots = slots.filter((at) => {
        const m = mark[at]!;
        if (!m) return false;
        score[at] = score[at]! + (m & 3);
        if (m & 4) text[at] = 1;
        return true;
      });
    }
    return { slots, score, text };
  }
}

/** The `keep` best slots by key (higher first), without sorting them all. */
export function topSlots(slots: number[], key: (at: number) => number, keep: number): number[] {
  if (slots.length <= keep) return slots.slice().sort((a, b) => key(b) - key(a) || a - b);
  // A min-heap of the best `keep` seen so far.
  const heap: number[] = [];
  const keys: number[] = [];
  const less = (i: number, j: number) => keys[i]! < keys[j]! || (keys[i] === keys[j] && heap[i]! > heap[j]!);
  const swap = (i: number, j: number) => {
    [heap[i], heap[j]] = [heap[j]!, heap[i]!];
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  };
  for (const at of slots) {
    const k = key(at);
    if (heap.length < keep) {
      heap.push(at);
      keys.push(k);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!less(i, p)) break;
        swap(i, p);
        i = p;
      }
    } else if (k > keys[0]! || (k === keys[0] && at < heap[0]!)) {
      heap[0] = at;
      keys[0] = k;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return heap.sort((a, b) => key(b) - key(a) || a - b);
}

/**
 * The library's search index in memory (issue 29, docs/search.md): for each
 * kind of record (claims, pages, saved article texts) the folded terms it
 * holds, each with the records holding it, a sorted term list for prefixes,
 * and each record's recency. Built lazily from what the database already
 * stores (claimTerms rows and the claims' tags, pages' and texts' `terms`),
 * kept in step with every write through Dexie's `storagemutated` event (this
 * context's writes at once, other contexts' through Dexie's BroadcastChannel),
 * dropped when the lock locks. Until it is ready, or while a kind is being
 * rebuilt, search answers from the IndexedDB indexes as before (query.ts):
 * the same results, slower.
 *
 * Pure over the database (no browser.*): the library page builds it, the
 * unit tests build it in Node over fake-indexeddb.
 */
import Dexie from 'dexie';
import type { SaqtaDB } from '../db';
import { terms } from './fold';
import { claimTextTerms, pageTerms } from './terms';

export type Kind = 'claim' | 'page' | 'text';

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

const CHUNK = 5000;
/** Records changed at once above which a kind is rebuilt rather than read again one by one. */
const REREAD_MAX = 20_000;

type Tree = { from?: unknown; to?: unknown; l?: Tree | null; r?: Tree | null };

const KIND_OF: Record<string, Kind> = { annotations: 'claim', claimTerms: 'claim', pages: 'page', texts: 'text' };

/** Every row of a table, CHUNK at a time in primary-key order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function eachChunk<T>(table: import('dexie').Table<T, any, any>, key: (row: T) => string, fn: (rows: T[]) => void) {
  let last: string | undefined;
  for (;;) {
    const rows = last === undefined ? await table.orderBy(':id').limit(CHUNK).toArray() : await table.where(':id').above(last).limit(CHUNK).toArray();
    if (!rows.length) return;
    fn(rows);
    last = key(rows[rows.length - 1]!);
  }
}

/** A tag's words are kept apart from the text's (marked): a claim found by its tags alone ranks by the tag field. */
const TAG = '\u0001';
const tagTermMemo = new Map<string, string[]>();
function termsOfTag(name: string): string[] {
  let out = tagTermMemo.get(name);
  if (!out) {
    if (tagTermMemo.size > 5000) tagTermMemo.clear();
    tagTermMemo.set(name, (out = terms(name).map((t) => TAG + t)));
  }
  return out;
}

/** The three kinds' indexes of one database, and what changed since they were read. */
export class MemoryIndex {
  readonly kinds: Record<Kind, TermIndex | null> = { claim: null, page: null, text: null };
  private readonly dirty: Record<Kind, Set<string>> = { claim: new Set(), page: new Set(), text: new Set() };
  /** A kind changed by a range (a bulk write, a clear): read again whole. */
  private readonly stale: Record<Kind, boolean> = { claim: true, page: true, text: true };
  private building: Promise<void> | null = null;
  private readonly keys: unknown;
  private readonly unsubscribe: () => void;
  /** Where the last build's time went (ms by step; the bench reads it). */
  readonly steps: Record<string, number> = {};
  /** How long the last whole build took (ms). */
  buildMs = 0;
  /** Kinds built whole, and records read again, since this index was made (the bench reports them). */
  readonly counts = { kindsBuilt: 0, reread: 0 };
  dropped = false;

  constructor(private readonly db: SaqtaDB) {
    this.keys = db.keyring.keys;
    const listener = (parts: object) => this.mutated(parts as Record<string, Tree>);
    Dexie.on('storagemutated', listener);
    this.unsubscribe = () => Dexie.on('storagemutated').unsubscribe(listener);
  }

  /** For this keyring still (the lock's keys unchanged, not locked). */
  valid(): boolean {
    return !this.dropped && this.db.keyring.state !== 'locked' && this.db.keyring.keys === this.keys;
  }

  drop() {
    this.dropped = true;
    this.unsubscribe();
    this.kinds.claim = this.kinds.page = this.kinds.text = null;
  }

  private mutated(parts: Record<string, Tree>) {
    const prefix = `idb://${this.db.name}/`;
    for (const [part, tree] of Object.entries(parts)) {
      if (part === 'all') {
        this.stale.claim = this.stale.page = this.stale.text = true;
        continue;
      }
      if (!part.startsWith(prefix)) continue;
      const [table, index] = part.slice(prefix.length).split('/');
      const kind = KIND_OF[table!];
      if (!kind || index !== '') continue;
      const stack: (Tree | null | undefined)[] = [tree];
      while (stack.length) {
        const node = stack.pop();
        if (!node || !('from' in node)) continue;
        if (node.from !== node.to || typeof node.from !== 'string') this.stale[kind] = true;
        else this.dirty[kind].add(node.from);
        stack.push(node.l, node.r);
      }
      if (this.dirty[kind].size > REREAD_MAX) this.stale[kind] = true;
    }
  }

  /** Whether every kind is in memory and nothing changed is waiting to be read. */
  get ready(): boolean {
    return !!(this.kinds.claim && this.kinds.page && this.kinds.text) && !this.stale.claim && !this.stale.page && !this.stale.text;
  }

  /**
   * Bring the index up to date: rebuild stale kinds (whole), read changed
   * records again. Resolves when done; concurrent calls share one run.
   */
  update(): Promise<void> {
    this.building ??= this.run().finally(() => {
      this.building = null;
    });
    return this.building;
  }

  private async run() {
    const t0 = performance.now();
    let whole = false;
    for (let round = 0; round < 3 && !this.dropped; round++) {
      const kinds = (['claim', 'page', 'text'] as const).filter((k) => this.stale[k] || !this.kinds[k]);
      if (!kinds.length) break;
      whole = true;
      for (const k of kinds) {
        // Changes that arrive while a kind is read are read again afterwards.
        this.stale[k] = false;
        this.dirty[k].clear();
        const built = await this.buildKind(k);
        this.counts.kindsBuilt++;
        if (this.dropped) return;
        this.kinds[k] = built;
      }
    }
    if (whole) this.buildMs = performance.now() - t0;
    await this.reread();
  }

  private rereading: Promise<void> = Promise.resolve();

  /** Read changed records again (a few, usually: this context's or another's writes); one run at a time. */
  reread(): Promise<void> {
    const next = this.rereading.then(() => this.rereadNow());
    this.rereading = next.catch(() => undefined);
    return next;
  }

  private async rereadNow() {
    for (const k of ['claim', 'page', 'text'] as const) {
      const index = this.kinds[k];
      if (!index || this.stale[k] || !this.dirty[k].size) continue;
      const ids = [...this.dirty[k]];
      this.dirty[k].clear();
      this.counts.reread += ids.length;
      if (k === 'claim') {
        const [claims, rows] = await Promise.all([this.db.annotations.bulkGet(ids), this.db.claimTerms.bulkGet(ids)]);
        claims.forEach((a, i) => {
          if (!a) return index.remove(ids[i]!);
          index.set(a.id, [...(rows[i]?.terms ?? claimTextTerms(a)), ...a.body.tags.flatMap(termsOfTag)], recency(a.modified));
        });
      } else if (k === 'page') {
        const pages = await this.db.pages.bulkGet(ids);
        pages.forEach((p, i) => (p ? index.set(p.id, p.terms ?? pageTerms(p), recency(p.updatedAt)) : index.remove(ids[i]!)));
      } else {
        const texts = await this.db.texts.bulkGet(ids);
        texts.forEach((t, i) => (t ? index.set(t.pageId, t.terms ?? terms(t.text), 0) : index.remove(ids[i]!)));
      }
      if (this.dropped) return;
    }
  }

  private async buildKind(kind: Kind): Promise<TermIndex> {
    const db = this.db;
    const index = new TermIndex();
    const t0 = performance.now();
    if (kind === 'page') {
      await eachChunk(db.pages, (p) => p.id, (rows) => rows.forEach((p) => index.set(p.id, p.terms ?? pageTerms(p), recency(p.updatedAt))));
    } else if (kind === 'text') {
      await eachChunk(db.texts, (t) => t.pageId, (rows) => rows.forEach((t) => index.set(t.pageId, t.terms ?? terms(t.text), 0)));
    } else if (db.keyring.state === 'off') {
      // Claims without reading them: ids and times from the `modified` index, tags from `body.tags`, words from claimTerms.
      let t = performance.now();
      const lap = (name: string) => {
        this.steps[name] = (this.steps[name] ?? 0) + performance.now() - t;
        t = performance.now();
      };
      // The dates' index keys come by cursor (slow): read beside the claimTerms rows.
      const textTerms = new Map<string, string[]>();
      const [times, ids] = await Promise.all([
        db.annotations.orderBy('modified').keys(),
        db.annotations.orderBy('modified').primaryKeys(),
        eachChunk(db.claimTerms, (r) => r.id, (rows) => rows.forEach((r) => textTerms.set(r.id, r.terms))),
      ]);
      lap('modified+claimTerms');
      (ids as string[]).forEach((id, i) => index.set(id, textTerms.get(id) ?? [], recency(times[i] as string)));
      textTerms.clear();
      lap('post');
      // Each tag's claims by its name (the tags table's, as the IndexedDB path finds them): primary keys only, no cursor.
      const names = (await db.tags.toArray()).map((tg) => tg.name);
      const tagged = await Promise.all(names.map((name) => db.annotations.where('body.tags').equals(name).primaryKeys()));
      lap('tags');
      tagged.forEach((ids, i) => {
        const ts = termsOfTag(names[i]!);
        for (const id of ids as string[]) index.addTerms(id, ts);
      });
      lap('postTags');
      // A claim written before its `modified` (none should be): read it.
      if (ids.length !== (await db.annotations.count())) {
        await eachChunk(db.annotations, (a) => a.id, (rows) => rows.forEach((a) => index.has(a.id) || this.dirty.claim.add(a.id)));
      }
    } else {
      // Locked-capable library: tag names are keyed on disk, so the claims are read (opened) in chunks.
      const textTerms = new Map<string, string[]>();
      await eachChunk(db.claimTerms, (r) => r.id, (rows) => rows.forEach((r) => textTerms.set(r.id, r.terms)));
      await eachChunk(db.annotations, (a) => a.id, (rows) =>
        rows.forEach((a) => index.set(a.id, [...(textTerms.get(a.id) ?? claimTextTerms(a)), ...a.body.tags.flatMap(termsOfTag)], recency(a.modified))),
      );
    }
    this.steps[kind] = performance.now() - t0;
    return index;
  }
}

const indexes = new WeakMap<SaqtaDB, MemoryIndex>();

/**
 * The in-memory index of `db` when it can answer now (brought up to date
 * first), else null; starts building it when `start` (the library page on
 * open, and the first search) so later searches get it.
 */
export async function memoryIndex(db: SaqtaDB, start = true): Promise<MemoryIndex | null> {
  let index = indexes.get(db);
  if (index && !index.valid()) {
    index.drop();
    indexes.delete(db);
    index = undefined;
  }
  if (db.keyring.state === 'locked') return null;
  if (!index) {
    if (!start) return null;
    index = new MemoryIndex(db);
    indexes.set(db, index);
  }
  if (index.ready) {
    await index.reread();
    return index.ready && index.valid() ? index : null;
  }
  if (start) void index.update().catch(() => dropSearchIndex(db));
  return null;
}

/** Build (or bring up to date) the in-memory index now; resolves when it can answer. */
export async function buildSearchIndex(db: SaqtaDB): Promise<MemoryIndex | null> {
  if (db.keyring.state === 'locked') return null;
  let index = indexes.get(db);
  if (!index || !index.valid()) {
    index?.drop();
    index = new MemoryIndex(db);
    indexes.set(db, index);
  }
  await index.update();
  return index.valid() ? index : null;
}

/** Forget the in-memory index (the lock locked; a test's teardown). */
export function dropSearchIndex(db: SaqtaDB) {
  indexes.get(db)?.drop();
  indexes.delete(db);
}

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
import { recency, TAG, TermIndex } from './term-index';
import { BoundedMap } from '../bounded-map';
import { idsReadingAs, namesById, tagMaps } from '../store/tag-id-core';

type Kind = 'claim' | 'page' | 'text';

const CHUNK = 5000;
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** Records changed at once above which a kind is rebuilt rather than read again one by one. */
const REREAD_MAX = 20_000;

type Tree = { from?: unknown; to?: unknown; l?: Tree | null; r?: Tree | null };

const KIND_OF: Record<string, Kind> = { annotations: 'claim', claimTerms: 'claim', pages: 'page', texts: 'text' };

/** Every row of a table, `size` at a time in primary-key order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function eachChunk<T>(table: import('dexie').Table<T, any, any>, key: (row: T) => string, fn: (rows: T[]) => void, size = CHUNK) {
  let last: string | undefined;
  for (;;) {
    const rows = last === undefined ? await table.orderBy(':id').limit(size).toArray() : await table.where(':id').above(last).limit(size).toArray();
    if (!rows.length) return;
    fn(rows);
    last = key(rows[rows.length - 1]!);
  }
}

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
  /**
   * Saved article texts search read for its snippets (query.ts): typing reads the same first window on every
   * keystroke, and a text row is the largest a search reads (with the lock, opened and parsed again each time).
   * Dropped as soon as a write touches them (`mutated`); 4 M characters at most.
   */
  readonly texts = new BoundedMap<string, string>(4 << 20, 512 << 10, (t) => t.length);
  private readonly dirty: Record<Kind, Set<string>> = { claim: new Set(), page: new Set(), text: new Set() };
  /** A kind changed by a range (a bulk write, a clear): read again whole. */
  private readonly stale: Record<Kind, boolean> = { claim: true, page: true, text: true };
  private building: Promise<void> | null = null;
  /** The lock's index key when built (none with the lock off): the keyring is remade on every `lock.*` change, so it is compared by value. */
  private readonly keys: Uint8Array | undefined;
  private readonly unsubscribe: () => void;
  /** Where the last build's time went (ms by step; the bench reads it). */
  readonly steps: Record<string, number> = {};
  /** How long the last whole build took (ms). */
  buildMs = 0;
  /** Kinds built whole, and records read again, since this index was made (the bench reports them). */
  readonly counts = { kindsBuilt: 0, reread: 0 };
  dropped = false;

  constructor(private readonly db: SaqtaDB) {
    this.keys = db.keyring.keys?.mac.slice();
    const listener = (parts: object) => this.mutated(parts as Record<string, Tree>);
    Dexie.on('storagemutated', listener);
    this.unsubscribe = () => Dexie.on('storagemutated').unsubscribe(listener);
  }

  /** For this keyring still (the lock's keys unchanged, not locked). */
  valid(): boolean {
    const mac = this.db.keyring.keys?.mac;
    const same = !mac || !this.keys ? mac === this.keys : mac.length === this.keys.length && mac.every((b, i) => b === this.keys![i]);
    return !this.dropped && this.db.keyring.state !== 'locked' && same;
  }

  drop() {
    this.dropped = true;
    this.texts.clear();
    this.unsubscribe();
    this.kinds.claim = this.kinds.page = this.kinds.text = null;
  }

  private mutated(parts: Record<string, Tree>) {
    const prefix = `idb://${this.db.name}/`;
    for (const [part, tree] of Object.entries(parts)) {
      if (part === 'all') {
        this.stale.claim = this.stale.page = this.stale.text = true;
        this.texts.clear();
        continue;
      }
      if (!part.startsWith(prefix)) continue;
      const [table, index] = part.slice(prefix.length).split('/');
      // A tag renamed, merged or deleted writes only its tags row (claims hold ids): looked at before the next answer.
      if (table === 'tags') {
        this.tagsChanged = true;
        continue;
      }
      const kind = KIND_OF[table!];
      if (!kind || index !== '') continue;
      const stack: (Tree | null | undefined)[] = [tree];
      while (stack.length) {
        const node = stack.pop();
        if (!node || !('from' in node)) continue;
        if (node.from !== node.to || typeof node.from !== 'string') {
          this.stale[kind] = true;
          if (kind === 'text') this.texts.clear();
        } else {
          this.dirty[kind].add(node.from);
          if (kind === 'text') this.texts.delete(node.from);
        }
        stack.push(node.l, node.r);
      }
      if (this.dirty[kind].size > REREAD_MAX) this.stale[kind] = true;
    }
  }

  /** Each tag id's name when the claims were indexed; a tags write is checked against it (tagsNow). */
  private tagNames = new Map<string, string>();
  private tagsChanged = false;

  /**
   * After a tags write: when a tag the index knew reads differently now (renamed, merged, deleted), its claims'
   * tag terms changed without a claim being written, so the claims are read again whole. A new tag changes
   * nothing here (the claim that brought it was written, and is read again by itself).
   */
  private async tagsNow() {
    if (!this.tagsChanged) return;
    this.tagsChanged = false;
    const now = namesById(await this.db.tags.toArray());
    for (const [id, name] of this.tagNames) {
      if (now.get(id) !== name) {
        this.stale.claim = true;
        return;
      }
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
    const next = this.rereading.then(async () => {
      await this.tagsNow();
      await this.rereadNow();
    });
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
      this.tagNames = namesById(await db.tags.toArray());
      this.tagsChanged = false;
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
      // In slices, giving the page's thread back between them (100,000 claims are ~3 M postings).
      for (let from = 0; from < ids.length; from += CHUNK) {
        if (from) await yieldToPage();
        for (let i = from; i < Math.min(ids.length, from + CHUNK); i++) index.set(ids[i] as string, textTerms.get(ids[i] as string) ?? [], recency(times[i] as string));
      }
      textTerms.clear();
      lap('post');
      // Each live tag's claims by the ids reading as its name (itself and the tags merged into it; v60,
      // utils/store/tag-id-core.ts), as the IndexedDB path finds them: primary keys only, no cursor.
      const tagRows = await db.tags.toArray();
      const maps = tagMaps(tagRows);
      const live = tagRows.filter((tg) => !tg.mergedInto);
      const names = live.map((tg) => tg.name);
      const tagged = await Promise.all(live.map((tg) => db.annotations.where('body.tagIds').anyOf(idsReadingAs(maps, tg.id)).primaryKeys()));
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
      this.tagNames = namesById(await db.tags.toArray());
      this.tagsChanged = false;
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

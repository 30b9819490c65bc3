/**
 * Merge a checked bundle (or claims from JSON-LD) into the library in ONE
 * transaction: a failure anywhere (a full disk included) or a cancel leaves
 * the library as it was.
 * - an article already known (same URL, alias, canonical URL or fingerprint) is merged, else added;
 * - a claim with the same id, or the same page and quote, is not duplicated
 *   (its tags are united and an empty note filled: "merged"; identical: "skipped");
 * - tags are merged by name (case- and space-folded, see store/tags.ts);
 * - a capture already present (same id) is skipped, else added with its artifacts.
 *
 * Fast at scale: everything the decisions need is read first with a few
 * index queries for the whole batch (pages by every key, claims by id and by
 * page, captures, blobs and tags by key), the decisions are made in memory
 * (claims added earlier in the same import count as present, exactly as if
 * they had been written one by one), and the records are written with
 * bulkAdd/bulkUpdate in chunks.
 */
import type { SaqtaDB, PageRecord, BlobRecord, CaptureRecord, TagRecord } from '../db';
import { newId, nowIso, quoteOf, type Annotation } from '../annotation';
import type { ImportEvidence } from '../evidence/check';
import { pageKeys, type PageKeys } from '../url';
import { cleanTagName, tagKey } from '../store/tags';
import type { ImportedClaim } from '../export/jsonld';
import { Cancelled } from './read';
import { type ImportNote, type ParsedArticle } from '../export/records';

export interface ImportSummary {
  pages: { added: number; merged: number };
  claims: { added: number; merged: number; skipped: number };
  captures: { added: number; skipped: number };
  tags: { added: number };
  /** What the import changed or left out (dates normalized, saved HTML sanitized), when anything. */
  notes?: ImportNote[];
  /** WACZ only: who signed it and how many timestamp tokens hold (utils/evidence/check.ts). */
  evidence?: ImportEvidence;
}

interface MergeOptions {
  signal?: AbortSignal;
  /** Records written so far, of all. */
  onProgress?(done: number, total: number): void;
  /** Filled with each bundle page id → the library page it was merged into or added as (team sync). */
  pageMap?: Map<string, string>;
}

const CHUNK = 1000;
const uuid = () => `urn:uuid:${crypto.randomUUID()}`;

/** The ids of pages under each identifying key; `find` follows store/pages.ts findPage's order. */
class PageIndex {
  private maps = { url: new Map<string, string[]>(), alias: new Map<string, string[]>(), canonical: new Map<string, string[]>(), fingerprint: new Map<string, string[]>() };
  add(p: PageRecord): void {
    const put = (m: Map<string, string[]>, k: string | undefined) => {
      if (!k) return;
      const ids = m.get(k);
      if (ids) ids.push(p.id);
      else m.set(k, [p.id]);
    };
    put(this.maps.url, p.normalizedUrl);
    for (const a of p.aliases ?? []) put(this.maps.alias, a);
    put(this.maps.canonical, p.normalizedCanonical);
    put(this.maps.fingerprint, p.fingerprint);
  }
  /** Like an index's `.first()`: the lowest id holding the key. */
  private first(m: Map<string, string[]>, k: string | undefined): string | undefined {
    const ids = k ? m.get(k) : undefined;
    return ids?.reduce((a, b) => (b < a ? b : a));
  }
  find(keys: Pick<PageKeys, 'normalizedUrl' | 'normalizedCanonical' | 'fingerprint'>): string | undefined {
    return (
      this.first(this.maps.url, keys.normalizedUrl) ??
      this.first(this.maps.alias, keys.normalizedUrl) ??
      (keys.normalizedCanonical ? (this.first(this.maps.canonical, keys.normalizedCanonical) ?? this.first(this.maps.url, keys.normalizedCanonical)) : undefined) ??
      (keys.fingerprint ? this.first(this.maps.fingerprint, keys.fingerprint) : undefined)
    );
  }
}

export async function mergeIntoLibrary(db: SaqtaDB, articles: ParsedArticle[], claims: ImportedClaim[], opts: MergeOptions = {}): Promise<ImportSummary> {
  const s: ImportSummary = { pages: { added: 0, merged: 0 }, claims: { added: 0, merged: 0, skipped: 0 }, captures: { added: 0, skipped: 0 }, tags: { added: 0 } };
  const check = () => {
    if (opts.signal?.aborted) throw new Cancelled();
  };
  check();
  return db.transaction('rw', [db.pages, db.annotations, db.tags, db.captures, db.blobs], async () => {
    const now = new Date().toISOString();
    const articleIds = new Set(articles.map((a) => a.page.id));
    const claimKeys = new Map<ImportedClaim, PageKeys>();
    for (const c of claims) if (!c.pageId || !articleIds.has(c.pageId)) claimKeys.set(c, pageKeys(c.source));

    // 1. Read everything the decisions need, a few queries for the whole batch.
    const urls = new Set<string>();
    const canonicals = new Set<string>();
    const fingerprints = new Set<string>();
    for (const { page } of articles) {
      urls.add(page.normalizedUrl);
      if (page.normalizedCanonical) canonicals.add(page.normalizedCanonical);
      if (page.fingerprint) fingerprints.add(page.fingerprint);
    }
    for (const k of claimKeys.values()) urls.add(k.normalizedUrl);
    const known = new Map<string, PageRecord>();
    const keep = (rows: PageRecord[]) => rows.forEach((p) => known.set(p.id, p));
    keep(await db.pages.where('normalizedUrl').anyOf([...urls, ...canonicals]).toArray());
    keep(await db.pages.where('aliases').anyOf([...urls]).toArray());
    if (canonicals.size) keep(await db.pages.where('normalizedCanonical').anyOf([...canonicals]).toArray());
    if (fingerprints.size) keep(await db.pages.where('fingerprint').anyOf([...fingerprints]).toArray());
    const index = new PageIndex();
    known.forEach((p) => index.add(p));
    const takenPageIds = new Set((await db.pages.bulkGet([...articleIds])).filter((p) => !!p).map((p) => p!.id));
    const captureIds = articles.flatMap((a) => a.captures.map((c) => c.record.id));
    const takenCaptures = new Set((await db.captures.bulkGet(captureIds)).filter((c) => !!c).map((c) => c!.id));
    const blobIds = articles.flatMap((a) => a.captures.flatMap((c) => c.files.map((f) => f.ref.blobId)));
    const takenBlobs = new Set((await db.blobs.where('id').anyOf(blobIds).primaryKeys()) as string[]);

    // 2. Articles and their captures, decided in memory.
    const localPage = new Map<string, string>();
    const newPages = new Map<string, PageRecord>();
    const savedAtUpdates = new Map<string, string>();
    const newCaptures: CaptureRecord[] = [];
    const newBlobs: BlobRecord[] = [];
    for (const a of articles) {
      let id = index.find(a.page);
      if (id) s.pages.merged++;
      else {
        id = takenPageIds.has(a.page.id) || newPages.has(a.page.id) ? uuid() : a.page.id;
        const record = { ...a.page, id };
        newPages.set(id, record);
        index.add(record);
        s.pages.added++;
      }
      localPage.set(a.page.id, id);
      opts.pageMap?.set(a.page.id, id);
      for (const c of a.captures) {
        if (takenCaptures.has(c.record.id)) {
          s.captures.skipped++;
          continue;
        }
        takenCaptures.add(c.record.id);
        const refs = [];
        const renamed = new Map<string, string>();
        for (const f of c.files) {
          const blobId = takenBlobs.has(f.ref.blobId) ? uuid() : f.ref.blobId;
          takenBlobs.add(blobId);
          renamed.set(f.ref.blobId, blobId);
          newBlobs.push({ id: blobId, pageId: id, captureId: c.record.id, kind: f.ref.kind, sha256: f.ref.sha256, size: f.ref.size, mime: f.ref.mime, data: f.data.type === f.ref.mime ? f.data : new Blob([f.data], { type: f.ref.mime }) });
          refs.push({ ...f.ref, blobId });
        }
        const exchanges = c.record.exchanges?.map((x) => ({ ...x, blobId: renamed.get(x.blobId) ?? x.blobId }));
        newCaptures.push({ ...c.record, pageId: id, artifacts: refs, ...(exchanges ? { exchanges } : {}) });
        s.captures.added++;
        const fresh = newPages.get(id);
        const savedAt = fresh ? fresh.savedAt : (savedAtUpdates.get(id) ?? known.get(id)?.savedAt);
        if (!savedAt || savedAt < c.record.capturedAt) {
          if (fresh) fresh.savedAt = c.record.capturedAt;
          else if (known.has(id)) savedAtUpdates.set(id, c.record.capturedAt);
        }
      }
    }

    // 3. Claims: their pages (JSON-LD claims may need new ones), then duplicates by id or page + quote.
    const claimPage = claims.map((c) => {
      let pageId = c.pageId ? localPage.get(c.pageId) : undefined;
      if (pageId) return pageId;
      const keys = claimKeys.get(c) ?? pageKeys(c.source);
      pageId = index.find(keys);
      if (pageId) return pageId;
      pageId = uuid();
      const record: PageRecord = { id: pageId, url: keys.url, normalizedUrl: keys.normalizedUrl, aliases: [], title: c.title || c.source, createdAt: now, updatedAt: now };
      newPages.set(pageId, record);
      index.add(record);
      s.pages.added++;
      return pageId;
    });
    // One working copy per stored claim, whichever way it is found (merges change it in place).
    const byId = new Map<string, Annotation>();
    const onPages = await db.annotations.where('pageId').anyOf([...new Set(claimPage)]).toArray();
    for (const a of onPages) byId.set(a.id, a);
    for (const a of await db.annotations.bulkGet(claims.map((c) => c.id).filter((id) => !byId.has(id)))) if (a) byId.set(a.id, a);
    const quoteKey = (pageId: string, exact: string | undefined) => `${pageId}\u0000${exact}`;
    /** Per page + quote, the claim an index's `.first()` would give: the lowest id. */
    const byQuote = new Map<string, Annotation>();
    const remember = (a: Annotation) => {
      const k = quoteKey(a.pageId, quoteOf(a)?.exact);
      const cur = byQuote.get(k);
      if (!cur || a.id < cur.id) byQuote.set(k, a);
    };
    byId.forEach(remember);

    // Tags by key, read once; new ones are made as the old code's ensureTags would.
    const tagNames = new Set<string>();
    for (const c of claims) c.tags.forEach((t) => tagNames.add(tagKey(t)));
    for (const a of byId.values()) a.body.tags.forEach((t) => tagNames.add(tagKey(t)));
    const tagByKey = new Map<string, TagRecord>();
    for (const t of await db.tags.where('key').anyOf([...tagNames].filter(Boolean)).toArray()) tagByKey.set(t.key, t);
    const newTags: TagRecord[] = [];
    const ensure = (names: string[]) => {
      const out: string[] = [];
      for (const raw of names) {
        const name = cleanTagName(raw);
        if (!name) continue;
        const key = tagKey(name);
        const existing = tagByKey.get(key);
        if (existing) {
          if (!out.includes(existing.name)) out.push(existing.name);
          continue;
        }
        const tag: TagRecord = { id: newId(), name, key, created: nowIso() };
        tagByKey.set(key, tag);
        newTags.push(tag);
        out.push(name);
      }
      return out;
    };

    const added = new Map<string, Annotation>();
    const updated = new Map<string, Annotation>();
    claims.forEach((c, i) => {
      const pageId = claimPage[i]!;
      const exact = quoteOf({ target: { source: c.source, selector: c.selector } })!.exact;
      const same = byId.get(c.id) ?? byQuote.get(quoteKey(pageId, exact));
      if (same) {
        const tags = ensure([...same.body.tags, ...c.tags]);
        const note = same.body.note || c.note;
        if (tags.length !== same.body.tags.length || note !== same.body.note) {
          same.body = { ...same.body, tags, note };
          same.modified = now;
          if (!added.has(same.id)) updated.set(same.id, same);
          s.claims.merged++;
        } else s.claims.skipped++;
        return;
      }
      const annotation: Annotation = {
        id: c.id,
        pageId,
        target: { source: c.source, selector: c.selector },
        body: { tags: ensure(c.tags), note: c.note, color: c.color },
        created: c.created,
        modified: c.modified,
        anchor: 'unknown',
      };
      added.set(annotation.id, annotation);
      byId.set(annotation.id, annotation);
      remember(annotation);
      s.claims.added++;
    });
    s.tags.added = newTags.length;

    // 4. Write, in chunks, still inside the one transaction.
    const pages = [...newPages.values()];
    const claimsOut = [...added.values()];
    const total = pages.length + newBlobs.length + newCaptures.length + savedAtUpdates.size + newTags.length + claimsOut.length + updated.size;
    let done = 0;
    const write = async <T>(rows: T[], fn: (chunk: T[]) => Promise<unknown>, size = CHUNK) => {
      for (let i = 0; i < rows.length; i += size) {
        check();
        const chunk = rows.slice(i, i + size);
        await fn(chunk);
        done += chunk.length;
        opts.onProgress?.(done, total);
      }
    };
    await write(pages, (c) => db.pages.bulkAdd(c));
    await write(newBlobs, (c) => db.blobs.bulkAdd(c), 200);
    await write(newCaptures, (c) => db.captures.bulkAdd(c));
    await write([...savedAtUpdates], (c) => db.pages.bulkUpdate(c.map(([key, savedAt]) => ({ key, changes: { savedAt } }))));
    await write(newTags, (c) => db.tags.bulkAdd(c));
    await write(claimsOut, (c) => db.annotations.bulkAdd(c));
    await write([...updated.values()], (c) => db.annotations.bulkUpdate(c.map((a) => ({ key: a.id, changes: { 'body.tags': a.body.tags, 'body.note': a.body.note, modified: a.modified } }))));
    check();
    return s;
  });
}

/**
 * Merge one colleague's part into the library, all or nothing: the bundle is
 * read and checked by the import's own reader (utils/bundle/read.ts: every
 * file's size and SHA-256 against its manifest, every record's shape), pages
 * and saved copies go through the import's merge (utils/bundle/merge.ts:
 * pages deduplicated by URL, alias, canonical URL and fingerprint, captures by
 * id), and in the SAME transaction the colleague's claims are written as
 * theirs (author set, read-only here), claims they deleted are removed, and
 * the part is recorded as applied. A throw anywhere changes nothing.
 *
 * A colleague's claim is one record per claim id, replaced by each newer part
 * of its author: their note edits and tag changes show up as they made them.
 * It never merges into the reader's own claim on the same quote (both show,
 * each with its author).
 */
import type { Annotation, ClaimAuthor } from '../annotation';
import type { SaqtaDB, TagRecord } from '../db';
import { mergeIntoLibrary, type ImportSummary } from '../bundle/merge';
import { parseBundle } from '../bundle/read';
import { cleanTagName, tagKey } from '../store/tags';
import { newId, nowIso } from '../annotation';
import type { PartHeader } from './part';
import { PartRefused } from './refused';

interface AppliedSummary {
  claims: number;
  deleted: number;
  captures: number;
  pages: number;
  /** Pages whose claims changed (for the background's broadcasts). */
  pageIds: string[];
}

/** Read and check a part's bundle (throws BundleError on the first problem; nothing written). */
export async function readPartBundle(bundle: Uint8Array) {
  if (!bundle.length) return { articles: [], claims: [] };
  const parsed = await parseBundle(bundle);
  return { articles: parsed.articles, claims: parsed.claims };
}

export async function applyPart(
  db: SaqtaDB,
  author: ClaimAuthor,
  part: { name: string; seq: number; sha256: string; header: PartHeader; bundle: Awaited<ReturnType<typeof readPartBundle>> },
  fingerprint?: string,
): Promise<AppliedSummary> {
  const { articles, claims } = part.bundle;
  return db.transaction('rw', [db.pages, db.annotations, db.tags, db.captures, db.blobs, db.teamApplied], async () => {
    // A record id that is someone else's (the reader's own, another member's) is never taken over: the whole part is refused.
    const captureIds = articles.flatMap((a) => a.captures.map((c) => c.record.id));
    const had = (await db.captures.bulkGet(captureIds)).filter((c) => !!c);
    const foreign = had.find((c) => c!.author?.id !== author.id);
    if (foreign) throw new PartRefused('reused-id', `A saved copy in the part reuses the id of ${foreign.author ? 'another member’s' : 'your own'} copy (${foreign.id}).`);
    const ownClaims = (await db.annotations.bulkGet([...claims.map((c) => c.id), ...part.header.deleted])).filter((a) => !!a);
    const taken = ownClaims.find((a) => a!.author?.id !== author.id && claims.some((c) => c.id === a!.id));
    if (taken) throw new PartRefused('reused-id', `A claim in the part reuses the id of ${taken.author ? 'another member’s' : 'your own'} claim (${taken.id}).`);
    const pageMap = new Map<string, string>();
    let merged: ImportSummary | null = null;
    if (articles.length) merged = await mergeIntoLibrary(db, articles, [], { pageMap });
    // Copies this part added are the colleague's (never re-shared by this reader, labelled as theirs); copies it already had stay as they are.
    const before = new Set(had.map((c) => c!.id));
    const fresh = captureIds.filter((cid) => !before.has(cid));
    // The copy carries who captured it and their key's fingerprint: an export's capture.json says so.
    const byWhom = fingerprint ? { ...author, fingerprint } : author;
    if (fresh.length) await db.captures.bulkUpdate(fresh.map((key) => ({ key, changes: { author: byWhom } })));

    // Tags by key, made when missing (colleagues' tags can be filtered on).
    const names = new Set<string>();
    for (const c of claims) for (const t of c.tags) if (cleanTagName(t)) names.add(tagKey(t));
    const tagByKey = new Map((await db.tags.where('key').anyOf([...names]).toArray()).map((t) => [t.key, t]));
    const newTags: TagRecord[] = [];
    const tagsOf = (list: string[]) => {
      const out: string[] = [];
      for (const raw of list) {
        const name = cleanTagName(raw);
        if (!name) continue;
        const key = tagKey(name);
        let tag = tagByKey.get(key);
        if (!tag) {
          tag = { id: newId(), name, key, created: nowIso() };
          tagByKey.set(key, tag);
          newTags.push(tag);
        }
        if (!out.includes(tag.name)) out.push(tag.name);
      }
      return out;
    };

    const existing = new Map((await db.annotations.bulkGet(claims.map((c) => c.id))).filter((a) => !!a).map((a) => [a!.id, a!]));
    const out: Annotation[] = [];
    const touched = new Set<string>();
    for (const c of claims) {
      const pageId = c.pageId ? pageMap.get(c.pageId) : undefined;
      if (!pageId) continue;
      const old = existing.get(c.id);
      out.push({
        id: c.id,
        pageId,
        target: { source: c.source, selector: c.selector },
        body: { tags: tagsOf(c.tags), note: c.note, color: c.color },
        created: c.created,
        modified: c.modified,
        anchor: old?.anchor ?? 'unknown',
        author,
      });
      touched.add(pageId);
      if (old && old.pageId !== pageId) touched.add(old.pageId);
    }
    if (newTags.length) await db.tags.bulkAdd(newTags);
    if (out.length) await db.annotations.bulkPut(out);

    const gone = (await db.annotations.bulkGet(part.header.deleted)).filter((a) => a?.author?.id === author.id) as Annotation[];
    for (const a of gone) touched.add(a.pageId);
    if (gone.length) await db.annotations.bulkDelete(gone.map((a) => a.id));

    await db.teamApplied.put({ key: `${author.id}/${part.name}`, member: author.id, name: part.name, sha256: part.sha256, seq: part.seq, status: 'applied', at: nowIso() });
    return { claims: out.length, deleted: gone.length, captures: merged?.captures.added ?? 0, pages: merged?.pages.added ?? 0, pageIds: [...touched, ...pageMap.values()].filter((v, i, a) => a.indexOf(v) === i) };
  });
}

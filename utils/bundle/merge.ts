/**
 * Merge a checked bundle (or claims from JSON-LD) into the library in ONE
 * transaction: a failure anywhere leaves the library as it was.
 * - an article already known (same URL, alias, canonical URL or fingerprint) is merged, else added;
 * - a claim with the same id, or the same page and quote, is not duplicated
 *   (its tags are united and an empty note filled: "merged"; identical: "skipped");
 * - tags are merged by name (case- and space-folded, see store/tags.ts);
 * - a capture already present (same id) is skipped, else added with its artifacts.
 */
import type { SaqtaDB, PageRecord } from '../db';
import { quoteOf, type Annotation } from '../annotation';
import { pageKeys } from '../url';
import { findPage } from '../store/pages';
import { ensureTags } from '../store/tags';
import type { ImportedClaim } from './jsonld';
import type { ParsedArticle } from './read';

export interface ImportSummary {
  pages: { added: number; merged: number };
  claims: { added: number; merged: number; skipped: number };
  captures: { added: number; skipped: number };
  tags: { added: number };
}

export async function mergeIntoLibrary(db: SaqtaDB, articles: ParsedArticle[], claims: ImportedClaim[]): Promise<ImportSummary> {
  const s: ImportSummary = { pages: { added: 0, merged: 0 }, claims: { added: 0, merged: 0, skipped: 0 }, captures: { added: 0, skipped: 0 }, tags: { added: 0 } };
  return db.transaction('rw', [db.pages, db.annotations, db.tags, db.captures, db.blobs], async () => {
    const tagsBefore = await db.tags.count();
    const localPage = new Map<string, string>();
    const now = new Date().toISOString();

    async function placePage(p: PageRecord): Promise<string> {
      const found = await findPage(db, { url: p.url, normalizedUrl: p.normalizedUrl, canonicalUrl: p.canonicalUrl, normalizedCanonical: p.normalizedCanonical, fingerprint: p.fingerprint });
      if (found) {
        s.pages.merged++;
        return found.id;
      }
      const id = (await db.pages.get(p.id)) ? `urn:uuid:${crypto.randomUUID()}` : p.id;
      await db.pages.add({ ...p, id });
      s.pages.added++;
      return id;
    }

    for (const a of articles) {
      const id = await placePage(a.page);
      localPage.set(a.page.id, id);
      for (const c of a.captures) {
        if (await db.captures.get(c.record.id)) {
          s.captures.skipped++;
          continue;
        }
        const refs = [];
        for (const f of c.files) {
          const blobId = (await db.blobs.get(f.ref.blobId)) ? `urn:uuid:${crypto.randomUUID()}` : f.ref.blobId;
          await db.blobs.add({ id: blobId, pageId: id, captureId: c.record.id, kind: f.ref.kind, sha256: f.ref.sha256, size: f.ref.size, mime: f.ref.mime, data: new Blob([f.data as BlobPart], { type: f.ref.mime }) });
          refs.push({ ...f.ref, blobId });
        }
        await db.captures.add({ ...c.record, pageId: id, artifacts: refs });
        s.captures.added++;
        const page = await db.pages.get(id);
        if (page && (!page.savedAt || page.savedAt < c.record.capturedAt)) await db.pages.update(id, { savedAt: c.record.capturedAt });
      }
    }

    for (const c of claims) {
      let pageId = c.pageId ? localPage.get(c.pageId) : undefined;
      if (!pageId) {
        const keys = pageKeys(c.source);
        const found = await findPage(db, keys);
        if (found) pageId = found.id;
        else {
          pageId = `urn:uuid:${crypto.randomUUID()}`;
          await db.pages.add({ id: pageId, url: keys.url, normalizedUrl: keys.normalizedUrl, aliases: [], title: c.title || c.source, createdAt: now, updatedAt: now });
          s.pages.added++;
        }
      }
      const exact = quoteOf({ target: { source: c.source, selector: c.selector } })!.exact;
      const same =
        (await db.annotations.get(c.id)) ??
        (await db.annotations.where('pageId').equals(pageId).filter((a) => quoteOf(a)?.exact === exact).first());
      if (same) {
        const tags = await ensureTags(db, [...same.body.tags, ...c.tags]);
        const note = same.body.note || c.note;
        if (tags.length !== same.body.tags.length || note !== same.body.note) {
          await db.annotations.update(same.id, { 'body.tags': tags, 'body.note': note, modified: now });
          s.claims.merged++;
        } else s.claims.skipped++;
        continue;
      }
      const annotation: Annotation = {
        id: c.id,
        pageId,
        target: { source: c.source, selector: c.selector },
        body: { tags: await ensureTags(db, c.tags), note: c.note, color: c.color },
        created: c.created,
        modified: c.modified,
        anchor: 'unknown',
      };
      await db.annotations.add(annotation);
      s.claims.added++;
    }
    s.tags.added = (await db.tags.count()) - tagsBefore;
    return s;
  });
}

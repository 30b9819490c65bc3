import type { SaqtaDB, PageRecord } from '../db';
import type { PageInfo } from '../messages';
import type { PageKeys } from '../url';
import { newId, nowIso } from '../annotation';

/**
 * The page record for any of these keys: same normalized URL (or a URL it was
 * met at before), same canonical URL, or same text fingerprint.
 */
export async function findPage(db: SaqtaDB, keys: PageKeys): Promise<PageRecord | undefined> {
  const byUrl =
    (await db.pages.where('normalizedUrl').equals(keys.normalizedUrl).first()) ??
    (await db.pages.where('aliases').equals(keys.normalizedUrl).first());
  if (byUrl) return byUrl;
  if (keys.normalizedCanonical) {
    const byCanonical =
      (await db.pages.where('normalizedCanonical').equals(keys.normalizedCanonical).first()) ??
      (await db.pages.where('normalizedUrl').equals(keys.normalizedCanonical).first());
    if (byCanonical) return byCanonical;
  }
  if (keys.fingerprint) {
    return db.pages.where('fingerprint').equals(keys.fingerprint).first();
  }
  return undefined;
}

/** Find the page or create it; remembers a new URL of a known page as an alias. */
export async function ensurePage(db: SaqtaDB, info: PageInfo): Promise<PageRecord> {
  return db.transaction('rw', db.pages, async () => {
    const found = await findPage(db, info.keys);
    if (found) {
      const patch: Partial<PageRecord> = {};
      if (found.normalizedUrl !== info.keys.normalizedUrl && !found.aliases.includes(info.keys.normalizedUrl)) {
        patch.aliases = [...found.aliases, info.keys.normalizedUrl];
      }
      if (!found.normalizedCanonical && info.keys.normalizedCanonical) {
        patch.canonicalUrl = info.keys.canonicalUrl;
        patch.normalizedCanonical = info.keys.normalizedCanonical;
      }
      if (!found.fingerprint && info.keys.fingerprint) patch.fingerprint = info.keys.fingerprint;
      if (Object.keys(patch).length) {
        patch.updatedAt = nowIso();
        await db.pages.update(found.id, patch);
        return { ...found, ...patch };
      }
      return found;
    }
    const now = nowIso();
    const page: PageRecord = {
      id: newId(),
      url: info.keys.url,
      normalizedUrl: info.keys.normalizedUrl,
      canonicalUrl: info.keys.canonicalUrl,
      normalizedCanonical: info.keys.normalizedCanonical,
      fingerprint: info.keys.fingerprint,
      aliases: [],
      title: info.title || info.keys.url,
      lang: info.lang,
      siteName: info.siteName,
      createdAt: now,
      updatedAt: now,
    };
    await db.pages.add(page);
    return page;
  });
}

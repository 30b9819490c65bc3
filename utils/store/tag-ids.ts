/**
 * Claims by tag name over the v60 `body.tagIds` index (./tag-id-core.ts,
 * docs/tag-ids.md), and the conversion of claims the upgrade left with names.
 */
import type { SaqtaDB } from '../db';
import { withSameText } from '../search/terms-middleware';
import { idsReadingAs, NAMED, tagMaps } from './tag-id-core';

/** Tag identity, as store/tags.ts. */
const keyOf = (name: string) => name.replace(/\s+/g, ' ').trim().slice(0, 100).toLocaleLowerCase();

/**
 * The claims holding any of these tags (by name; merged tags included), as a
 * collection of the `body.tagIds` index. Resolved from the tags table now.
 */
export async function claimsTagged(db: SaqtaDB, names: readonly string[]) {
  const ids = await tagIdsNamed(db, names);
  const c = db.annotations.where('body.tagIds').anyOf(ids);
  return ids.length > 1 ? c.distinct() : c;
}

/** The tag ids (merged ones too) that read as these names. */
async function tagIdsNamed(db: SaqtaDB, names: readonly string[]): Promise<string[]> {
  if (!names.length) return [];
  const maps = tagMaps(await db.tags.toArray());
  const out = new Set<string>();
  for (const n of names) {
    const t = maps.byKey.get(keyOf(n));
    if (t) for (const id of idsReadingAs(maps, t.id)) out.add(id);
  }
  return [...out];
}

/**
 * Claims the v60 upgrade left holding tag names (marked NAMED: sealed by the
 * lock then, so unreadable without its key): read (the lock opens them) and
 * written again, which stores ids. Chunks of CHUNK, each its own transaction;
 * interrupted, the next run finds what is left by the mark. Needs the lock
 * open when it is on (the background runs it after an unlock). Returns the
 * claims converted.
 */
export async function convertNamedTagClaims(db: SaqtaDB): Promise<number> {
  const CHUNK = 500;
  let done = 0;
  for (;;) {
    const ids = (await db.annotations.where('body.tagIds').equals(NAMED).limit(CHUNK).primaryKeys()) as string[];
    if (!ids.length) return done;
    done += await db.transaction('rw', db.annotations, db.tags, async () => {
      const rows = (await db.annotations.bulkGet(ids)).filter((a) => !!a);
      await db.annotations.bulkPut(rows.map((a) => withSameText(a!)));
      return rows.length;
    });
  }
}

/**
 * Tag housekeeping for the library: rename, merge, recolour, delete and
 * bulk-tag. Each runs in one transaction over tags and claims, so a claim
 * never points at a tag that is gone. Since v60 claims hold tag ids
 * (./tag-ids.ts): a rename or a merge writes tags rows only.
 */
import type { SaqtaDB } from '../db';
import { withSameText } from '../search/terms-middleware';
import { COLORS, nowIso, type Annotation, type Color } from '../annotation';
import { BadInput } from './annotations';
import { cleanTagName, ensureTags, tagKey } from './tags';
import { claimsTagged } from './tag-ids';
import { idsReadingAs, tagMaps } from './tag-id-core';
import type { TagRecord } from '../records';

/** Claims read and written per step: bounds memory when a tag is on most of 100,000 claims. */
const CHUNK = 2000;

/**
 * Set new tags on many claims in the current transaction: read them in
 * chunks (bulkGet), change them in memory and write them back with bulkPut,
 * marked as keeping their text (withSameText): since v50 a claim's search
 * terms are its quote and note only, in `claimTerms`, so a tag change writes
 * the claims alone and no term of the index. `change` returns the new tag
 * list, or null to leave a claim as it is. Returns the claims changed.
 */
async function rewriteTags(db: SaqtaDB, ids: string[], change: (a: Annotation) => string[] | null, touched?: Set<string>): Promise<number> {
  const now = nowIso();
  let changed = 0;
  for (let at = 0; at < ids.length; at += CHUNK) {
    const rows = (await db.annotations.bulkGet(ids.slice(at, at + CHUNK))).filter((a): a is Annotation => !!a);
    const out: Annotation[] = [];
    for (const a of rows) {
      const tags = change(a);
      if (!tags || tags.join('\u0000') === a.body.tags.join('\u0000')) continue;
      a.body = { ...a.body, tags };
      a.modified = now;
      out.push(withSameText(a));
      touched?.add(a.pageId);
    }
    await db.annotations.bulkPut(out);
    changed += out.length;
  }
  return changed;
}

/** Take tag `from` off every claim that has it (its id and the ids merged into it). Returns claims changed. */
async function untag(db: SaqtaDB, from: string): Promise<number> {
  const ids = (await (await claimsTagged(db, [from])).primaryKeys()) as string[];
  return rewriteTags(db, ids, (a) => a.body.tags.filter((t) => t !== from));
}

/** Claims holding a tag (its id and the ids merged into it): index keys only. */
async function holding(db: SaqtaDB, id: string): Promise<number> {
  const ids = idsReadingAs(tagMaps(await db.tags.toArray()), id);
  return ids.length === 1 ? db.annotations.where('body.tagIds').equals(id).count() : new Set(await db.annotations.where('body.tagIds').anyOf(ids).primaryKeys()).size;
}

/**
 * Tag `tag` goes into `target` (v60): its row stays as `{ id, name, mergedInto }`
 * without `key`, so claims holding its id read as `target` and no claim is
 * written; tags merged into it before follow. Returns the claims it was on.
 */
async function mergeInto(db: SaqtaDB, tag: TagRecord, target: TagRecord): Promise<number> {
  const claims = await holding(db, tag.id);
  await db.tags.put({ id: tag.id, name: tag.name, created: tag.created, mergedInto: target.id } as TagRecord);
  return claims;
}

/** Rename a tag (one tags row, v60); if the new name is another tag's, the two are merged. */
export async function renameTag(db: SaqtaDB, name: string, newName: string): Promise<{ claims: number; merged: boolean }> {
  const clean = cleanTagName(newName);
  if (!clean) throw new BadInput('A tag needs a name.');
  return db.transaction('rw', db.tags, db.annotations, async () => {
    const tag = await db.tags.where('key').equals(tagKey(name)).first();
    if (!tag) throw new BadInput('This tag no longer exists.');
    const other = await db.tags.where('key').equals(tagKey(clean)).first();
    if (other && other.id !== tag.id) return { claims: await mergeInto(db, tag, other), merged: true };
    await db.tags.update(tag.id, { name: clean, key: tagKey(clean) });
    return { claims: await holding(db, tag.id), merged: false };
  });
}

/** Merge several tags into one (created if needed). Returns the claims the merged tags were on. */
export async function mergeTags(db: SaqtaDB, names: string[], into: string): Promise<number> {
  return db.transaction('rw', db.tags, db.annotations, async () => {
    const [name] = await ensureTags(db, [into]);
    if (!name) throw new BadInput('A tag needs a name.');
    const target = (await db.tags.where('key').equals(tagKey(name)).first())!;
    let claims = 0;
    for (const n of names) {
      const tag = await db.tags.where('key').equals(tagKey(n)).first();
      if (!tag || tag.id === target.id) continue;
      claims += await mergeInto(db, tag, target);
    }
    return claims;
  });
}

export async function recolorTag(db: SaqtaDB, name: string, color: Color | null): Promise<void> {
  if (color !== null && !COLORS.includes(color)) throw new BadInput('Unknown colour.');
  await db.transaction('rw', db.tags, async () => {
    const tag = await db.tags.where('key').equals(tagKey(name)).first();
    if (!tag) throw new BadInput('This tag no longer exists.');
    await db.tags.update(tag.id, { color: color ?? undefined });
  });
}

/** Delete a tag and take it off every claim. */
export async function deleteTag(db: SaqtaDB, name: string): Promise<number> {
  return db.transaction('rw', db.tags, db.annotations, async () => {
    const tag = await db.tags.where('key').equals(tagKey(name)).first();
    if (!tag) throw new BadInput('This tag no longer exists.');
    const claims = await untag(db, tag.name);
    const maps = tagMaps(await db.tags.toArray());
    // The tag and the tags merged into it.
    await db.tags.bulkDelete(idsReadingAs(maps, tag.id));
    return claims;
  });
}

/** Add and remove tags on many claims at once. Returns the page ids touched. */
export async function bulkTag(db: SaqtaDB, ids: string[], add: string[], remove: string[]): Promise<string[]> {
  if (ids.length > 200_000) throw new BadInput('Too many claims at once.');
  return db.transaction('rw', db.tags, db.annotations, async () => {
    const names = await ensureTags(db, add);
    const removeKeys = new Set(remove.map(tagKey));
    const pages = new Set<string>();
    await rewriteTags(db, [...new Set(ids)], (a) => {
      const tags = a.body.tags.filter((t) => !removeKeys.has(tagKey(t)));
      for (const n of names) if (!tags.includes(n)) tags.push(n);
      return tags;
    }, pages);
    return [...pages];
  });
}

/**
 * Tag housekeeping for the library: rename, merge, recolour, delete and
 * bulk-tag. Each runs in one transaction over tags and claims, so a claim
 * never points at a tag that is gone.
 */
import type { SaqtaDB } from '../db';
import { withSameText } from '../search/terms-middleware';
import { COLORS, nowIso, type Annotation, type Color } from '../annotation';
import { BadInput } from './annotations';
import { cleanTagName, ensureTags, tagKey } from './tags';

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

/** Replace tag `from` by `to` in every claim that has it (to = null removes it). Returns claims changed. */
async function retag(db: SaqtaDB, from: string, to: string | null): Promise<number> {
  const ids = (await db.annotations.where('body.tags').equals(from).primaryKeys()) as string[];
  return rewriteTags(db, ids, (a) => {
    const tags = a.body.tags.filter((t) => t !== from);
    if (to && !tags.includes(to)) tags.splice(a.body.tags.indexOf(from), 0, to);
    return tags;
  });
}

/** Rename a tag; if the new name is another tag's, the two are merged. */
export async function renameTag(db: SaqtaDB, name: string, newName: string): Promise<{ claims: number; merged: boolean }> {
  const clean = cleanTagName(newName);
  if (!clean) throw new BadInput('A tag needs a name.');
  return db.transaction('rw', db.tags, db.annotations, async () => {
    const tag = await db.tags.where('key').equals(tagKey(name)).first();
    if (!tag) throw new BadInput('This tag no longer exists.');
    const other = await db.tags.where('key').equals(tagKey(clean)).first();
    if (other && other.id !== tag.id) {
      const claims = await retag(db, tag.name, other.name);
      await db.tags.delete(tag.id);
      return { claims, merged: true };
    }
    await db.tags.update(tag.id, { name: clean, key: tagKey(clean) });
    return { claims: await retag(db, tag.name, clean), merged: false };
  });
}

/** Merge several tags into one (created if needed). */
export async function mergeTags(db: SaqtaDB, names: string[], into: string): Promise<number> {
  return db.transaction('rw', db.tags, db.annotations, async () => {
    const [target] = await ensureTags(db, [into]);
    if (!target) throw new BadInput('A tag needs a name.');
    let claims = 0;
    for (const n of names) {
      const tag = await db.tags.where('key').equals(tagKey(n)).first();
      if (!tag || tag.name === target) continue;
      claims += await retag(db, tag.name, target);
      await db.tags.delete(tag.id);
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
    const claims = await retag(db, tag.name, null);
    await db.tags.delete(tag.id);
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

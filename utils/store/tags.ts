import type { SaqtaDB, TagRecord } from '../db';
import { newId, nowIso } from '../annotation';
import { idsReadingAs, tagMaps } from './tag-id-core';

/** Tag identity: trimmed, inner white space folded, case-folded. */
export function tagKey(name: string): string {
  return cleanTagName(name).toLocaleLowerCase();
}

export function cleanTagName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, 100);
}

/** Make sure each tag exists; returns the stored spelling of each (first spelling wins). */
export async function ensureTags(db: SaqtaDB, names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const raw of names) {
    const name = cleanTagName(raw);
    if (!name) continue;
    const key = tagKey(name);
    const existing = await db.tags.where('key').equals(key).first();
    if (existing) {
      if (!out.includes(existing.name)) out.push(existing.name);
      continue;
    }
    const tag: TagRecord = { id: newId(), name, key, created: nowIso() };
    await db.tags.add(tag);
    out.push(name);
  }
  return out;
}

export async function listTags(db: SaqtaDB): Promise<(TagRecord & { count: number })[]> {
  const rows = await db.tags.toArray();
  const maps = tagMaps(rows);
  // Live tags (v60: merged rows stay for the claims holding their ids); a tag's count takes in the tags merged into it.
  const counted = await Promise.all(
    rows.filter((t) => !t.mergedInto).map(async (t) => {
      const ids = idsReadingAs(maps, t.id);
      const count = ids.length === 1 ? await db.annotations.where('body.tagIds').equals(t.id).count() : new Set(await db.annotations.where('body.tagIds').anyOf(ids).primaryKeys()).size;
      return { ...t, count };
    }),
  );
  return counted.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

import type { SaqtaDB, TagRecord } from '../db';
import { newId, nowIso } from '../annotation';

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
  const tags = await db.tags.toArray();
  const counted = await Promise.all(
    tags.map(async (t) => ({ ...t, count: await db.annotations.where('body.tags').equals(t.name).count() })),
  );
  return counted.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

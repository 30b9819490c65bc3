/**
 * Claims read straight from IndexedDB (a check, not an act) hold tag ids since v60
 * (`body.tagIds`, docs/tag-ids.md); the app reads them as names. This gives the raw
 * rows their names the same way (utils/store/tag-id-core.ts), following merges.
 */
import { namesById } from '../../utils/store/tag-id-core';
import type { TagRecord } from '../../utils/records';

export function withTagNames<T extends { body: object }>(claims: T[], tags: TagRecord[]): (T & { body: { tags: string[] } })[] {
  const names = namesById(tags);
  return claims.map((a) => {
    const body = a.body as { tags?: string[]; tagIds?: string[] };
    const tagNames = body.tagIds ? [...new Set(body.tagIds.map((id) => names.get(id) ?? '').filter((n) => n))] : (body.tags ?? []);
    const { tagIds: _ids, ...rest } = body;
    return { ...a, body: { ...rest, tags: tagNames } } as T & { body: { tags: string[] } };
  });
}

/**
 * Claims read straight from IndexedDB (a check, not an act) hold tag ids since v60
 * (`body.tagIds`, docs/tag-ids.md); the app reads them as names. This gives the raw
 * rows their names as the database layer does (utils/store/tag-id-core.ts).
 */
import { claimsAsRead } from '../../utils/store/tag-id-core';
import type { TagRecord } from '../../utils/records';

export const withTagNames = <T extends { body: object }>(claims: T[], tags: TagRecord[]) =>
  claimsAsRead(tags, claims) as (T & { body: { tags: string[] } })[];

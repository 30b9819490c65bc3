/** Background handlers for the requests in `LibraryApi` (utils/messages.ts). */
import { ok, type LibraryApi } from '../messages';
import type { HandlerSet } from './types';
import { bulkTag, deleteTag, mergeTags, recolorTag, renameTag } from '../store/tag-admin';

export const libraryHandlers: HandlerSet<LibraryApi> = {
  async 'tags.rename'(req, { db, broadcast }) {
    const res = await renameTag(db, req.name, req.newName);
    broadcast({ event: 'tags.changed' });
    return ok(res);
  },
  async 'tags.merge'(req, { db, broadcast }) {
    const claims = await mergeTags(db, req.names ?? [], req.into);
    broadcast({ event: 'tags.changed' });
    return ok({ claims });
  },
  async 'tags.recolor'(req, { db, broadcast }) {
    await recolorTag(db, req.name, req.color);
    broadcast({ event: 'tags.changed' });
    return ok({});
  },
  async 'tags.delete'(req, { db, broadcast }) {
    const claims = await deleteTag(db, req.name);
    broadcast({ event: 'tags.changed' });
    return ok({ claims });
  },
  async 'annotations.bulkTag'(req, { db, broadcast }) {
    const pages = await bulkTag(db, req.ids ?? [], req.add ?? [], req.remove ?? []);
    for (const pageId of pages) broadcast({ event: 'annotations.changed', pageId });
    broadcast({ event: 'tags.changed' });
    return ok({ pages: pages.length });
  },
  async 'library.imported'(req, { broadcast }) {
    for (const pageId of (req.pageIds ?? []).slice(0, 10_000)) broadcast({ event: 'annotations.changed', pageId });
    broadcast({ event: 'tags.changed' });
    return ok({});
  },
};

/**
 * The background's request handler: one pure function from a request to a
 * Result, over the database and a few injected platform facts. No
 * `browser.*` here, so it is tested directly in Node (tests/unit/handle.test.ts);
 * entrypoints/background.ts only wires it to `runtime.onMessage`.
 */
import type { SaqtaDB } from '../db';
import { fail, ok, type CoreApi, type Request, type RequestType, type Result } from '../messages';
import { highlightHandlers } from './highlights';
import { saveHandlers } from './save';
import { libraryHandlers } from './library';
import { settingsHandlers } from './settings';
import { evidenceHandlers } from './evidence';
import { readOnlyClaim, teamHandlers } from './team';
import { findPage } from '../store/pages';
import { fingerprintOf } from '../anchoring/fingerprint';
import {
  annotationsOf,
  createAnnotation,
  deleteAnnotation,
  restoreAnnotation,
  setAnchorStates,
  updateAnnotation,
} from '../store/annotations';
import { listTags } from '../store/tags';
import { errorNames, errorResult } from './errors';
import { watchHandlers } from './watch';
import { admit, rememberAddress, type Caller } from './gate';
import { canChoose, shownCopy } from '../store/copy-choice';
export type { Caller } from './gate';
import { pdfHandlers } from './pdf';
import { lockHandlers, whileLocked } from './lock';
import { wipeHandlers } from './wipe';
import type { Handler, HandlerDeps, HandlerSet } from './types';
export type { Handler, HandlerDeps, HandlerSet } from './types';
export { errorResult } from './errors';
import type { PageView } from '../messages';
import type { PageRecord } from '../db';

type Handlers = { [K in RequestType]: Handler<K> };

async function viewOf(db: SaqtaDB, page: PageRecord | undefined): Promise<PageView> {
  if (!page) return { page: null, annotations: [], capture: null };
  const [annotations, capture] = await Promise.all([
    annotationsOf(db, page.id),
    // The reader's own newest copy unless they chose a colleague's; a colleague's (team sync) only when the reader has none (issue 23).
    db.captures.where('pageId').equals(page.id).toArray().then((c) => shownCopy(c, page.chosenCopy) ?? null),
  ]);
  return { page, annotations, capture };
}

const coreHandlers: HandlerSet<CoreApi> = {
  async ping(_req, { version }) {
    return ok({ version });
  },
  async 'page.get'(req, { db }) {
    if (!req.keys?.normalizedUrl) return fail('bad-request', 'The page has no URL.');
    let page = await findPage(db, req.keys);
    // The text fingerprint only when the URL and the canonical link find nothing (the content script sends its candidates every time).
    if (!page && !req.keys.fingerprint && Array.isArray(req.paragraphs)) {
      const fingerprint = fingerprintOf(req.paragraphs);
      if (fingerprint) page = await findPage(db, { ...req.keys, fingerprint });
    }
    return ok(await viewOf(db, page));
  },
  async 'page.byId'(req, { db }) {
    const page = await db.pages.get(req.pageId);
    if (!page) return fail('not-found', 'This page is not in your library.');
    return ok(await viewOf(db, page));
  },
  async 'page.chooseCopy'(req, { db, broadcast }) {
    if (typeof req.pageId !== 'string' || (req.captureId !== null && typeof req.captureId !== 'string')) return fail('bad-request', 'Which page and copy?');
    const page = await db.pages.get(req.pageId);
    if (!page) return fail('not-found', 'This page is not in your library.');
    if (req.captureId !== null) {
      const copy = await db.captures.get(req.captureId);
      if (!copy || copy.pageId !== page.id) return fail('not-found', 'This copy is not one of this article’s.');
      // Only a colleague's copy is chosen; the reader's own newest is what "no choice" means.
      if (!canChoose(copy)) return fail('bad-request', 'This is your own copy: your newest copy is used unless you choose a colleague’s.');
    }
    // Not an edit of the article: updatedAt stays, and nothing here is published to the team.
    await db.pages.update(page.id, { chosenCopy: req.captureId ?? undefined });
    broadcast({ event: 'copy.chosen', pageId: page.id });
    return ok(await viewOf(db, await db.pages.get(page.id)));
  },
  async 'annotation.create'(req, { db, broadcast }) {
    if (!req.page?.keys?.normalizedUrl) return fail('bad-request', 'The page has no URL.');
    const value = await createAnnotation(db, req.page, req.selector, req.body);
    broadcast({ event: 'annotations.changed', pageId: value.page.id }, { claim: value.annotation });
    return ok(value);
  },
  async 'annotation.update'(req, deps) {
    const { db, broadcast } = deps;
    if (await readOnlyClaim(deps, req.id)) return fail('bad-request', 'This is a colleague’s claim: copy it as yours to change it.');
    const annotation = await updateAnnotation(db, req.id, req.body ?? {});
    if (!annotation) return fail('not-found', 'This claim no longer exists.');
    broadcast({ event: 'annotations.changed', pageId: annotation.pageId }, { claim: annotation });
    if (req.body?.tags) broadcast({ event: 'tags.changed' }, { claim: annotation });
    return ok({ annotation });
  },
  async 'annotation.anchorStates'(req, { db }) {
    return ok({ changed: await setAnchorStates(db, req.states ?? {}) });
  },
  async 'annotation.delete'(req, deps) {
    const { db, broadcast } = deps;
    if (await readOnlyClaim(deps, req.id)) return fail('bad-request', 'This is a colleague’s claim: it stays until they delete it.');
    const annotation = await deleteAnnotation(db, req.id);
    if (!annotation) return fail('not-found', 'This claim no longer exists.');
    broadcast({ event: 'annotations.changed', pageId: annotation.pageId }, { claim: annotation, deleted: true });
    return ok({ annotation });
  },
  async 'annotation.restore'(req, { db, broadcast }) {
    const annotation = await restoreAnnotation(db, req.annotation);
    broadcast({ event: 'annotations.changed', pageId: annotation.pageId }, { claim: annotation });
    return ok({ annotation });
  },
  async 'library.pages'(req, { db }) {
    const limit = Math.min(Math.max(1, req.limit | 0 || 50), 500);
    const offset = Math.max(0, req.offset | 0);
    const [total, pages] = await Promise.all([
      db.pages.count(),
      db.pages.orderBy('updatedAt').reverse().offset(offset).limit(limit).toArray(),
    ]);
    const withCounts = await Promise.all(
      pages.map(async (p) => ({ ...p, claimCount: await db.annotations.where('pageId').equals(p.id).count() })),
    );
    return ok({ pages: withCounts, total });
  },
  async 'tags.list'(_req, { db }) {
    return ok({ tags: await listTags(db) });
  },
  async 'storage.status'(_req, deps) {
    return ok(await deps.storageStatus());
  },
};

const handlers: Handlers = {
  ...coreHandlers,
  ...highlightHandlers,
  ...saveHandlers,
  ...libraryHandlers,
  ...settingsHandlers,
  ...evidenceHandlers,
  ...teamHandlers,
  ...watchHandlers,
  ...pdfHandlers,
  ...lockHandlers,
  ...wipeHandlers,
};

/** Saqta's own pages, and the background's own calls. */
const SAQTA: Caller = { kind: 'extension' };

/**
 * Answer one request. `caller` is who sent it (utils/background/gate.ts): a content script gets
 * only the allowlist of utils/messages.ts `SENDERS`, for its own tab and page.
 */
export async function handle(msg: unknown, deps: HandlerDeps, caller: Caller = SAQTA): Promise<Result<unknown>> {
  if (typeof msg !== 'object' || msg === null || typeof (msg as { type?: unknown }).type !== 'string') {
    return fail('bad-request', 'A request must be an object with a type.');
  }
  const type = (msg as { type: string }).type;
  if (!Object.hasOwn(handlers, type)) return fail('unknown-type', `Unknown request type: ${type}`);
  try {
    const admitted = await admit(msg as Request, caller, deps.db);
    if (!admitted.ok) return admitted.result;
    const locked = whileLocked(type, deps);
    if (locked) return locked;
    const handler = handlers[type as RequestType] as (r: unknown, d: HandlerDeps) => Promise<Result<unknown>>;
    const res = await handler(admitted.msg, deps);
    if (res.ok && type === 'page.get') await rememberAddress(deps.db, caller, (res.value as PageView).page);
    return res;
  } catch (err) {
    // An aborted write: let IndexedDB finish aborting so its reason is known.
    if (errorNames(err).includes('AbortError')) await deps.db.settled?.();
    return errorResult(err, deps.db);
  }
}


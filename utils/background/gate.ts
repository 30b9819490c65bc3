/**
 * The background's one gate (issue 24): who may make which request.
 *
 * A content script lives in the same renderer process as the page it runs in, so a renderer
 * exploit on one site speaks with the content script's voice. Requests from content scripts
 * therefore get only the short allowlist declared in utils/messages.ts (`SENDERS`), each acting on
 * the sender's own tab and page: the tab comes from `sender.tab`, never the request, and a page or
 * claim named in the request must belong to the sender's URL. Everything else is answered only to
 * Saqta's own pages, recognised by the origin of `sender.url`.
 *
 * Pure (no `browser.*`): entrypoints/background.ts turns the runtime's sender into a `Caller`
 * with `callerOf` and `handle` (handle.ts) calls `admit` before any handler runs.
 */
import type { SaqtaDB, PageRecord } from '../db';
import { fail, SENDERS, type Request, type RequestType, type Result } from '../messages';
import { normalizeUrl } from '../url';

export type Caller =
  /** Saqta's own page (popup, side panel, library, options, reader), or the background itself. */
  | { kind: 'extension' }
  /** A content script (or the highlighter/capture script injected beside it) in a web page. */
  | { kind: 'content'; tabId: number; frameId: number; url: string };

/** The parts of `runtime.MessageSender` the gate reads. */
interface SenderFacts {
  id?: string;
  url?: string;
  frameId?: number;
  tab?: { id?: number; url?: string };
}

/**
 * Who sent a message: Saqta's own page when `sender.url`'s origin is the extension's, a content
 * script when it comes from a tab's http(s) page; anyone else (another extension, a page without
 * a tab, a URL that does not parse) gets nothing (null).
 */
export function callerOf(sender: SenderFacts, extensionId: string, extensionOrigin: string): Caller | null {
  if (sender.id !== extensionId || typeof sender.url !== 'string') return null;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return null;
  }
  // scheme://host by hand: for chrome-extension: and moz-extension: some URL parsers give origin "null".
  if (`${url.protocol}//${url.host}` === extensionOrigin.replace(/\/+$/, '') && url.host !== '') return { kind: 'extension' };
  if (sender.tab?.id === undefined || !Number.isInteger(sender.tab.id) || sender.tab.id < 0) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { kind: 'content', tabId: sender.tab.id, frameId: sender.frameId ?? 0, url: sender.url };
}

/** Request types a content script may send (the allowlist of `SENDERS`). */
export const CONTENT_TYPES: readonly RequestType[] = (Object.keys(SENDERS) as RequestType[]).filter((t) => SENDERS[t] === 'content');

const refuse = (what: string): Result<never> => fail('forbidden', what);

/**
 * The host (and port) of a normalized address. The boundary is the sender's origin, not its exact
 * address: a renderer holds every document of its site (it can load any of them), and Chrome's
 * `sender.url` keeps the document's first address after the page's own `history.pushState`, so an
 * exact match would refuse a single-page site its own stories.
 */
const hostOf = (normalized: string | undefined): string | null => (typeof normalized === 'string' && normalized ? normalized.split(/[/?]/)[0] : null);

/** Does this page record belong to the sender's origin (its URL, a URL it was met at, or its canonical link)? */
function pageIsAt(page: PageRecord | undefined, normalized: string): boolean {
  const host = hostOf(normalized);
  return !!page && !!host && [page.normalizedUrl, ...page.aliases, page.normalizedCanonical].some((k) => hostOf(k) === host);
}

async function ownsPage(db: SaqtaDB, pageId: unknown, normalized: string): Promise<boolean> {
  return typeof pageId === 'string' && pageIsAt(await db.pages.get(pageId), normalized);
}

async function ownsClaim(db: SaqtaDB, id: unknown, normalized: string): Promise<boolean> {
  if (typeof id !== 'string') return false;
  const a = await db.annotations.get(id);
  return !!a && (await ownsPage(db, a.pageId, normalized));
}

/**
 * The request as it may run for this caller (tab and frame filled in from the sender), or the
 * refusal. Extension pages pass unchanged.
 */
export async function admit(msg: Request, caller: Caller, db: SaqtaDB): Promise<{ ok: true; msg: Request } | { ok: false; result: Result<never> }> {
  if (caller.kind === 'extension') return { ok: true, msg };
  const type = msg.type;
  const no = (why: string) => ({ ok: false as const, result: refuse(why) });
  if (SENDERS[type] !== 'content') return no(`Only Saqta’s own pages may ask for “${type}”.`);
  let here: string;
  try {
    here = normalizeUrl(caller.url);
  } catch {
    return no('This page has no address Saqta can use.');
  }
  const notHere = () => no('A page may only act on its own claims.');
  switch (msg.type) {
    case 'ping':
    case 'tags.list':
    case 'lock.offer':
    case 'lock.openUnlock':
      return { ok: true, msg };
    case 'page.get':
      if (hostOf(msg.keys?.normalizedUrl) !== hostOf(here)) return no('A page may only ask about its own site.');
      return { ok: true, msg };
    case 'annotation.create':
      if (hostOf(msg.page?.keys?.normalizedUrl) !== hostOf(here)) return no('A page may only make claims on its own site.');
      return { ok: true, msg };
    case 'annotation.update':
    case 'annotation.delete':
    case 'team.copyClaim':
      return (await ownsClaim(db, msg.id, here)) ? { ok: true, msg } : notHere();
    case 'annotation.restore': {
      const a = msg.annotation;
      if (!a || typeof a !== 'object' || !(await ownsPage(db, a.pageId, here))) return notHere();
      const existing = typeof a.id === 'string' ? await db.annotations.get(a.id) : undefined;
      if (existing && existing.pageId !== a.pageId) return notHere();
      return { ok: true, msg };
    }
    case 'annotation.anchorStates': {
      const states: Record<string, unknown> = {};
      for (const [id, state] of Object.entries(msg.states ?? {})) {
        if (await ownsClaim(db, id, here)) states[id] = state;
      }
      return { ok: true, msg: { ...msg, states } as Request };
    }
    case 'highlight.loadUi':
      return { ok: true, msg: { ...msg, tabId: caller.tabId, frameId: caller.frameId } };
    case 'save.page':
      // The sender's own tab, whatever the request says; only the top frame saves its tab.
      if (caller.frameId !== 0) return no('Only the page itself may ask to save its tab.');
      return { ok: true, msg: { ...msg, tabId: caller.tabId } };
    case 'watch.revisit':
      if (caller.frameId !== 0 || !(await ownsPage(db, msg.pageId, here))) return no('A page may only ask about its own saved copy.');
      return { ok: true, msg: { ...msg, tabId: caller.tabId } };
    default:
      return no(`Only Saqta’s own pages may ask for “${type}”.`);
  }
}

/** After `page.get` from a content script found its page by canonical link or text fingerprint: remember the sender's URL, so its claims can be edited from here. */
export async function rememberAddress(db: SaqtaDB, caller: Caller, page: PageRecord | null | undefined): Promise<void> {
  if (caller.kind !== 'content' || !page) return;
  let here: string;
  try {
    here = normalizeUrl(caller.url);
  } catch {
    return;
  }
  if (pageIsAt(page, here)) return;
  await db.transaction('rw', db.pages, async () => {
    const now = await db.pages.get(page.id);
    if (now && !pageIsAt(now, here)) await db.pages.update(page.id, { aliases: [...now.aliases, here] });
  });
}

/**
 * Broadcasts as deltas (issue 26): what an event means for a view of one
 * page's claims (the side panel and popup, components/useActivePage.ts).
 * Pure: the hook does the requests this says are needed.
 */
import type { Annotation } from './annotation';
import type { Event, PageView } from './messages';

/**
 * What a view of `pageId` (null: the page has no record yet) must do about an event:
 * - `claim`: put this claim in place (or take it out), no request;
 * - `view`: read the page's claims and capture again (one request);
 * - `anchors`: ask the tab where the claims landed (one request);
 * - `none`: the event is about something else.
 */
type ViewNeed = { kind: 'claim'; claim: Annotation; deleted: boolean } | { kind: 'view' } | { kind: 'anchors' } | { kind: 'none' };

export function viewNeed(e: Event, pageId: string | null): ViewNeed {
  const mine = 'pageId' in e && (pageId === null || e.pageId === pageId);
  switch (e.event) {
    case 'annotations.changed':
      if (e.claim && pageId !== null && e.pageId === pageId && e.claim.pageId === pageId) return { kind: 'claim', claim: e.claim, deleted: !!e.deleted };
      return mine ? { kind: 'view' } : { kind: 'none' };
    case 'anchors.changed':
      return e.pageId === null || mine ? { kind: 'anchors' } : { kind: 'none' };
    case 'tags.changed':
      // A claim's own edit (its delta came with annotations.changed), or a rename, merge or deletion of a tag.
      return e.claim ? { kind: 'none' } : { kind: 'view' };
    case 'page.saved':
    case 'capture.stamped':
    case 'capture.screenshot':
    case 'copy.chosen': // the copy the view shows is another one now
      return mine ? { kind: 'view' } : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

/**
 * The view with one claim put in place: a newer copy replaces an older one where it was, a new (or restored) one
 * goes in order of creation as the background lists them; a deleted one goes.
 */
export function withClaim(view: PageView, claim: Annotation, deleted: boolean): PageView {
  const at = view.annotations.findIndex((a) => a.id === claim.id);
  if (deleted) return at < 0 ? view : { ...view, annotations: view.annotations.filter((a) => a.id !== claim.id) };
  if (at < 0) {
    const annotations = view.annotations.slice();
    const before = annotations.findIndex((a) => a.created > claim.created);
    annotations.splice(before < 0 ? annotations.length : before, 0, claim);
    return { ...view, annotations };
  }
  if (view.annotations[at]!.modified > claim.modified) return view; // an older copy arrived late
  const annotations = view.annotations.slice();
  annotations[at] = claim;
  return { ...view, annotations };
}

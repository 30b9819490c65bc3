/** Broadcasts as deltas (issue 26): what an event costs a view of one page's claims (utils/view-delta.ts). */
import { describe, expect, it } from 'vitest';
import { viewNeed, withClaim } from '../../utils/view-delta';
import type { Annotation } from '../../utils/annotation';
import type { PageView } from '../../utils/messages';

const claim = (id: string, created: string, modified = created, pageId = 'p1'): Annotation =>
  ({ id, pageId, created, modified, body: { color: 'yellow', tags: [], note: '' }, target: { source: 'https://a.kz/', selector: [] } }) as unknown as Annotation;
const view = (...annotations: Annotation[]): PageView => ({ page: { id: 'p1' } as PageView['page'], annotations, capture: null });

describe('side panel deltas', () => {
  it('a claim of the shown page is put in place without a request; other pages cost nothing', () => {
    const c = claim('a', '2026-01-01');
    expect(viewNeed({ event: 'annotations.changed', pageId: 'p1', claim: c }, 'p1')).toEqual({ kind: 'claim', claim: c, deleted: false });
    expect(viewNeed({ event: 'annotations.changed', pageId: 'p1', claim: c, deleted: true }, 'p1')).toEqual({ kind: 'claim', claim: c, deleted: true });
    expect(viewNeed({ event: 'annotations.changed', pageId: 'p2', claim: claim('b', '2026-01-01', undefined, 'p2') }, 'p1')).toEqual({ kind: 'none' });
    expect(viewNeed({ event: 'annotations.changed', pageId: 'p2' }, 'p1')).toEqual({ kind: 'none' });
    // Without the claim (a bulk change, a sync), or for a page not in the library yet: the claims only.
    expect(viewNeed({ event: 'annotations.changed', pageId: 'p1' }, 'p1')).toEqual({ kind: 'view' });
    expect(viewNeed({ event: 'annotations.changed', pageId: 'p9', claim: claim('x', '2026-01-01', undefined, 'p9') }, null)).toEqual({ kind: 'view' });
    // A claim whose page is not the one named is not trusted into the view.
    expect(viewNeed({ event: 'annotations.changed', pageId: 'p1', claim: claim('y', '2026-01-01', undefined, 'p2') }, 'p1')).toEqual({ kind: 'view' });
  });

  it('anchoring changes ask the tab only; saves and tags read the claims; the rest costs nothing', () => {
    expect(viewNeed({ event: 'anchors.changed', pageId: 'p1' }, 'p1')).toEqual({ kind: 'anchors' });
    expect(viewNeed({ event: 'anchors.changed', pageId: null }, 'p1')).toEqual({ kind: 'anchors' });
    expect(viewNeed({ event: 'anchors.changed', pageId: 'p2' }, 'p1')).toEqual({ kind: 'none' });
    expect(viewNeed({ event: 'tags.changed' }, 'p1')).toEqual({ kind: 'view' });
    expect(viewNeed({ event: 'tags.changed', claim: claim('a', '2026-01-01') }, 'p1')).toEqual({ kind: 'none' });
    expect(viewNeed({ event: 'page.saved', pageId: 'p1' }, 'p1')).toEqual({ kind: 'view' });
    expect(viewNeed({ event: 'page.saved', pageId: 'p2' }, 'p1')).toEqual({ kind: 'none' });
    expect(viewNeed({ event: 'watch.changed', pageId: 'p1' }, 'p1')).toEqual({ kind: 'none' });
  });

  it('puts a new claim in order of creation, replaces an older copy in place, ignores a late older copy, removes a deleted one', () => {
    const a = claim('a', '2026-01-01'), c = claim('c', '2026-01-03');
    let v = view(a, c);
    v = withClaim(v, claim('b', '2026-01-02'), false);
    expect(v.annotations.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    v = withClaim(v, claim('d', '2026-01-04'), false);
    expect(v.annotations.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd']);
    const a2 = claim('a', '2026-01-01', '2026-02-01');
    v = withClaim(v, a2, false);
    expect(v.annotations[0]).toBe(a2);
    expect(withClaim(v, a, false).annotations[0]).toBe(a2);
    v = withClaim(v, claim('c', '2026-01-03'), true);
    expect(v.annotations.map((x) => x.id)).toEqual(['a', 'b', 'd']);
    expect(withClaim(v, claim('zz', '2026-01-05'), true)).toBe(v);
  });
});

// @vitest-environment jsdom
/**
 * The highlighter's anchoring controller owns its state (issue 26): the page's
 * identity, the claims and what the background last heard of their anchoring
 * change only through its methods, so the toolbar and the bulk path cannot
 * write it in two different sequences.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { anchorInMap, buildTextMap, describe as describeRange } from '../../utils/anchoring';
import type { Annotation, Selector } from '../../utils/annotation';
import type { PageView } from '../../utils/messages';
import type { PageRecord } from '../../utils/db';
import { AnchorController, type PageSource } from '../../components/highlighter/anchors';

// jsdom has no ResizeObserver; the controller only needs it to exist.
globalThis.ResizeObserver ??= class {
  observe() {}
  disconnect() {}
  unobserve() {}
} as unknown as typeof ResizeObserver;

const page = { id: 'page-1', title: 'An article' } as PageRecord;

function claimOn(root: HTMLElement, text: string, id: string): { annotation: Annotation; selector: Selector[] } {
  const map = buildTextMap(root);
  const start = map.text.indexOf(text);
  const selector = describeRange(map, map.range(start, start + text.length));
  const annotation: Annotation = {
    id,
    pageId: page.id,
    target: { source: 'https://example.test/a', selector } as Annotation['target'],
    body: { tags: [], note: '', color: 'yellow' },
    created: '2026-12-05T04:00:00.000Z',
    modified: '2026-12-05T04:00:00.000Z',
    anchor: 'anchored',
  };
  return { annotation, selector };
}

function setup() {
  document.body.innerHTML = '<article><p>The river rose by two metres overnight.</p><p>Roads to the north were closed.</p></article>';
  const root = document.querySelector('article') as HTMLElement;
  let view: PageView = { page: null, capture: null, annotations: [] } as unknown as PageView;
  const source: PageSource = {
    root: () => root,
    pageInfo: () => ({ keys: { url: 'https://example.test/a' } as never, title: 'An article' }),
    view: async () => view,
  };
  const paints = { n: 0 };
  const ctrl = new AnchorController({ paint: () => void paints.n++, schedulePaint: () => undefined, synced: () => undefined }, source);
  return { root, ctrl, paints, setView: (v: Partial<PageView>) => (view = { ...view, ...v } as PageView) };
}

/** The anchor states the controller sent to the background. */
function reports(spy: { mock: { calls: unknown[][] } }): Record<string, string>[] {
  return spy.mock.calls
    .map((c) => c[0] as { type: string; states?: Record<string, string> })
    .filter((m) => m.type === 'annotation.anchorStates')
    .map((m) => m.states!);
}

describe('AnchorController owns its state', () => {
  let sent: { mock: { calls: unknown[][] } };
  beforeEach(() => {
    sent = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({ ok: true, value: {} });
  });

  it('others read the page and the claims but cannot write them', () => {
    const { ctrl } = setup();
    expect(() => {
      // @ts-expect-error pageId is read-only outside the controller
      ctrl.pageId = 'elsewhere';
    }).toThrow(TypeError);
    expect(() => {
      // @ts-expect-error page is read-only outside the controller
      ctrl.page = page;
    }).toThrow(TypeError);
    // @ts-expect-error the claims are a read-only map
    expect(ctrl.claims.set).toBeTypeOf('function'); // (the same Map at run time: the type keeps writers out)
    expect(ctrl.pageId).toBeNull();
  });

  it('adopt: a claim just made is held under its page, anchored where it was made, and not reported again', async () => {
    const { root, ctrl, setView } = setup();
    const { annotation, selector } = claimOn(root, 'rose by two metres', 'urn:uuid:a');
    ctrl.adopt({ annotation, page }, anchorInMap(buildTextMap(root), selector));
    expect(ctrl.pageId).toBe('page-1');
    expect(ctrl.page).toBe(page);
    expect(ctrl.claims.get(annotation.id)?.hit).not.toBeNull();
    // The background's next answer has the same claim: nothing new to tell it.
    setView({ page, annotations: [annotation] });
    await ctrl.reload(false);
    expect(ctrl.claims.get(annotation.id)?.hit).not.toBeNull();
    expect(reports(sent)).toEqual([]);
  });

  it('adopt watches the page: a claim whose text the page then drops is reported an orphan, once', async () => {
    const { root, ctrl } = setup();
    const { annotation } = claimOn(root, 'Roads to the north', 'urn:uuid:b');
    ctrl.adopt({ annotation, page }, null);
    root.lastElementChild!.remove(); // the page drops the text: the controller re-anchors after a quiet moment
    await new Promise((done) => setTimeout(done, 500));
    root.append(document.createElement('p'));
    await new Promise((done) => setTimeout(done, 500));
    expect(reports(sent)).toEqual([{ 'urn:uuid:b': 'orphan' }]);
    ctrl.stop();
  });

  it('revise, forget and restore change the held claims; restore anchors the claim again and paints', () => {
    const { root, ctrl, paints } = setup();
    const { annotation, selector } = claimOn(root, 'two metres', 'urn:uuid:c');
    ctrl.adopt({ annotation, page }, anchorInMap(buildTextMap(root), selector));
    const newer = { ...annotation, body: { ...annotation.body, note: 'checked' }, modified: '2026-12-05T04:01:00.000Z' };
    expect(ctrl.revise(newer)?.a.body.note).toBe('checked');
    expect(ctrl.claims.get(annotation.id)?.a).toBe(newer);
    expect(ctrl.revise({ ...newer, id: 'urn:uuid:unknown' })).toBeUndefined();
    ctrl.forget(annotation.id);
    expect(ctrl.claims.has(annotation.id)).toBe(false);
    const before = paints.n;
    ctrl.restore(newer);
    expect(ctrl.claims.get(annotation.id)?.hit).not.toBeNull();
    expect(paints.n).toBeGreaterThan(before);
    ctrl.stop();
  });
});

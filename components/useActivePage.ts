import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { send, onEvent } from '../utils/ext/client';
import { sendTab, targetTab } from '../utils/ext/tabs';
import { pageKeys } from '../utils/url';
import { viewNeed, withClaim } from '../utils/view-delta';
import type { AnchorReport, PageView, TabStatus } from '../utils/messages';

type ActivePage =
  | { kind: 'loading' }
  | { kind: 'unsupported' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; tabId: number; status: TabStatus; view: PageView; report: AnchorReport | null };

type Ready = Extract<ActivePage, { kind: 'ready' }>;

/**
 * The active tab's page (or the one `?tab=ID` names), its claims, and where
 * the tab's content script placed them (document order, orphans). Live, by
 * deltas (utils/view-delta.ts): a claim that changed is put in place from the
 * event itself, an anchoring change asks the tab only, other changes of the
 * page read its claims only; a tab switch or load reads everything (the tab's
 * status, its anchors, the page). A slower, older answer never overwrites a
 * newer one. Used by the popup and the side panel.
 */
export function useActivePage(): ActivePage {
  const [state, setState] = useState<ActivePage>({ kind: 'loading' });
  const current = useRef<ActivePage>(state);
  /** Bumped by every full load: a partial answer from before it is dropped. */
  const seq = useRef(0);
  const loading = useRef(false);
  const viewSeq = useRef(0);
  const reportSeq = useRef(0);

  const set = useCallback((next: ActivePage) => {
    current.current = next;
    setState(next);
  }, []);
  /** Change the ready state, if it is still the one of this full load. */
  const update = useCallback(
    (mine: number, change: (s: Ready) => Ready) => {
      const s = current.current;
      if (mine !== seq.current || s.kind !== 'ready') return;
      set(change(s));
    },
    [set],
  );

  const load = useCallback(async () => {
    const mine = ++seq.current;
    loading.current = true;
    try {
      const tab = await targetTab();
      if (tab?.id === undefined) return mine === seq.current && set({ kind: 'unsupported' });
      const tabId = tab.id;
      const status = await sendTab(tabId, { command: 'status' });
      if (!status?.alive) return mine === seq.current && set({ kind: 'unsupported' });
      const report = await sendTab(tabId, { command: 'anchors' });
      // The content script knows the page even on a mirror found by text fingerprint.
      const res = report?.pageId
        ? await send('page.byId', { pageId: report.pageId })
        : await send('page.get', { keys: pageKeys(status.url, status.canonical) });
      if (mine !== seq.current) return;
      if (!res.ok) return set({ kind: 'error', message: res.error.message });
      set({ kind: 'ready', tabId, status, view: res.value, report });
    } finally {
      if (mine === seq.current) loading.current = false;
    }
  }, [set]);

  /** Read the page's claims and capture again (one request). */
  const reloadView = useCallback(
    async (pageId?: string | null) => {
      const s = current.current;
      if (s.kind !== 'ready') return void load();
      const mine = seq.current;
      const mineView = ++viewSeq.current;
      const id = pageId ?? s.view.page?.id ?? s.report?.pageId ?? null;
      const res = id ? await send('page.byId', { pageId: id }) : await send('page.get', { keys: pageKeys(s.status.url, s.status.canonical) });
      if (mineView !== viewSeq.current) return;
      if (!res.ok) return void load(); // the page went (deleted): start again
      update(mine, (r) => ({ ...r, view: res.value }));
    },
    [load, update],
  );

  /** Ask the tab where the claims landed (one request); the page's claims too when the tab found another page. */
  const reloadReport = useCallback(async () => {
    const s = current.current;
    if (s.kind !== 'ready') return void load();
    const mine = seq.current;
    const mineReport = ++reportSeq.current;
    const report = await sendTab(s.tabId, { command: 'anchors' });
    if (mineReport !== reportSeq.current) return;
    update(mine, (r) => ({ ...r, report }));
    if (report?.pageId && report.pageId !== s.view.page?.id) void reloadView(report.pageId);
  }, [load, reloadView, update]);

  useEffect(() => {
    void load();
    const stop = onEvent((e) => {
      const s = current.current;
      // Nothing shown yet, or a full load under way: (another) full load.
      if (s.kind !== 'ready' || loading.current) return void load();
      const need = viewNeed(e, s.view.page?.id ?? null);
      if (need.kind === 'claim') update(seq.current, (r) => ({ ...r, view: withClaim(r.view, need.claim, need.deleted) }));
      else if (need.kind === 'view') void reloadView();
      else if (need.kind === 'anchors') void reloadReport();
    });
    const onActivated = () => void load();
    const onUpdated = (_id: number, info: { status?: string }) => {
      if (info.status === 'complete') void load();
    };
    browser.tabs.onActivated.addListener(onActivated);
    browser.tabs.onUpdated.addListener(onUpdated);
    return () => {
      stop();
      browser.tabs.onActivated.removeListener(onActivated);
      browser.tabs.onUpdated.removeListener(onUpdated);
    };
  }, [load, reloadView, reloadReport, update]);

  return state;
}

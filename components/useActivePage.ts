import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { send, onEvent } from '../utils/ext/client';
import { targetTab } from '../utils/ext/tabs';
import { pageKeys } from '../utils/url';
import type { AnchorReport, PageView, TabStatus } from '../utils/messages';

type ActivePage =
  | { kind: 'loading' }
  | { kind: 'unsupported' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; tabId: number; status: TabStatus; view: PageView; report: AnchorReport | null };

/**
 * The active tab's page (or the one `?tab=ID` names), its claims, and where
 * the tab's content script placed them (document order, orphans). Live:
 * reloads on any claim change in any tab, on anchoring changes in this tab,
 * and on tab switches; a slower, older answer never overwrites a newer one.
 * Used by the popup and the side panel.
 */
export function useActivePage(): ActivePage {
  const [state, setState] = useState<ActivePage>({ kind: 'loading' });
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    const tab = await targetTab();
    if (tab?.id === undefined) return setState({ kind: 'unsupported' });
    const tabId = tab.id;
    const status = (await browser.tabs.sendMessage(tabId, { command: 'status' }).catch(() => null)) as TabStatus | null;
    if (!status?.alive) return setState({ kind: 'unsupported' });
    const report = (await browser.tabs.sendMessage(tabId, { command: 'anchors' }).catch(() => null)) as AnchorReport | null;
    // The content script knows the page even on a mirror found by text fingerprint.
    const res = report?.pageId
      ? await send('page.byId', { pageId: report.pageId })
      : await send('page.get', { keys: pageKeys(status.url, status.canonical) });
    if (mine !== seq.current) return;
    if (!res.ok) return setState({ kind: 'error', message: res.error.message });
    setState({ kind: 'ready', tabId, status, view: res.value, report });
  }, []);

  useEffect(() => {
    void load();
    const stop = onEvent(() => void load());
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
  }, [load]);

  return state;
}

import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { send, onEvent } from '../utils/ext/client';
import { pageKeys } from '../utils/url';
import { targetTab } from '../utils/ext/tabs';
import type { PageView, TabStatus } from '../utils/messages';

export type ActivePage =
  | { kind: 'loading' }
  | { kind: 'unsupported' }
  | { kind: 'ready'; tabId: number; status: TabStatus; view: PageView }
  | { kind: 'error'; message: string };

/** The page in the active tab and its claims, kept live as tabs and claims change. */
export function useActivePage(): ActivePage {
  const [state, setState] = useState<ActivePage>({ kind: 'loading' });

  const load = useCallback(async () => {
    const tab = await targetTab();
    if (tab?.id === undefined) return setState({ kind: 'unsupported' });
    const status = (await browser.tabs.sendMessage(tab.id, { command: 'status' }).catch(() => null)) as TabStatus | null;
    if (!status?.alive) return setState({ kind: 'unsupported' });
    const res = await send('page.get', { keys: pageKeys(status.url, status.canonical) });
    if (!res.ok) return setState({ kind: 'error', message: res.error.message });
    setState({ kind: 'ready', tabId: tab.id, status, view: res.value });
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

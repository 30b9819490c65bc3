/** Browser glue: which tab an extension view is about. */
import { browser, type Browser } from 'wxt/browser';
import type { TabAnswers, TabCommand } from '../messages';

/**
 * Send a command to a tab's content script and get its typed answer (`TabAnswers` in utils/messages.ts), or null
 * when no content script answers (a page Saqta cannot run in, a tab still loading, a closed tab).
 */
export async function sendTab<C extends TabCommand>(tabId: number, command: C): Promise<TabAnswers[C['command']] | null> {
  try {
    return ((await browser.tabs.sendMessage(tabId, command)) as TabAnswers[C['command']] | undefined) ?? null;
  } catch {
    return null;
  }
}

/**
 * The tab named by `?tab=ID` in the view's URL (a view opened for a given tab,
 * e.g. from the library or in tests), else the active tab of the last focused
 * window.
 */
export async function targetTab(): Promise<Browser.tabs.Tab | undefined> {
  const id = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(id) && id > 0) return browser.tabs.get(id).catch(() => undefined);
  const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return tab;
}

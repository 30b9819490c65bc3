/** Browser glue: which tab an extension view is about. */
import { browser, type Browser } from 'wxt/browser';

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

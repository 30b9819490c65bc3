/**
 * Browser glue for the blocked-site fallback: when a top-level navigation to a
 * page with a saved copy fails (DNS, refused, reset, timeout, TLS) or answers
 * HTTP 451, send the tab to blocked.html, which explains and opens the copy.
 */
import { browser } from 'wxt/browser';
import type { SaqtaDB } from '../db';
import { blockedQuery, blockedReason, blockedStatus, isWebUrl, type BlockReason } from '../blocked';
import { savedCopyFor } from '../store/captures';
import { pageKeys } from '../url';

export function watchBlockedSites(db: SaqtaDB): void {
  const offer = async (tabId: number, url: string, reason: BlockReason, error?: string) => {
    if (tabId < 0 || !isWebUrl(url)) return;
    const found = await savedCopyFor(db, pageKeys(url)).catch(() => null);
    if (!found) return;
    const target = browser.runtime.getURL(`/blocked.html?${blockedQuery({ pageId: found.page.id, reason, url, error })}` as '/blocked.html');
    await browser.tabs.update(tabId, { url: target }).catch(() => undefined);
  };

  browser.webNavigation.onErrorOccurred.addListener((d) => {
    if (d.frameId !== 0) return;
    const reason = blockedReason(d.error);
    if (reason) void offer(d.tabId, d.url, reason, d.error);
  });

  browser.webRequest?.onHeadersReceived.addListener(
    (d) => {
      const reason = blockedStatus(d.statusCode);
      if (reason) void offer(d.tabId, d.url, reason, `HTTP ${d.statusCode}`);
      return undefined;
    },
    { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] },
  );
}

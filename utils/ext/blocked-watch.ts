/**
 * Browser glue for the blocked-site fallback (docs/fallback.md): when a
 * top-level navigation to a page with a saved copy fails (DNS, refused,
 * reset, timeout, TLS) or answers HTTP 451, Saqta OFFERS the copy — the tab
 * keeps the browser's own error (or the site's answer), and the toolbar
 * badge, the popup and a notification say a copy is one click away. Only
 * with "Open my copy automatically" on (Settings) is the tab sent to
 * blocked.html, which a site can notice (its page and timed beacons stop).
 *
 * Every listener is added synchronously when the background starts (the
 * service worker's top level in Chrome, the event page in Firefox), so the
 * event itself wakes Saqta after a browser start; what the handlers need
 * (database, settings) is read inside them. A navigation that failed before
 * the background ran at all is picked up once at start (`catchUp`).
 */
import { browser } from 'wxt/browser';
import type { SaqtaDB } from '../db';
import {
  blockedQuery,
  blockedReason,
  blockedStatus,
  fallbackMode,
  isWebUrl,
  offerMatches,
  offerNotificationId,
  offerNotificationTab,
  offerStale,
  type BlockedOffer,
  type BlockReason,
} from '../blocked';
import { savedCopyFor } from '../store/captures';
import { pageKeys } from '../url';
import { t } from './i18n';
import { dropOffer, keepOffer, offerFor, openOffered, showOfferBadge, toolbarAction } from './blocked-offer';

interface BlockedWatchDeps {
  db: () => SaqtaDB;
  settings: () => Promise<{ openCopyAutomatically?: boolean }>;
}

/**
 * Firefox reports no `errorOccurred` for a frame: a web address whose document Saqta may not script
 * (with access to every site) or that is about:neterror is the browser's error page.
 */
async function showsErrorPage(tabId: number): Promise<boolean> {
  try {
    const [res] = await browser.scripting.executeScript({ target: { tabId }, func: () => document.documentURI });
    return typeof res?.result === 'string' && res.result.startsWith('about:neterror');
  } catch {
    return true;
  }
}

export function watchBlockedSites(deps: BlockedWatchDeps): { catchUp(): Promise<void> } {
  const meet = async (tabId: number, url: string, reason: BlockReason, at: number, error?: string) => {
    if (tabId < 0 || !isWebUrl(url)) return;
    const found = await savedCopyFor(deps.db(), pageKeys(url)).catch(() => null);
    if (!found) return;
    const settings = await deps.settings().catch(() => ({}));
    if (fallbackMode(settings) === 'open') {
      const target = browser.runtime.getURL(`/blocked.html?${blockedQuery({ pageId: found.page.id, reason, url, error })}` as '/blocked.html');
      const open = () => browser.tabs.update(tabId, { url: target }).catch(() => undefined);
      await open();
      // Firefox's error page is a navigation of its own after the failure: when it lands after Saqta's
      // page (a busy machine at start-up), it replaces it. Look again; a tab still on the failed
      // address gets the copy's page once more (one the reader took elsewhere is left alone).
      for (const ms of [700, 2000, 5000]) {
        setTimeout(() => void browser.tabs.get(tabId).then((tab) => (tab.url === url ? open() : undefined)).catch(() => undefined), ms);
      }
      return;
    }
    const offer: BlockedOffer = { tabId, url, pageId: found.page.id, title: found.page.title, reason, at, ...(error ? { error } : {}) };
    // The tab may have been closed while the copy was looked up.
    if (!(await browser.tabs.get(tabId).catch(() => null))) return;
    await keepOffer(offer);
    await showOfferBadge(tabId);
    // The browser resets a tab's badge when its error page (or the 451 page) commits, which can come
    // after this: set it again a little later while the offer still stands.
    for (const ms of [400, 1500, 4000]) {
      setTimeout(() => void offerFor(tabId).then((o) => (o && o.at === at && o.url === url ? showOfferBadge(tabId) : undefined)), ms);
    }
    let host = url;
    try {
      host = new URL(url).host;
    } catch {
      /* the address as it is */
    }
    await browser.notifications
      ?.create(offerNotificationId(tabId), {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title: t('blockedNoticeTitle', host),
        message: t('blockedNoticeMessage', found.page.title || url),
      })
      .catch(() => undefined);
  };

  // A load that failed before the page got anything: DNS, refused, reset, timeout, TLS.
  browser.webNavigation.onErrorOccurred.addListener((d) => {
    if (d.frameId !== 0) return;
    const reason = blockedReason(d.error);
    if (reason) void meet(d.tabId, d.url, reason, d.timeStamp ?? Date.now(), d.error);
  });

  // HTTP 451 (observe only: the site's answer is shown as it is). Any other answer from a site in a
  // tab with an older offer ends it: the site is back. (Not the start of a navigation: Firefox's own
  // error page is a navigation of its own after the failure, and a failed load may be retried.)
  browser.webRequest?.onHeadersReceived.addListener(
    (d) => {
      const reason = blockedStatus(d.statusCode);
      if (reason) void meet(d.tabId, d.url, reason, d.timeStamp ?? Date.now(), `HTTP ${d.statusCode}`);
      else if (d.tabId >= 0)
        void offerFor(d.tabId).then(async (offer) => {
          if (!offerStale(offer, d.timeStamp ?? Date.now())) return;
          await dropOffer(d.tabId);
          await toolbarAction()?.setBadgeText({ tabId: d.tabId, text: '' }).catch(() => undefined);
        });
      return undefined;
    },
    { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] },
  );

  // The site's 451 page commits after its headers were seen, and the browser then resets the tab's badge: set it again.
  const reapply = (d: { tabId: number; frameId: number; url: string }) => {
    if (d.frameId !== 0) return;
    void offerFor(d.tabId).then((offer) => (offerMatches(offer, d.url) ? showOfferBadge(d.tabId) : undefined));
  };
  browser.webNavigation.onCommitted.addListener(reapply);
  browser.webNavigation.onCompleted.addListener(reapply);
  // Firefox's error page sends no webNavigation event of its own but resets the badge as it loads.
  // Firefox tabs still loading when the background started (catchUp): met when they settle on an error page.
  const pending = new Set<number>();
  /** A tab from before the background ran, once it has settled: met if it shows the browser's error page. */
  const settle = async (tabId: number, url: string) => {
    if (!pending.has(tabId) || !isWebUrl(url)) return;
    if ((await offerFor(tabId)) !== null) return void pending.delete(tabId);
    // Firefox's error page is a navigation of its own after the failed one: a tab may complete first on
    // something else, so it stays pending (until the last look, below) rather than being judged once.
    if (!(await showsErrorPage(tabId)) || !pending.delete(tabId)) return;
    await meet(tabId, url, 'unreachable', Date.now());
  };
  browser.tabs.onUpdated.addListener((tabId, info, tab) => {
    if (info.status !== 'complete' || !tab.url) return;
    reapply({ tabId, frameId: 0, url: tab.url });
    void settle(tabId, tab.url);
  });
  /** The tab may have settled between the query and `pending.add` (its "complete" then went unheard): look again. */
  const recheck = (tabId: number) => {
    for (const ms of [0, 1000, 3000, 8000, 15000]) {
      setTimeout(
        () =>
          void browser.tabs
            .get(tabId)
            .then((tab) => (tab.status === 'complete' && tab.url ? settle(tabId, tab.url) : undefined))
            .catch(() => undefined)
            .finally(() => ms === 15000 && pending.delete(tabId)),
        ms,
      );
    }
  };

  browser.tabs.onRemoved.addListener((tabId) => void dropOffer(tabId));

  // A click on the notification opens the copy in the tab that failed.
  browser.notifications?.onClicked.addListener((id) => {
    const tabId = offerNotificationTab(id);
    if (tabId === null) return;
    void offerFor(tabId).then(async (offer) => {
      if (offer) await openOffered(tabId, offer.pageId);
      else await browser.notifications.clear(id);
    });
  });

  return {
    /**
     * At start: a tab whose first load failed before the background ran (the
     * browser opened a link as it started) is met as if its error had just come.
     */
    async catchUp() {
      const tabs = await browser.tabs.query({}).catch(() => []);
      for (const tab of tabs) {
        if (tab.id === undefined) continue;
        if ((await offerFor(tab.id)) !== null) continue;
        const web = !!tab.url && isWebUrl(tab.url);
        const frames = web ? await browser.webNavigation.getAllFrames({ tabId: tab.id }).catch(() => null) : null;
        const top = frames?.find((f) => f.frameId === 0) as { errorOccurred?: boolean } | undefined;
        if (web && (top?.errorOccurred === true || (top?.errorOccurred === undefined && tab.status === 'complete' && (await showsErrorPage(tab.id))))) {
          void meet(tab.id, tab.url!, 'unreachable', Date.now());
        } else if (!web || (top?.errorOccurred === undefined && tab.status !== 'complete')) {
          // Still loading, or not yet on the address the browser was started with (a first tab is
          // about:blank until its navigation commits, and that may fail before Saqta hears of it).
          pending.add(tab.id);
          recheck(tab.id);
        }
      }
    },
  };
}

/**
 * Browser glue: a blocked tab's offered copy (utils/ext/blocked-watch.ts sets
 * it; the popup and the notification open it). Kept in session storage, which
 * Chrome gives to extension pages only (not content scripts), and which ends
 * with the browser session. docs/fallback.md.
 */
import { browser } from 'wxt/browser';
import { offerKey, offerNotificationId, type BlockedOffer } from '../blocked';
import { t } from './i18n';

type Action = typeof browser.action;
export const toolbarAction = (): Action | undefined => browser.action ?? (browser as unknown as { browserAction?: Action }).browserAction;
const area = () => browser.storage.session;

export async function offerFor(tabId: number): Promise<BlockedOffer | null> {
  const key = offerKey(tabId);
  const got = (await area()?.get(key).catch(() => ({}))) as Record<string, BlockedOffer | undefined> | undefined;
  return got?.[key] ?? null;
}

export async function keepOffer(offer: BlockedOffer): Promise<void> {
  await area()?.set({ [offerKey(offer.tabId)]: offer });
}

export async function dropOffer(tabId: number): Promise<void> {
  await area()?.remove(offerKey(tabId)).catch(() => undefined);
  await browser.notifications?.clear(offerNotificationId(tabId)).catch(() => undefined);
}

/** The badge and tooltip of the tab's toolbar button say a copy is there (the browser resets both when the tab navigates). */
export async function showOfferBadge(tabId: number): Promise<void> {
  const a = toolbarAction();
  if (!a) return;
  // The tooltip and colour first: when the ↩ shows, its tooltip already says what it means.
  await a.setTitle({ tabId, title: t('blockedBadgeTitle') }).catch(() => undefined);
  await a.setBadgeBackgroundColor({ tabId, color: '#1d4ed8' }).catch(() => undefined);
  await a.setBadgeText({ tabId, text: '↩' }).catch(() => undefined);
}

function readerUrl(pageId: string): string {
  return browser.runtime.getURL(`/reader.html?page=${encodeURIComponent(pageId)}` as '/reader.html');
}

/** Open an offered copy in the tab that failed (or in a new tab when that one is gone). */
export async function openOffered(tabId: number, pageId: string): Promise<void> {
  const url = readerUrl(pageId);
  const tab = await browser.tabs.update(tabId, { url, active: true }).catch(() => null);
  if (!tab) await browser.tabs.create({ url });
  else if (tab.windowId !== undefined) await browser.windows?.update(tab.windowId, { focused: true }).catch(() => undefined);
  await dropOffer(tabId);
}

/**
 * The blocked-site fallback is offered, not forced (docs/fallback.md): the
 * tab keeps the browser's error (or the site's 451 page), and the reader
 * opens Saqta's popup for it, where "Open my saved copy" waits. The popup is
 * opened as a tab for the failed tab (`popup.html?tab=ID`), as the other
 * popup tests do: headless Chromium has no toolbar to click.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { Session } from './harness';

/**
 * The id of the tab showing `url` (an error page's Playwright URL is chrome-error://, the tab's is the
 * address), other than the tabs in `besides` (the reader may still have the live page open in another
 * tab, as in team.e2e.ts).
 */
export async function tabShowing(session: Session, url: string, besides: number[] = []): Promise<number> {
  const find = () =>
    session.worker.evaluate(async ([u, not]) => (await chrome.tabs.query({})).find((t) => t.url === u && !not.includes(t.id ?? -1))?.id ?? -1, [url, besides] as const);
  await expect.poll(find, { timeout: 15_000 }).toBeGreaterThan(0);
  return find();
}

/** Saqta's toolbar button for the tab, as the reader sees it: badge and tooltip. */
export async function toolbarOf(session: Session, tabId: number): Promise<{ badge: string; title: string }> {
  return session.worker.evaluate(async (id) => ({ badge: await chrome.action.getBadgeText({ tabId: id }), title: await chrome.action.getTitle({ tabId: id }) }), tabId);
}

/** Open the popup for the tab that failed to load `url` once Saqta offers its copy there (the ↩ badge). */
export async function popupWithOffer(session: Session, url: string, besides: number[] = []): Promise<Page> {
  const tabId = await tabShowing(session, url, besides);
  try {
    await expect.poll(async () => (await toolbarOf(session, tabId)).badge, { timeout: 15_000 }).toBe('↩');
  } catch (e) {
    console.log('DEBUG', tabId, JSON.stringify(await session.worker.evaluate(async () => ({ l: (await chrome.storage.local.get('debugFallback')).debugFallback, s: await chrome.storage.session.get(null) })), null, 1));
    throw e;
  }
  const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
  await popup.getByTestId('blocked-offer').waitFor({ timeout: 10_000 });
  return popup;
}

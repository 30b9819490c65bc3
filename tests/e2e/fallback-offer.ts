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

/** The id of the tab showing `url` (an error page's Playwright URL is chrome-error://, the tab's is the address). */
export async function tabShowing(session: Session, url: string): Promise<number> {
  const find = () => session.worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? -1, url);
  await expect.poll(find, { timeout: 15_000 }).toBeGreaterThan(0);
  return find();
}

/** Saqta's toolbar button for the tab, as the reader sees it: badge and tooltip. */
export async function toolbarOf(session: Session, tabId: number): Promise<{ badge: string; title: string }> {
  return session.worker.evaluate(async (id) => ({ badge: await chrome.action.getBadgeText({ tabId: id }), title: await chrome.action.getTitle({ tabId: id }) }), tabId);
}

/** Open the popup for the tab that failed to load `url` once Saqta offers its copy there (the ↩ badge). */
export async function popupWithOffer(session: Session, url: string): Promise<Page> {
  const tabId = await tabShowing(session, url);
  await expect.poll(async () => (await toolbarOf(session, tabId)).badge, { timeout: 15_000 }).toBe('↩');
  const popup = await session.openExtensionPage(`popup.html?tab=${tabId}`);
  await popup.getByTestId('blocked-offer').waitFor({ timeout: 10_000 });
  return popup;
}

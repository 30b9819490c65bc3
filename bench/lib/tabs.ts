/** Tabs of the extension's browser, seen from its service worker (the save and lock suites, bench/profile-lock.ts). */
import type { Worker } from 'playwright-core';

/** The tab id of the open page at `url`. */
export async function tabIdOf(worker: Worker, url: string): Promise<number> {
  return worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    const t = tabs.find((x) => x.url === u);
    if (t?.id === undefined) throw new Error(`no tab for ${u}`);
    return t.id;
  }, url);
}

/** Wait for the ✓ on the tab's toolbar badge (polled every 10 ms, as the E2E tests wait for it); the worker's clock then. */
export async function waitCheck(worker: Worker, tabId: number): Promise<number> {
  return worker.evaluate(async (id) => {
    const limit = Date.now() + 120_000;
    while ((await chrome.action.getBadgeText({ tabId: id })) !== '✓') {
      if (Date.now() > limit) throw new Error('no ✓ within 120 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return Date.now();
  }, tabId);
}

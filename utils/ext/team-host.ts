/**
 * Browser glue of team sync (the only team code that uses `browser.*`):
 * settings and status in extension storage, the periodic alarm, the
 * debounced sync after changes, and the browser's own words for a failed
 * request (webRequest.onErrorOccurred: net::ERR_CERT_…, ERR_NAME_NOT_RESOLVED…),
 * which `fetch` hides behind "Failed to fetch".
 */
import { browser } from 'wxt/browser';
import type { HandlerDeps, TeamHost } from '../background/types';
import { runTeamSync, teamSyncRunning } from '../background/team';
import { DEBOUNCE_MS, EMPTY_STATUS, emptyConfig, type TeamConfig } from '../team/config';
import type { Event } from '../messages';
import { cleanPartArticles } from '../team/clean';
import { cleanSavedHtml, type CleanResult } from '../extract/clean-html';
import { hasDom, offscreen } from './watch-bridge';
import { storageItems } from './storage-items';
import { sealedItem } from '../lock/sealed-item';
import { LOCK_KEYRING } from '../db';

const ALARM = 'team-sync';
const SOON = 'team-sync-soon';

export function teamHost(): TeamHost {
  // Sealed while the lock is on: the folder's address, user, app password and team passphrase (docs/lock.md).
  const configItem = sealedItem(storageItems.teamConfig, LOCK_KEYRING, 'team.config');
  const statusItem = storageItems.teamStatus;
  const netErrors = new Map<string, { error: string; at: number }>();
  try {
    browser.webRequest.onErrorOccurred.addListener(
      (d) => {
        if (d.tabId !== -1) return; // only the extension's own requests
        netErrors.set(d.url, { error: d.error, at: Date.now() });
        if (netErrors.size > 50) netErrors.delete(netErrors.keys().next().value as string);
      },
      { urls: ['<all_urls>'] },
    );
  } catch {
    /* no webRequest (tests): fetch's own error is used */
  }
  return {
    software: `Saqta ${browser.runtime.getManifest().version}`,
    async getConfig() {
      const c = await configItem.getValue();
      if (c) return { ...emptyConfig(c.memberId, c.salt), ...c };
      const fresh = emptyConfig();
      await configItem.setValue(fresh);
      return fresh;
    },
    setConfig: (c) => configItem.setValue(c),
    getStatus: async () => ({ ...EMPTY_STATUS, ...(await statusItem.getValue()) }),
    setStatus: (s) => statusItem.setValue({ ...s, running: false, progress: undefined }),
    lastNetError(url) {
      const e = netErrors.get(url);
      return e && Date.now() - e.at < 60_000 ? e.error : undefined;
    },
    scheduleChanged(c) {
      void schedule(c);
    },
    async clean(articles) {
      const win = globalThis as unknown as Window & typeof globalThis;
      // Firefox's event page has a DOM; Chrome's worker asks the offscreen document.
      await cleanPartArticles(articles, (kind, html) =>
        hasDom() ? Promise.resolve(cleanSavedHtml(kind, html, win)) : offscreen<CleanResult>({ op: 'clean', kind, html }),
      );
    },
  };
}

async function schedule(c: TeamConfig): Promise<void> {
  await browser.alarms.clear(ALARM);
  if (c.enabled && c.schedule.kind === 'interval') await browser.alarms.create(ALARM, { periodInMinutes: c.schedule.minutes });
  if (c.enabled && c.schedule.kind === 'change') await browser.alarms.create(ALARM, { periodInMinutes: 30 });
}

/**
 * Wire the schedule: alarms (they survive a stopped service worker), a
 * debounced sync after changes (with a one-minute alarm as a backstop if the
 * worker is stopped before the timer fires), and a sync at browser start.
 */
export function wireTeamSync(deps: HandlerDeps): { changed(e: Event): void } {
  const host = deps.team!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const syncIfOn = async (why: 'alarm' | 'change' | 'start') => {
    // Locked (docs/lock.md): sync waits for the next alarm or change after unlocking.
    if (deps.db.keyring.state === 'locked') return;
    const c = await host.getConfig();
    if (!c.enabled || (c.schedule.kind === 'manual' && why !== 'start')) return;
    if (c.schedule.kind === 'manual') return;
    await browser.alarms.clear(SOON);
    await runTeamSync(deps).catch(() => undefined);
  };
  browser.alarms.onAlarm.addListener((a) => {
    if (a.name === ALARM || a.name === SOON) void syncIfOn('alarm');
  });
  browser.runtime.onStartup.addListener(() => {
    void host.getConfig().then(schedule);
    void syncIfOn('start');
  });
  return {
    changed(e) {
      if (teamSyncRunning(deps)) return;
      if (e.event !== 'annotations.changed' && e.event !== 'page.saved' && e.event !== 'tags.changed') return;
      void host.getConfig().then((c) => {
        if (!c.enabled || c.schedule.kind !== 'change') return;
        void browser.alarms.create(SOON, { delayInMinutes: 1 });
        clearTimeout(timer);
        timer = setTimeout(() => void syncIfOn('change'), DEBOUNCE_MS);
      });
    },
  };
}

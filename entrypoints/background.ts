import { defineBackground } from 'wxt/utils/define-background';
import { browser } from 'wxt/browser';
import { getDb } from '../utils/db';
import { handle, type HandlerDeps } from '../utils/background/handle';
import { callerOf } from '../utils/background/gate';
import type { Event, TabCommand } from '../utils/messages';
import { storage } from 'wxt/utils/storage';
import { DEFAULT_SETTINGS, type Settings } from '../utils/backup';
import { captureBridge, showSaved } from '../utils/ext/capture-bridge';
import { watchBlockedSites } from '../utils/ext/blocked-watch';
import { evidenceDeps, STAMP_ALARM } from '../utils/ext/evidence';
import { captureSaved, runStamps } from '../utils/background/evidence';
import { teamHost, wireTeamSync } from '../utils/ext/team-host';
import { ALARM, openTimelineOnClick, scheduleWatch, watchBridge } from '../utils/ext/watch-bridge';
import { checkDue, DEFAULT_WATCH } from '../utils/background/watch';
import { clearChanged } from '../utils/store/watch';
import { settleInterrupted } from '../utils/store/captures';
import type { WatchSettings } from '../utils/messages';
import { wirePdfOpening } from '../utils/ext/pdf-open';

export default defineBackground({
  type: 'module',
  main() {
    // Saving: offer the saved copy when a site cannot be reached. First, and synchronously: the blocked
    // navigation itself must wake Saqta after a browser start (utils/ext/blocked-watch.ts, docs/fallback.md).
    const blocked = watchBlockedSites({
      db: () => getDb(),
      settings: async () => ({ ...DEFAULT_SETTINGS, ...(await storage.getItem<Settings>('local:settings')) }),
    });
    void blocked.catchUp().catch(() => undefined);

    const startedAt = new Date().toISOString();
    const db = getDb();

    const broadcastAll = (event: Event) => {
      // Extension pages (popup, side panel, library) …
      browser.runtime.sendMessage(event).catch(() => undefined);
      // … and content scripts in every tab.
      browser.tabs
        .query({})
        .then((tabs) => {
          for (const tab of tabs) {
            if (tab.id !== undefined) browser.tabs.sendMessage(tab.id, event).catch(() => undefined);
          }
        })
        .catch(() => undefined);
    };

    // Settings (backup reminder) in extension storage, not the database.
    const settingsItem = storage.defineItem<Settings>('local:settings', { fallback: DEFAULT_SETTINGS });
    const settings = {
      get: async () => ({ ...DEFAULT_SETTINGS, ...(await settingsItem.getValue()) }),
      async set(patch: Partial<Settings>) {
        const next = { ...(await settings.get()), ...patch };
        await settingsItem.setValue(next);
        return next;
      },
    };

    // Team sync hears every change (debounced sync on change; utils/ext/team-host.ts).
    let team: ReturnType<typeof wireTeamSync> | undefined;
    const broadcast = (event: Event) => {
      broadcastAll(event);
      team?.changed(event);
    };

    // Watching (opt-in): settings in extension storage, like the backup reminder's.
    const watchItem = storage.defineItem<WatchSettings>('local:watch', { fallback: DEFAULT_WATCH });
    const watchSettings = {
      get: async () => ({ ...DEFAULT_WATCH, ...(await watchItem.getValue()) }),
      async set(patch: Partial<WatchSettings>) {
        const next = { ...(await watchSettings.get()), ...patch };
        await watchItem.setValue(next);
        return next;
      },
    };

    const deps: HandlerDeps = {
      settings,
      db,
      version: browser.runtime.getManifest().version,
      broadcast,
      team: teamHost(),
      async storageStatus() {
        const persisted = (await navigator.storage?.persisted?.()) ?? false;
        const est = await navigator.storage?.estimate?.().catch(() => undefined);
        return { persisted, usage: est?.usage ?? null, quota: est?.quota ?? null };
      },
      capture: captureBridge(),
      evidence: evidenceDeps(),
      highlighter: {
        async inject(tabId, frameId) {
          await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: ['/highlighter.js'] });
        },
      },
      watch: { bridge: watchBridge(), settings: watchSettings, reschedule: scheduleWatch },
      // PDFs open in Saqta's viewer (docs/pdf.md).
      pdf: wirePdfOpening(),
    };

    team = wireTeamSync(deps);

    // Saving: a screenshot still pending from before this start was cut off with the background that took it.
    void settleInterrupted(db, startedAt)
      .then((done) => done.forEach((c) => broadcast({ event: 'capture.screenshot', pageId: c.pageId, captureId: c.id })))
      .catch(() => undefined);

    // The one gate (issue 24, utils/background/gate.ts): Saqta's own pages by sender.url's origin;
    // content scripts get the allowlist of utils/messages.ts, for their own tab and page only.
    const extensionOrigin = browser.runtime.getURL('/').replace(/\/+$/, '');
    browser.runtime.onMessage.addListener((msg: unknown, sender) => {
      // Events are for pages and content scripts; requests are ours.
      if (!msg || typeof msg !== 'object' || !('type' in msg)) return undefined;
      const caller = callerOf(sender, browser.runtime.id, extensionOrigin);
      if (!caller) return undefined;
      if ((msg as { type: unknown }).type === 'save.page') {
        const tabId = caller.kind === 'content' ? caller.tabId : (msg as { tabId?: number }).tabId;
        return handle(msg, deps, caller).then((res) => {
          if (tabId !== undefined && (res.ok || res.error.code !== 'forbidden')) void showSaved(tabId, res.ok);
          // Evidence: queue the new capture's record hash for a trusted timestamp (when on).
          if (res.ok) void captureSaved(deps, (res.value as { capture: { id: string } }).capture.id).catch(() => undefined);
          // The reader saved the article again: it is no longer "changed since saved".
          if (res.ok) void clearChanged(db, (res.value as { pageId: string }).pageId).then(() => broadcast({ event: 'watch.changed', pageId: (res.value as { pageId: string }).pageId }));
          return res;
        });
      }
      return handle(msg, deps, caller);
    });

    // Evidence: the timestamp queue wakes on its alarm, when the browser is back online, and at start.
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === STAMP_ALARM) void runStamps(deps).catch(() => undefined);
    });
    self.addEventListener('online', () => void runStamps(deps, { all: true }).catch(() => undefined));
    void runStamps(deps).catch(() => undefined);

    // Watching: one alarm; each round checks only what is due (nothing, and no request, when nothing is watched).
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === ALARM) void checkDue(deps);
    });
    void browser.alarms.get(ALARM).then(async (a) => {
      const s = await watchSettings.get();
      if (!a || a.periodInMinutes !== Math.min(60, s.intervalHours * 60)) await scheduleWatch(s.intervalHours);
    });
    openTimelineOnClick();

    // Ask to keep the library when the browser is short of space.
    navigator.storage?.persist?.().catch(() => undefined);

    const toActiveTab = async (command: TabCommand, tabId?: number) => {
      const id = tabId ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
      if (id !== undefined) await browser.tabs.sendMessage(id, command).catch(() => undefined);
    };

    browser.commands?.onCommand.addListener((name) => {
      if (name === 'highlight-selection' || name === 'save-page') void toActiveTab({ command: name });
    });

    browser.runtime.onInstalled.addListener(() => {
      browser.contextMenus.removeAll().then(() => {
        browser.contextMenus.create({
          id: 'highlight-selection',
          title: browser.i18n.getMessage('menuHighlight'),
          contexts: ['selection'],
        });
        browser.contextMenus.create({
          id: 'save-page',
          title: browser.i18n.getMessage('menuSave'),
          contexts: ['page', 'selection'],
        });
      });
    });

    browser.contextMenus.onClicked.addListener((info, tab) => {
      if (info.menuItemId === 'highlight-selection' || info.menuItemId === 'save-page') {
        void toActiveTab({ command: info.menuItemId }, tab?.id);
      }
    });
  },
});

import { defineBackground } from 'wxt/utils/define-background';
import { browser } from 'wxt/browser';
import { getDb, LOCK_KEYRING } from '../utils/db';
import { handle } from '../utils/background/handle';
import type { ClaimDelta, HandlerDeps } from '../utils/background/types';
import { createServices } from '../utils/background/services';
import { callerOf } from '../utils/background/gate';
import type { Event, TabCommand } from '../utils/messages';
import { DEFAULT_SETTINGS } from '../utils/backup';
import { captureBridge } from '../utils/ext/capture-bridge';
import { watchBlockedSites } from '../utils/ext/blocked-watch';
import { evidenceDeps, STAMP_ALARM } from '../utils/ext/evidence';
import { runStamps } from '../utils/background/evidence';
import { teamHost, wireTeamSync } from '../utils/ext/team-host';
import { ALARM, openTimelineOnClick, scheduleWatch, watchBridge } from '../utils/ext/watch-bridge';
import { checkDue, DEFAULT_WATCH } from '../utils/background/watch';
import { settleInterrupted } from '../utils/store/captures';
import { wirePdfOpening } from '../utils/ext/pdf-open';
import { mergedStore, storageItems } from '../utils/ext/storage-items';
import { sendTab } from '../utils/ext/tabs';
import { lockHost } from '../utils/ext/lock-host';
import { pushOutPlainCopies, wipeHost, wipeIfTooManyFailures } from '../utils/ext/wipe';

export default defineBackground({
  type: 'module',
  main() {
    // The lock (docs/lock.md): no database access until the keyring knows whether the library is
    // sealed (lockHost's `ready` below); until then every read and write fails as if locked.
    LOCK_KEYRING.state = 'locked';
    // Saving: offer the saved copy when a site cannot be reached. First, and synchronously: the blocked
    // navigation itself must wake Saqta after a browser start (utils/ext/blocked-watch.ts, docs/fallback.md).
    // Settings (backup reminder, watching) in extension storage, not the database (utils/ext/storage-items.ts).
    const settings = mergedStore(storageItems.settings, DEFAULT_SETTINGS);
    const watchSettings = mergedStore(storageItems.watch, DEFAULT_WATCH);
    const blocked = watchBlockedSites({ db: () => getDb(), settings: settings.get });

    const startedAt = new Date().toISOString();
    const extensionOrigin = browser.runtime.getURL('/').replace(/\/+$/, '');
    const db = getDb();

    const broadcastAll = (event: Event, delta?: ClaimDelta) => {
      // Extension pages (popup, side panel, library), with the claim that changed …
      browser.runtime.sendMessage(delta ? { ...event, ...delta } : event).catch(() => undefined);
      // … and content scripts in every tab, without it (a page's renderer never sees another page's claims).
      browser.tabs
        .query({})
        .then((tabs) => {
          for (const tab of tabs) {
            // Saqta's own pages in tabs (library, reader) heard it above: not twice.
            if (tab.id !== undefined && !tab.url?.startsWith(extensionOrigin)) browser.tabs.sendMessage(tab.id, event).catch(() => undefined);
          }
        })
        .catch(() => undefined);
    };

    // Team sync hears every change (debounced sync on change; utils/ext/team-host.ts).
    let team: ReturnType<typeof wireTeamSync> | undefined;
    const broadcast = (event: Event, delta?: ClaimDelta) => {
      broadcastAll(event, delta);
      team?.changed(event);
    };

    const deps: HandlerDeps = {
      settings,
      db,
      version: browser.runtime.getManifest().version,
      broadcast,
      // What runs across requests: the screenshot queue, one team sync, one watch round, the key, the stamp queue.
      services: createServices(),
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
      // Quick wipe (issue 28): the lock's keys first, then everything else (utils/ext/wipe.ts).
      wipe: wipeHost(db),
    };

    // The lock (docs/lock.md): the keyring knows its state before any request is answered.
    const lock = lockHost(db, {
      changed: () => broadcastAll({ event: 'lock.changed' }),
      sealed: async () => {
        if (deps.team) await deps.team.setConfig(await deps.team.getConfig());
        // Chromium keeps the plain records as they were in its LevelDB files until they are rewritten.
        await pushOutPlainCopies(db);
      },
    });
    // "Wipe after N wrong passphrases" (the quick wipe's setting, utils/ext/wipe.ts) counts the lock's failures.
    deps.lock = { ...lock, wrongSecret: () => wipeIfTooManyFailures(db) };
    void lock.ready.then(() => blocked.catchUp()).catch(() => undefined);
    const unlocked = () => db.keyring.state !== 'locked';

    team = wireTeamSync(deps);

    // Saving: a screenshot still pending from before this start was cut off with the background that took it.
    void lock.ready
      .then(() => settleInterrupted(db, startedAt))
      .then((done) => done.forEach((c) => broadcast({ event: 'capture.screenshot', pageId: c.pageId, captureId: c.id })))
      .catch(() => undefined);

    // The one gate (issue 24, utils/background/gate.ts): Saqta's own pages by sender.url's origin;
    // content scripts get the allowlist of utils/messages.ts, for their own tab and page only.
    browser.runtime.onMessage.addListener((msg: unknown, sender) => {
      // Events are for pages and content scripts; requests are ours.
      if (!msg || typeof msg !== 'object' || !('type' in msg)) return undefined;
      const caller = callerOf(sender, browser.runtime.id, extensionOrigin);
      if (!caller) return undefined;
      // A save's effects (badge, timestamp queue, "changed since" reset) are the capture pipeline's (utils/capture/).
      return lock.ready.then(() => handle(msg, deps, caller));
    });

    // Evidence: the timestamp queue wakes on its alarm, when the browser is back online, and at start.
    browser.alarms.onAlarm.addListener((alarm) => {
      // Locked: timestamps, watch checks and team sync wait (nothing is read or written in plain text).
      if (alarm.name === STAMP_ALARM && unlocked()) void runStamps(deps).catch(() => undefined);
    });
    self.addEventListener('online', () => void (unlocked() ? runStamps(deps, { all: true }).catch(() => undefined) : undefined));
    void lock.ready.then(() => (unlocked() ? runStamps(deps) : undefined)).catch(() => undefined);

    // Watching: one alarm; each round checks only what is due (nothing, and no request, when nothing is watched).
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === ALARM && unlocked()) void checkDue(deps);
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
      if (id !== undefined) await sendTab(id, command);
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

/**
 * Background handlers for the requests in `SettingsApi` (utils/messages.ts):
 * the reader's settings and the backup reminder (logic in utils/backup.ts).
 * Settings live outside the database (the background passes a
 * `SettingsStore` backed by WXT storage), so a schema change is never needed
 * for a new setting.
 */
import type { SettingsApi } from '../messages';
import { fail, ok } from '../messages';
import { backupStatus, validateSettings, type Settings } from '../backup';
import type { HandlerSet } from './types';
export type { SettingsStore } from './types';

export const settingsHandlers: HandlerSet<SettingsApi> = {
  async 'settings.get'(_req, { settings }) {
    if (!settings) return fail('unsupported', 'Settings are not available here.');
    return ok({ settings: await settings.get() });
  },
  async 'settings.set'(req, { settings }) {
    if (!settings) return fail('unsupported', 'Settings are not available here.');
    let patch: Partial<Settings>;
    try {
      patch = validateSettings({ backupReminderDays: req.settings?.backupReminderDays, openCopyAutomatically: req.settings?.openCopyAutomatically });
    } catch (err) {
      return fail('bad-request', (err as Error).message);
    }
    return ok({ settings: await settings.set(patch) });
  },
  async 'backup.status'(_req, { db, settings }) {
    if (!settings) return fail('unsupported', 'Settings are not available here.');
    const s = await settings.get();
    // Two collections: Dexie's first() narrows the collection it is called on.
    const since = () => db.annotations.where('modified').above(s.lastExportAt ?? '');
    const [unexported, oldest] = await Promise.all([since().count(), since().first()]);
    return ok(backupStatus({ unexported, oldestUnexported: oldest?.modified ?? null, settings: s, now: new Date() }));
  },
  async 'backup.exported'(req, { settings }) {
    if (!settings) return fail('unsupported', 'Settings are not available here.');
    const at = req.at ?? new Date().toISOString();
    let patch: Partial<Settings>;
    try {
      patch = validateSettings({ lastExportAt: at });
    } catch (err) {
      return fail('bad-request', (err as Error).message);
    }
    return ok({ settings: await settings.set(patch) });
  },
};

/**
 * When to remind the reader to export a backup bundle. Pure: the background
 * feeds it what the database and the settings say (utils/background/settings.ts).
 *
 * A claim is "not in a backup file" when it was created or changed after the
 * last export (or there never was one). The reminder is due when the oldest
 * such claim is older than the reader's number of days; 0 days turns it off.
 */

const DEFAULT_REMINDER_DAYS = 7;
export const MAX_REMINDER_DAYS = 365;
const DAY = 24 * 60 * 60 * 1000;

export interface Settings {
  /** Days an unexported claim may wait before Saqta reminds; 0 = never remind. */
  backupReminderDays: number;
  /** ISO time of the last bundle export written to a file, if any. */
  lastExportAt: string | null;
  /**
   * Blocked-site fallback: send a blocked tab straight to Saqta's page for its copy. Off: the copy is only
   * offered (badge, popup, notification), so the site cannot learn from the tab that the reader holds one.
   */
  openCopyAutomatically?: boolean;
}

export const DEFAULT_SETTINGS: Settings = { backupReminderDays: DEFAULT_REMINDER_DAYS, lastExportAt: null, openCopyAutomatically: false };

export interface BackupStatus {
  /** Claims created or changed since the last export. */
  unexported: number;
  /** `modified` time of the oldest of them. */
  oldestUnexported: string | null;
  lastExportAt: string | null;
  reminderDays: number;
  /** Show the reminder. */
  due: boolean;
}

export function backupStatus(input: {
  unexported: number;
  oldestUnexported: string | null;
  settings: Settings;
  now: Date;
}): BackupStatus {
  const { unexported, oldestUnexported, settings, now } = input;
  const days = settings.backupReminderDays;
  const oldest = oldestUnexported ? Date.parse(oldestUnexported) : NaN;
  const due = days > 0 && unexported > 0 && Number.isFinite(oldest) && now.getTime() - oldest >= days * DAY;
  return { unexported, oldestUnexported, lastExportAt: settings.lastExportAt, reminderDays: days, due };
}

/** Check a settings change from a page; throws a readable message. */
export function validateSettings(patch: Partial<Settings>): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (patch.backupReminderDays !== undefined) {
    const d = patch.backupReminderDays;
    if (!Number.isInteger(d) || d < 0 || d > MAX_REMINDER_DAYS) {
      throw new RangeError(`The reminder must be a whole number of days from 0 to ${MAX_REMINDER_DAYS}.`);
    }
    out.backupReminderDays = d;
  }
  if (patch.lastExportAt !== undefined) {
    if (patch.lastExportAt !== null && !Number.isFinite(Date.parse(patch.lastExportAt))) throw new RangeError('Not a time.');
    out.lastExportAt = patch.lastExportAt;
  }
  if (patch.openCopyAutomatically !== undefined) {
    if (typeof patch.openCopyAutomatically !== 'boolean') throw new TypeError('“Open my copy automatically” is on or off.');
    out.openCopyAutomatically = patch.openCopyAutomatically;
  }
  return out;
}

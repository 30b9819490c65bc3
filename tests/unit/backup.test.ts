import { beforeEach, describe, expect, it } from 'vitest';
import { backupStatus, DEFAULT_SETTINGS, validateSettings, type Settings } from '../../utils/backup';
import { SaqtaDB } from '../../utils/db';
import { handle, type HandlerDeps } from '../../utils/background/handle';
import type { SettingsStore } from '../../utils/background/settings';
import type { Annotation } from '../../utils/annotation';

// The background reads the real clock, so the test's times are relative to it.
const now = new Date();
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
const settings = (s: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, ...s });

describe('backup reminder logic', () => {
  it('is due when the oldest unexported claim is older than the days set', () => {
    expect(backupStatus({ unexported: 3, oldestUnexported: daysAgo(8), settings: settings({ backupReminderDays: 7 }), now })).toMatchObject({
      due: true,
      unexported: 3,
    });
    expect(backupStatus({ unexported: 3, oldestUnexported: daysAgo(7), settings: settings({ backupReminderDays: 7 }), now }).due).toBe(true);
    expect(backupStatus({ unexported: 3, oldestUnexported: daysAgo(6.9), settings: settings({ backupReminderDays: 7 }), now }).due).toBe(false);
  });

  it('is not due with nothing to export, or when turned off (0 days)', () => {
    expect(backupStatus({ unexported: 0, oldestUnexported: null, settings: settings(), now }).due).toBe(false);
    expect(backupStatus({ unexported: 5, oldestUnexported: daysAgo(400), settings: settings({ backupReminderDays: 0 }), now }).due).toBe(false);
  });

  it('refuses days that are not a whole number from 0 to 365, with a message', () => {
    for (const bad of [-1, 1.5, 366, Number.NaN, '7' as unknown as number]) {
      expect(() => validateSettings({ backupReminderDays: bad })).toThrow(/whole number of days from 0 to 365/);
    }
    expect(validateSettings({ backupReminderDays: 0 })).toEqual({ backupReminderDays: 0 });
  });
});

describe('backup requests', () => {
  let deps: HandlerDeps;
  let stored: Settings;
  beforeEach(() => {
    stored = { ...DEFAULT_SETTINGS };
    const store: SettingsStore = {
      get: async () => ({ ...stored }),
      set: async (patch) => (stored = { ...stored, ...patch }),
    };
    deps = {
      db: new SaqtaDB(`backup-${Math.random()}`),
      version: '1',
      broadcast: () => undefined,
      storageStatus: async () => ({ persisted: true, usage: 0, quota: 0 }),
      settings: store,
    };
  });

  const claim = (id: string, modified: string): Annotation => ({
    id,
    pageId: 'p',
    target: { source: 'https://x.example/', selector: [{ type: 'TextQuoteSelector', exact: 'q', prefix: '', suffix: '' }] },
    body: { tags: [], note: '', color: 'yellow' },
    created: modified,
    modified,
    anchor: 'anchored',
  });

  it('counts claims changed since the last export and reminds after the days set', async () => {
    await deps.db.annotations.bulkAdd([claim('a', daysAgo(30)), claim('b', daysAgo(10)), claim('c', daysAgo(1))]);
    // Never exported: all three wait, the oldest 30 days.
    let res = await handle({ type: 'backup.status' }, deps);
    expect(res).toMatchObject({ ok: true, value: { unexported: 3, oldestUnexported: daysAgo(30), due: true, lastExportAt: null } });

    // Exported 5 days ago: only the claim from yesterday waits, so no reminder yet.
    expect(await handle({ type: 'backup.exported', at: daysAgo(5) }, deps)).toMatchObject({ ok: true });
    res = await handle({ type: 'backup.status' }, deps);
    expect(res).toMatchObject({ ok: true, value: { unexported: 1, oldestUnexported: daysAgo(1), due: false } });

    // The reader wants to be reminded after 1 day: now it is due.
    expect(await handle({ type: 'settings.set', settings: { backupReminderDays: 1 } }, deps)).toMatchObject({
      ok: true,
      value: { settings: { backupReminderDays: 1, lastExportAt: daysAgo(5) } },
    });
    res = await handle({ type: 'backup.status' }, deps);
    expect(res).toMatchObject({ ok: true, value: { unexported: 1, due: true, reminderDays: 1 } });
  });

  it('refuses bad settings with a readable message and keeps the old ones', async () => {
    const res = await handle({ type: 'settings.set', settings: { backupReminderDays: -3 } }, deps);
    expect(res).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/0 to 365/) } });
    expect(stored.backupReminderDays).toBe(DEFAULT_SETTINGS.backupReminderDays);
    expect(await handle({ type: 'backup.exported', at: 'yesterday' }, deps)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(stored.lastExportAt).toBeNull();
  });

  it('says clearly when settings are not available', async () => {
    delete deps.settings;
    expect(await handle({ type: 'backup.status' }, deps)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});

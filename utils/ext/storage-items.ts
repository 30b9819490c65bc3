/**
 * Everything Saqta keeps in extension storage rather than IndexedDB, in one
 * place: the key, the shape and the version of each item. When an item's
 * shape changes, bump its `version` and add a `migrations` entry (WXT storage
 * runs it on first use); never reuse a key for another shape.
 */
import { storage } from 'wxt/utils/storage';
import { DEFAULT_SETTINGS, type Settings } from '../backup';
import { DEFAULT_WATCH } from '../background/watch';
import type { WatchSettings } from '../messages';
import { DEFAULT_EVIDENCE_SETTINGS, type EvidenceSettings } from '../evidence/settings';
import { EMPTY_STATUS, type TeamConfig, type TeamStatus } from '../team/config';
import { DEFAULT_PDF_SETTINGS, PDF_SETTINGS_KEY, type PdfSettings } from '../pdf/settings';

export const storageItems = {
  /** The reader's settings and the backup reminder (utils/backup.ts). */
  settings: storage.defineItem<Settings>('local:settings', { fallback: DEFAULT_SETTINGS, version: 1 }),
  /** Watching: interval, tags, notifications, sites sent cookies (utils/background/watch.ts). */
  watch: storage.defineItem<WatchSettings>('local:watch', { fallback: DEFAULT_WATCH, version: 1 }),
  /** Trusted timestamps on or off, and the TSA (utils/evidence/settings.ts). */
  evidence: storage.defineItem<EvidenceSettings>('local:evidence', { fallback: DEFAULT_EVIDENCE_SETTINGS, version: 1 }),
  /** Team sync: the folder, credentials and schedule (utils/team/config.ts). */
  teamConfig: storage.defineItem<TeamConfig | null>('local:team.config', { fallback: null, version: 1 }),
  /** Team sync: the last run's status. */
  teamStatus: storage.defineItem<TeamStatus>('local:team.status', { fallback: EMPTY_STATUS, version: 1 }),
  /** PDFs open in Saqta's viewer, or not (utils/pdf/settings.ts). */
  pdf: storage.defineItem<PdfSettings>(PDF_SETTINGS_KEY, { fallback: DEFAULT_PDF_SETTINGS, version: 1 }),
};

/** A settings object over one item: defaults under what is stored, and patches merged in. */
export function mergedStore<T extends object>(item: { getValue(): Promise<T>; setValue(v: T): Promise<void> }, defaults: T) {
  const store = {
    get: async (): Promise<T> => ({ ...defaults, ...(await item.getValue()) }),
    async set(patch: Partial<T>): Promise<T> {
      const next = { ...(await store.get()), ...patch };
      await item.setValue(next);
      return next;
    },
  };
  return store;
}

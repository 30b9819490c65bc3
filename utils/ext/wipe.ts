/**
 * Quick wipe, the platform's part (issue 28, docs/wipe.md; rules in
 * utils/wipe.ts). Order matters: the passphrase lock's key material goes
 * first — every `storage.local` key starting with `lock.` and all of
 * `storage.session` — so that, if the browser is killed half-way, what is
 * left is ciphertext without a key. Then the database, then the rest of
 * extension storage (settings, the team folder, user name, app password and
 * passphrase), then the alarms (team sync, watching, timestamps).
 *
 * Cookies: none to clear, and no `cookies` permission asked. Team sync
 * requests are sent with `credentials: 'omit'` (utils/team/dav.ts; a unit
 * test holds every request there to it), so the browser neither sends nor
 * stores cookies of the team server for Saqta. Clearing the server's
 * cookies with `cookies` or `browsingData` would instead sign the person out
 * of their own browser session on that server — not Saqta's to touch.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import type { SaqtaDB } from '../db';
import type { WipeHost } from '../background/types';
import { DEFAULT_WIPE, LOCK_FAILURES_KEY, lockKeysOf, shouldWipeAfterFailures, type WipeSettings } from '../wipe';

const settingsItem = storage.defineItem<WipeSettings>('local:wipe', { fallback: DEFAULT_WIPE, version: 1 });

/** Destroy everything Saqta keeps in this profile (see the header for the order). */
export async function wipeEverything(db: SaqtaDB): Promise<void> {
  const stored = await browser.storage.local.get(null);
  const lockKeys = lockKeysOf(Object.keys(stored));
  if (lockKeys.length) await browser.storage.local.remove(lockKeys);
  await browser.storage.session.clear();
  // Dexie closes the other pages' connections (their versionchange), deletes, and reopens here on next use.
  await db.delete({ disableAutoOpen: false });
  await browser.storage.local.clear();
  await browser.storage.session.clear();
  await browser.alarms.clearAll();
}

/**
 * For the lock (issue 28): call after a wrong passphrase. Reads the lock's failure counter
 * (`lock.failures`) and the reader's setting, and wipes everything when the count is reached.
 */
export async function wipeIfTooManyFailures(db: SaqtaDB): Promise<boolean> {
  const failures = (await browser.storage.local.get(LOCK_FAILURES_KEY))[LOCK_FAILURES_KEY];
  if (!shouldWipeAfterFailures(failures, await settingsItem.getValue())) return false;
  await wipeEverything(db);
  return true;
}

export function wipeHost(db: SaqtaDB): WipeHost {
  return {
    everything: () => wipeEverything(db),
    settings: {
      get: () => settingsItem.getValue(),
      async set(next) {
        await settingsItem.setValue(next);
        return next;
      },
    },
  };
}

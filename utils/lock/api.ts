/**
 * The lock's requests (issue 28, docs/lock.md), part of `Api` in
 * utils/messages.ts; handled by utils/background/lock.ts. Only Saqta's own
 * pages may send them, but for `lock.offer` and `lock.openUnlock` (the in-page toolbar).
 */
type LockState = 'off' | 'locked' | 'open';

export interface LockStatus {
  state: LockState;
  /** Lock after this many idle minutes (0: never). */
  autoLockMinutes: number;
  /** Wrong passphrases since the last unlock (`lock.failures`). */
  failures: number;
  /** Turning the lock on: the existing library being sealed (null when none is under way). */
  migration: { done: number; total: number } | null;
}

export interface LockApi {
  'lock.status': { req: {}; res: LockStatus };
  /** Turn the lock on: returns the recovery key, shown once. The library is sealed in the background. */
  'lock.setUp': { req: { passphrase: string }; res: { recoveryKey: string; status: LockStatus } };
  /** `via`: the passphrase, or the printed recovery key. A wrong one: `bad-request`, nothing changes. */
  'lock.unlock': { req: { secret: string; via: 'passphrase' | 'recovery' }; res: LockStatus };
  'lock.lockNow': { req: {}; res: LockStatus };
  /** Rewraps the data key: nothing is re-encrypted. */
  'lock.changePassphrase': { req: { current: string; next: string }; res: LockStatus };
  'lock.setAutoLock': { req: { minutes: number }; res: LockStatus };
  /** The in-page toolbar (content script): is the library locked? Then its selection toolbar offers "Unlock to highlight". */
  'lock.offer': { req: {}; res: { locked: boolean } };
  /** The toolbar's "Unlock to highlight": opens Saqta's unlock page (the library, which asks for the passphrase first). */
  'lock.openUnlock': { req: {}; res: { opened: boolean } };
}

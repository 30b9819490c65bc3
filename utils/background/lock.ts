/**
 * Background handlers for `LockApi` (utils/lock/api.ts, docs/lock.md): the
 * lock's status, setting it up, unlocking, locking, a new passphrase and the
 * idle time. The state machine is utils/lock/controller.ts; `deps.lock`
 * (utils/ext/lock-host.ts) gives it storage and the browser's idle alarm.
 * Also `whileLocked`: what handle.ts answers to everything else while locked.
 */
import { convertNamedTagClaims } from '../store/tag-ids';
import { fail, ok, type Api, type LockApi, type RequestType, type Result } from '../messages';
import { WrongSecret } from '../lock/controller';
import type { HandlerDeps, HandlerSet } from './types';

const MIN_PASSPHRASE = 8;

function hostOf(deps: HandlerDeps) {
  return deps.lock;
}

const text = (deps: HandlerDeps, key: string, fallback: string) => deps.lock?.text(key) || fallback;

export const lockHandlers: HandlerSet<LockApi> = {
  async 'lock.status'(_req, deps) {
    const host = hostOf(deps);
    if (!host) return fail('unsupported', 'The lock is not available here.');
    return ok(await host.controller.status());
  },
  async 'lock.setUp'(req, deps) {
    const host = hostOf(deps);
    if (!host) return fail('unsupported', 'The lock is not available here.');
    if (typeof req.passphrase !== 'string' || [...req.passphrase.normalize('NFC')].length < MIN_PASSPHRASE) {
      return fail('bad-request', text(deps, 'lockErrorShort', `The passphrase needs at least ${MIN_PASSPHRASE} characters.`));
    }
    if ((await host.controller.status()).state !== 'off') return fail('bad-request', text(deps, 'lockErrorAlreadyOn', 'The lock is already on.'));
    const recoveryKey = await host.controller.setUp(req.passphrase);
    deps.services?.key.reset();
    return ok({ recoveryKey, status: await host.controller.status() });
  },
  async 'lock.unlock'(req, deps) {
    const host = hostOf(deps);
    if (!host) return fail('unsupported', 'The lock is not available here.');
    if (typeof req.secret !== 'string' || !req.secret) return fail('bad-request', text(deps, 'lockErrorEmpty', 'Type your passphrase.'));
    try {
      await host.controller.unlock(req.secret, req.via === 'recovery' ? 'recovery' : 'passphrase');
    } catch (err) {
      if (err instanceof WrongSecret) {
        if (await host.wrongSecret?.()) return fail('bad-request', text(deps, 'lockErrorWiped', 'Too many wrong passphrases: the library was wiped, as you chose in Settings.'));
        return fail('bad-request', req.via === 'recovery' ? text(deps, 'lockErrorWrongRecovery', 'That recovery key does not open this library. Nothing was changed.') : text(deps, 'lockErrorWrong', 'That passphrase does not open this library. Nothing was changed.'));
      }
      throw err;
    }
    deps.services?.key.reset();
    deps.broadcast({ event: 'lock.changed' });
    // Claims sealed before v60 still hold tag names: stored by id now that they can be opened (utils/store/tag-ids.ts).
    void convertNamedTagClaims(deps.db).catch(() => 0);
    return ok(await host.controller.status());
  },
  async 'lock.lockNow'(_req, deps) {
    const host = hostOf(deps);
    if (!host) return fail('unsupported', 'The lock is not available here.');
    await host.controller.lockNow();
    deps.services?.key.reset();
    deps.broadcast({ event: 'lock.changed' });
    return ok(await host.controller.status());
  },
  async 'lock.changePassphrase'(req, deps) {
    const host = hostOf(deps);
    if (!host) return fail('unsupported', 'The lock is not available here.');
    if (typeof req.next !== 'string' || [...req.next.normalize('NFC')].length < MIN_PASSPHRASE) {
      return fail('bad-request', text(deps, 'lockErrorShort', `The passphrase needs at least ${MIN_PASSPHRASE} characters.`));
    }
    try {
      await host.controller.changePassphrase(String(req.current ?? ''), req.next);
    } catch (err) {
      if (err instanceof WrongSecret) return fail('bad-request', text(deps, 'lockErrorWrong', 'That passphrase does not open this library. Nothing was changed.'));
      throw err;
    }
    return ok(await host.controller.status());
  },
  async 'lock.offer'(_req, deps) {
    return ok({ locked: deps.db.keyring.state === 'locked' });
  },
  async 'lock.openUnlock'(_req, deps) {
    const host = hostOf(deps);
    if (!host?.openUnlock || deps.db.keyring.state !== 'locked') return ok({ opened: false });
    await host.openUnlock();
    return ok({ opened: true });
  },
  async 'lock.setAutoLock'(req, deps) {
    const host = hostOf(deps);
    if (!host) return fail('unsupported', 'The lock is not available here.');
    const minutes = Number(req.minutes);
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) return fail('bad-request', text(deps, 'lockErrorMinutes', 'Choose between 0 (never) and 1440 minutes.'));
    await host.setAutoLock(minutes);
    return ok(await host.controller.status());
  },
};

/** What a content script's requests get while locked: its page looks unmarked; nothing is written. */
const EMPTY_ANSWERS: { [K in RequestType]?: Api[K]['res'] } = {
  'page.get': { page: null, annotations: [], capture: null },
  'tags.list': { tags: [] },
};

/** Requests answered as usual while locked: the lock's own, liveness, loading the toolbar (which then offers to unlock). */
const OPEN_WHILE_LOCKED = new Set<string>(['ping', 'highlight.loadUi', 'storage.status', 'settings.get']);

/** While locked, the answer to `type` instead of its handler's (null: the handler runs). */
export function whileLocked(type: string, deps: HandlerDeps): Result<unknown> | null {
  if (deps.db.keyring.state !== 'locked' || type.startsWith('lock.') || OPEN_WHILE_LOCKED.has(type)) return null;
  if (type in EMPTY_ANSWERS) return ok(EMPTY_ANSWERS[type as RequestType]);
  return fail('locked', text(deps, 'lockErrorLocked', 'Your library is locked. Unlock it in Saqta’s popup to save or highlight; nothing was saved.'));
}

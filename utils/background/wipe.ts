/**
 * Background handlers for the requests in `WipeApi` (utils/messages.ts):
 * wipe everything now, and the "wipe after N wrong passphrases" setting
 * (rules in utils/wipe.ts; the platform's part is `HandlerDeps.wipe`,
 * utils/ext/wipe.ts).
 */
import type { WipeApi } from '../messages';
import { fail, ok } from '../messages';
import { validateWipeSettings, WipeSettingsError } from '../wipe';
import { createServices } from './services';
import type { HandlerSet } from './types';

export const wipeHandlers: HandlerSet<WipeApi> = {
  async 'wipe.everything'(_req, deps) {
    if (!deps.wipe) return fail('unsupported', 'Wiping is not available here.');
    await deps.wipe.everything();
    // What the background held in memory goes too: the signing key, a sync or watch round under way.
    deps.services = createServices();
    return ok({ wiped: true as const });
  },
  async 'wipe.settings'(_req, { wipe }) {
    if (!wipe) return fail('unsupported', 'Wiping is not available here.');
    return ok({ settings: await wipe.settings.get() });
  },
  async 'wipe.configure'(req, { wipe }) {
    if (!wipe) return fail('unsupported', 'Wiping is not available here.');
    try {
      return ok({ settings: await wipe.settings.set(validateWipeSettings(req.settings)) });
    } catch (err) {
      if (err instanceof WipeSettingsError) return fail('bad-request', err.message);
      throw err;
    }
  },
};

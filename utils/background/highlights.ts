/** Background handlers for the requests in `HighlightApi` (utils/messages.ts). */
import { fail, ok, type HighlightApi } from '../messages';
import type { HandlerSet } from './types';

export const highlightHandlers: HandlerSet<HighlightApi> = {
  async 'highlight.loadUi'(req, { highlighter }) {
    if (!highlighter) return fail('unsupported', 'Highlighting is not available here.');
    if (!Number.isInteger(req.tabId)) return fail('bad-request', 'Which tab should get the highlighter?');
    await highlighter.inject(req.tabId!, Number.isInteger(req.frameId) ? req.frameId! : 0);
    return ok({ loaded: true });
  },
};

/** Background handlers for the requests in `HighlightApi` (utils/messages.ts). */
import type { HighlightApi } from '../messages';
import type { HandlerSet } from './handle';

export const highlightHandlers: HandlerSet<HighlightApi> = {};

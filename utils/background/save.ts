/** Background handlers for the requests in `SaveApi` (utils/messages.ts). */
import type { SaveApi } from '../messages';
import type { HandlerSet } from './handle';

export const saveHandlers: HandlerSet<SaveApi> = {};

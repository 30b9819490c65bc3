/** Background handlers for the requests in `SettingsApi` (utils/messages.ts). */
import type { SettingsApi } from '../messages';
import type { HandlerSet } from './handle';

export const settingsHandlers: HandlerSet<SettingsApi> = {};

/** Background handlers for the requests in `LibraryApi` (utils/messages.ts). */
import type { LibraryApi } from '../messages';
import type { HandlerSet } from './handle';

export const libraryHandlers: HandlerSet<LibraryApi> = {};

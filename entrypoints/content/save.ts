/**
 * Saving from the page: the `save-page` command (context menu, commands
 * API) and Alt+Shift+S typed in the page (index.ts's keys, then the loaded
 * highlighter's, which lazy.ts hands `savePage`) end here. The content
 * script only asks; the background injects the capture script and stores.
 * Nothing is added to the page; the toolbar badge says how it went.
 */
import { send } from '../../utils/ext/client';

let inFlight: Promise<boolean> | null = null;

/** Save this page (one save at a time per tab). */
export function savePage(): Promise<boolean> {
  inFlight ??= send('save.page', {})
    .then((res) => res.ok)
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

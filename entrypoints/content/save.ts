/**
 * Saving from the page: the `save-page` command (context menu, popup,
 * commands API) and Alt+Shift+S typed in the page end here. The content
 * script only asks; the background injects the capture script and stores.
 * Nothing is added to the page; the toolbar badge says how it went.
 */
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
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

/**
 * Alt+Shift+S in the page. (Where the browser owns the shortcut through the
 * commands API, the page never sees the key and the command path runs instead.)
 * When the highlighting feature's keyboard handler is merged, register
 * `savePage` with its save hook instead of this listener.
 */
export function installSaveShortcut(ctx: ContentScriptContext): void {
  ctx.addEventListener(
    window,
    'keydown',
    (e: KeyboardEvent) => {
      if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyS') {
        e.preventDefault();
        e.stopImmediatePropagation();
        void savePage();
      }
    },
    { capture: true },
  );
}

import { defineContentScript } from 'wxt/utils/define-content-script';
import { browser } from 'wxt/browser';
import type { TabCommand, TabStatus } from '../../utils/messages';
import { canonicalOf } from '../../utils/page-meta';
import { installSaveShortcut, savePage } from './save';

/**
 * The always-on content script. It stays small: it answers the background,
 * and loads heavier code only when the reader asks for it.
 */
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  main(ctx) {
    const onMessage = (msg: unknown) => {
      if (!msg || typeof msg !== 'object' || !('command' in msg)) return undefined;
      const command = msg as TabCommand;
      if (command.command === 'status') {
        const status: TabStatus = { alive: true, url: location.href, title: document.title, canonical: canonicalOf(document) };
        return Promise.resolve(status);
      }
      if (command.command === 'save-page') return savePage();
      return undefined;
    };
    browser.runtime.onMessage.addListener(onMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
    installSaveShortcut(ctx);
  },
});

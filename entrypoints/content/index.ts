import { defineContentScript } from 'wxt/utils/define-content-script';
import { browser } from 'wxt/browser';
import type { Event, TabCommand, TabStatus } from '../../utils/messages';
import { canonicalOf } from '../../utils/page-meta';
import { Highlighter } from './highlighter';
import { onSaveRequested } from './save-hook';
import { savePage } from './save';
import { contentFrames } from './frames';

/**
 * The always-on content script. It stays small: it answers the background
 * and wires the highlighter (highlighter.ts: anchoring, overlay, toolbar),
 * which touches nothing in the page until there is a claim or a selection.
 */
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  main(ctx) {
    // Alt+Shift+S (trusted key events only), the command and the menu save through the highlighter's hook.
    onSaveRequested(() => savePage().then(() => undefined));
    const highlighter = new Highlighter(ctx);
    highlighter.start();

    const onMessage = (msg: unknown) => {
      if (!msg || typeof msg !== 'object') return undefined;
      if ('event' in msg) {
        const e = msg as Event;
        if (e.event === 'annotations.changed') highlighter.onChanged(e.pageId);
        return undefined;
      }
      if (!('command' in msg)) return undefined;
      const command = msg as TabCommand;
      switch (command.command) {
        case 'status': {
          const status: TabStatus = { alive: true, url: location.href, title: document.title, canonical: canonicalOf(document), frames: contentFrames() };
          return Promise.resolve(status);
        }
        case 'highlight-selection':
          return highlighter.highlightSelection().then(() => true);
        case 'save-page':
          return highlighter.save().then(() => true);
        case 'anchors':
          return Promise.resolve(highlighter.anchors());
        case 'scroll-to':
          return Promise.resolve(highlighter.scrollTo(command.annotationId));
        case 'highlight-spans':
          return highlighter.highlightSpans(command.spans, command.tags).then((created) => ({ created }));
        default:
          return undefined;
      }
    };
    browser.runtime.onMessage.addListener(onMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
  },
});

import { defineContentScript } from 'wxt/utils/define-content-script';
import { browser } from 'wxt/browser';
import type { Event, TabCommand, TabStatus } from '../../utils/messages';
import { canonicalOf } from '../../utils/page-meta';
import { pageKeys } from '../../utils/url';
import { send } from '../../utils/ext/client';
import { capped, fingerprintCandidates } from '../../utils/anchoring/fingerprint-candidates';
import { revisitNotice } from './revisit';
import { LazyHighlighter } from './lazy';
import { savePage } from './save';
import { contentFrames, watchFrameFocus } from './frames';
import { attachSurfaces } from '../../components/highlighter/surface';

/**
 * The always-on content script. It stays small and does almost nothing on
 * load: it answers the background, asks once whether this page has claims (one message),
 * and waits for the reader. The highlighter (anchoring, overlay, toolbar:
 * components/highlighter/, loaded by lazy.ts) comes only when the page has claims or
 * the reader first selects text, presses Alt+Shift+H, or a command needs it.
 *
 * What the page can observe of Saqta must not depend on the claims: the two
 * hosts the highlighter paints in are added here, on every page, before
 * anything is known about claims (components/highlighter/surface.ts).
 */
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_idle',
  // WXT's extra window.postMessage on start would hand every page's message listeners the
  // extension's id and a fresh random id per load; its document event (kept) needs the name known.
  noScriptStartedPostMessage: true,
  main(ctx) {
    // First, on every page: the constant footprint (the same two empty hosts, claims or not).
    const surfaces = attachSurfaces(ctx);
    // Alt+Shift+S (trusted key events only; below, or in the loaded highlighter's keys), the command and the menu save the page.
    const ui = new LazyHighlighter(ctx, () => savePage().then(() => undefined), surfaces);

    /**
     * Load the highlighter if this page (by URL, canonical link, then text fingerprint) has claims. One
     * request: the page's keys and its fingerprint candidates (DOM reads only; the background normalizes
     * and hashes them only when the URL and the canonical link find nothing). One message and no idle
     * callback on every page, where two messages and an idle callback were.
     */
    let checking = 0;
    const check = async () => {
      const run = ++checking;
      const res = await send('page.get', { keys: pageKeys(location.href, canonicalOf(document), null), paragraphs: capped(fingerprintCandidates(document.body)) });
      if (run === checking && !ui.loaded && res.ok && res.value.annotations.length) await ui.get();
      // A saved article: has the site changed its text since? (text blocks read here, hashed and compared in the background)
      if (run === checking && res.ok && res.value.page && res.value.capture) void revisitNotice(res.value.page.id, ui);
    };
    void check();

    // Until the highlighter is loaded, only a person's selection or shortcut loads it (trusted events only).
    const selected = () => {
      const sel = document.getSelection();
      return !!sel && !sel.isCollapsed && sel.toString().trim() !== '';
    };
    const onSelectGesture = (e: globalThis.Event) => {
      if (ui.loaded || !e.isTrusted) return;
      if (e.type === 'keyup') {
        const k = e as KeyboardEvent;
        if (!(k.shiftKey || k.key === 'Shift' || k.key.startsWith('Arrow') || (k.key.toLowerCase() === 'a' && (k.ctrlKey || k.metaKey)))) return;
      }
      window.setTimeout(() => {
        if (selected()) void ui.get().then((h) => h?.selectionMade());
      }, 0);
    };
    ctx.addEventListener(document, 'mouseup', onSelectGesture, { capture: true });
    ctx.addEventListener(document, 'keyup', onSelectGesture, { capture: true });
    ctx.addEventListener(
      document,
      'keydown',
      (e) => {
        const k = e as KeyboardEvent;
        if (ui.loaded || !e.isTrusted || !k.altKey || !k.shiftKey || k.ctrlKey || k.metaKey) return;
        if (k.code === 'KeyH') {
          k.preventDefault();
          k.stopPropagation();
          void ui.get().then((h) => h?.highlightSelection());
        } else if (k.code === 'KeyS') {
          k.preventDefault();
          k.stopPropagation();
          void savePage();
        }
      },
      { capture: true },
    );
    // Text in embedded frames cannot be marked: say so once when the reader goes into one.
    watchFrameFocus(ctx, () => void ui.get().then((h) => h?.frameHint()));
    // SPA route changes: the new route may have claims.
    const routed = () => ctx.setTimeout(() => void (ui.loaded ? undefined : check()), 50);
    ctx.addEventListener(window, 'popstate', routed);
    ctx.addEventListener(window, 'wxt:locationchange', routed);

    const onMessage = (msg: unknown) => {
      if (!msg || typeof msg !== 'object') return undefined;
      if ('event' in msg) {
        const e = msg as Event;
        if (e.event === 'annotations.changed') {
          if (ui.loaded) ui.loaded.onChanged(e.pageId);
          else void check(); // claims made elsewhere (side panel, another tab) may be for this page
        } else if (e.event === 'lock.changed') {
          // Locked: page.get answers an empty page, so the claims go; unlocked: they come back (docs/lock.md).
          if (ui.loaded) ui.loaded.onChanged('');
          else void check();
        } else if (e.event === 'page.saved' && ui.loaded) {
          ui.loaded.onChanged(e.pageId); // citations name the newest capture
        }
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
          return ui.get().then((h) => h?.highlightSelection()).then(() => true);
        case 'save-page':
          return savePage().then(() => true);
        case 'anchors':
          return ui.get().then((h) => h?.anchors() ?? { pageId: null, claims: [], orphans: [], textLength: 0 });
        case 'scroll-to':
          return ui.get().then((h) => h?.scrollTo(command.annotationId) ?? false);
        case 'highlight-spans':
          return ui.get().then((h) => (h ? h.highlightSpans(command.spans, command.tags) : 0)).then((created) => ({ created }));
        default:
          return undefined;
      }
    };
    // `browser` here is the platform's own API, not webextension-polyfill (wxt.config.ts keeps the polyfill out
    // of this always-on script): Firefox takes the answer as a promise, Chrome through sendResponse.
    const native = !!(globalThis as { browser?: { runtime?: { id?: string } } }).browser?.runtime?.id;
    const listener = (msg: unknown, _sender: unknown, sendResponse: (answer: unknown) => void) => {
      const answer = onMessage(msg) as Promise<unknown> | undefined;
      if (!answer || native) return answer;
      answer.then(sendResponse, (err: unknown) =>
        // The polyfill's own shape for a rejection: the background's browser.tabs.sendMessage rejects with it.
        sendResponse({ __mozWebExtensionPolyfillReject__: true, message: err instanceof Error ? err.message : String(err) }),
      );
      return true;
    };
    browser.runtime.onMessage.addListener(listener as Parameters<typeof browser.runtime.onMessage.addListener>[0]);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(listener as Parameters<typeof browser.runtime.onMessage.addListener>[0]));
  },
});

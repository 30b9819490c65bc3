/**
 * Saqta's footprint in a page, the same on every page whether or not the
 * reader has claims there (SECURITY.md, "What you marked stays private").
 *
 * The always-on content script adds two empty custom elements to `<html>`
 * as soon as it runs, on every http(s) page: `saqta-overlay` (the highlight
 * boxes) and `saqta-ui` (toolbar and toast), in that order, each with a
 * *closed* shadow root, no attributes and no children the page can see. Their
 * host styles are complete from the first moment, so the page's
 * `getComputedStyle`, boxes, scroll sizes and hit-testing of them never change
 * afterwards: fixed, covering the viewport, `pointer-events: none`,
 * `contain: strict`. The highlighter, loaded later (on claims or on the
 * reader's first selection), only fills their shadow roots. If the page
 * removes them, they are put back, whatever the claims (at most
 * REATTACH_LIMIT times per page, so a page cannot make Saqta loop).
 *
 * Keep this file small: it is part of the always-on content script (the
 * reader page and the PDF viewer make their toolbar's host with it too).
 */

const HOST_CSS = `:host { all: initial !important; position: fixed !important; inset: 0 !important; overflow: hidden !important;
  pointer-events: none !important; z-index: 2147483647 !important; display: block !important; contain: strict !important;
  visibility: visible !important; opacity: 1 !important; transform: none !important; }`;

/**
 * The overlay's whole style sheet, including the host's blend mode: added
 * with the host, never later (a `:host` rule added later would change the
 * host's computed style, which the page can read).
 */
const OVERLAY_CSS = `:host { mix-blend-mode: multiply !important; }
  .clip { position: absolute; inset: 0; overflow: hidden; }
  .layer { position: absolute; left: 0; top: 0; width: 0; height: 0; will-change: transform; }
  .box { position: absolute; border-radius: 2px; }
  .flash { animation: flash 0.45s ease-in-out 3; }
  @keyframes flash { 50% { outline: 3px solid rgba(230, 90, 0, .9); outline-offset: 2px; filter: saturate(2.5); } }
  @media (prefers-color-scheme: dark) { :host { mix-blend-mode: normal !important; } .box { opacity: .55; } }`;

/** How often a removed host is put back on one page. */
const REATTACH_LIMIT = 20;

export interface Surface {
  host: HTMLElement;
  root: ShadowRoot;
}

export interface Surfaces {
  overlay: Surface;
  ui: Surface;
}

function makeHost(tag: string, css: string): Surface {
  const host = document.createElement(tag);
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = css;
  root.append(style);
  return { host, root };
}

/**
 * Add both hosts to `<html>` now, and keep them there. Null on a document
 * that is not HTML (an SVG or XML page): Saqta paints nothing there.
 */
export function attachSurfaces(ctx: { onInvalidated(cb: () => void): void }): Surfaces | null {
  const html = document.documentElement;
  if (!html || html.namespaceURI !== 'http://www.w3.org/1999/xhtml') return null;
  let surfaces: Surfaces;
  try {
    surfaces = { overlay: makeHost('saqta-overlay', HOST_CSS + OVERLAY_CSS), ui: makeHost('saqta-ui', HOST_CSS) };
  } catch {
    return null; // the page defined these names itself with a shadow root of its own
  }
  const hosts = [surfaces.overlay.host, surfaces.ui.host];
  document.documentElement.append(...hosts);

  let reattached = 0;
  const observer = new MutationObserver(() => {
    const root = document.documentElement;
    if (!root || hosts.every((h) => h.parentNode === root)) return;
    if (root !== observed) watch(root);
    if (reattached++ >= REATTACH_LIMIT) return observer.disconnect();
    root.append(...hosts); // both, in their order: the toolbar stays above the boxes
  });
  let observed: Element | null = null;
  const watch = (root: Element) => {
    observed = root;
    observer.observe(root, { childList: true });
  };
  observer.observe(document, { childList: true }); // the page may replace <html> itself
  watch(html);
  ctx.onInvalidated(() => {
    observer.disconnect();
    for (const h of hosts) h.remove();
  });
  return surfaces;
}

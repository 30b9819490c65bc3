import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { Highlighter } from '../components/highlighter';
import { HIGHLIGHTER_HANDOFF, type HighlighterModule } from './content/lazy';

/**
 * The highlighter (components/highlighter/: anchoring, overlay, toolbar), injected by the background
 * into a frame (`highlight.loadUi` → scripting.executeScript, files:
 * ['/highlighter.js']) when the page has claims or the reader first selects
 * text — never on a page load without claims. It runs in the content
 * scripts' isolated world and hands its module to the always-on content
 * script (entrypoints/content/lazy.ts) through a global of that world, which
 * page scripts cannot see.
 */
export default defineUnlistedScript(() => {
  const take = (globalThis as Record<symbol, unknown>)[HIGHLIGHTER_HANDOFF] as ((m: HighlighterModule) => void) | undefined;
  take?.({ Highlighter });
});

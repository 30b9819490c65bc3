/**
 * Loading the highlighter on demand. The always-on content script is small:
 * it answers the background, asks whether the page has claims, and watches
 * for the reader's first selection. Only then does it ask the background to
 * inject `/highlighter.js` (entrypoints/highlighter.ts) into this frame, and
 * that script hands the module back through a symbol-keyed global of the
 * isolated world (page scripts cannot see it).
 */
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { Highlighter } from '../../components/highlighter';
import type { Surfaces } from '../../components/highlighter/surface';
import { send } from '../../utils/ext/client';
import { focusedFrame } from './frames';

export const HIGHLIGHTER_HANDOFF = Symbol.for('saqta.highlighter');

export interface HighlighterModule {
  Highlighter: typeof Highlighter;
}

export class LazyHighlighter {
  /** The started highlighter, once loaded. */
  loaded: Highlighter | null = null;
  private loading: Promise<Highlighter | null> | null = null;

  /**
   * `save`: what Alt+Shift+S in the highlighter does (the content script's savePage).
   * `surfaces`: the hosts the content script added (null on a page that is not HTML: no highlighter there).
   */
  constructor(
    private ctx: ContentScriptContext,
    private save: () => Promise<void>,
    private surfaces: Surfaces | null,
  ) {}

  /** Load and start the highlighter (once); null if it could not be loaded. */
  get(): Promise<Highlighter | null> {
    this.loading ??= this.load().then(
      (h) => {
        if (!h) this.loading = null; // let a later gesture try again
        return h;
      },
      () => {
        this.loading = null;
        return null;
      },
    );
    return this.loading;
  }

  private async load(): Promise<Highlighter | null> {
    if (!this.surfaces) return null;
    const g = globalThis as Record<symbol, unknown>;
    const handed = new Promise<HighlighterModule>((resolve) => {
      g[HIGHLIGHTER_HANDOFF] = resolve;
    });
    const res = await send('highlight.loadUi', {});
    if (!res.ok || this.ctx.isInvalid) return null;
    const mod = await Promise.race([handed, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    delete g[HIGHLIGHTER_HANDOFF];
    if (!mod || this.ctx.isInvalid) return null;
    // Alt+Shift+S in the toolbar's keys saves the page; a selection left in the page while the reader is in a frame is not theirs.
    const h = new mod.Highlighter(this.ctx, this.surfaces, { save: this.save, inFrame: focusedFrame });
    await h.start();
    this.loaded = h;
    return h;
  }
}

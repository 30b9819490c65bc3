/**
 * The highlighter: claims anchored, painted and edited in a page. One module
 * for the three places it runs — the live page (the content script loads it
 * on demand: entrypoints/highlighter.ts, entrypoints/content/lazy.ts), the
 * reader page (entrypoints/reader/) and the PDF viewer (entrypoints/pdf/) —
 * wired here from three controllers: anchoring (anchors.ts: page identity,
 * loading claims, anchoring passes, observers), painting (painter.ts, over
 * layer.ts on live pages or marks.ts in extension pages) and the toolbar
 * (toolbar-controller.ts, over toolbar.ts). This file listens to the reader
 * and answers the background's and the side panel's questions. Design notes:
 * docs/highlighting.md.
 */
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { anchorInMap, buildTextMap, describe, offsetsOf } from '../../utils/anchoring';
import type { AnchorReport, PageInfo } from '../../utils/messages';
import { send } from '../../utils/ext/client';
import { t } from '../../utils/ext/i18n';
import type { Annotation, Selector } from '../../utils/annotation';
import { AnchorController, isLive, type PageSource } from './anchors';
import { Painter, type Marks } from './painter';
import { Overlay } from './layer';
import type { Surfaces } from './surface';
import { ToolbarController, type ToolbarHost } from './toolbar-controller';

// What the reader page and the PDF viewer build it with.
export { attachSurfaces } from './surface';
export { HighlightMarks } from './marks';

/** What the highlighter needs of its host: the content script's context, or the reader page's. */
export interface HighlighterContext {
  addEventListener(target: Document | Window, type: string, handler: (e: Event) => void, options?: AddEventListenerOptions): void;
  setTimeout(handler: () => void, ms: number): number;
  onInvalidated(cb: () => void): void;
}

/**
 * Where it runs. The live page passes its save and its frame check; the reader
 * page and the PDF viewer their article as the page source, Custom Highlight API
 * marks (marks.ts) and a list to keep in step.
 */
interface HighlighterOptions extends ToolbarHost {
  source?: PageSource;
  marks?: Marks;
  /** The claims' order, places or contents changed. */
  onOrderChanged?: () => void;
}

export class Highlighter {
  private anchoring: AnchorController;
  private painter: Painter;
  private tools: ToolbarController;

  /** `surfaces`: the two hosts the content script added to the page (surface.ts); the highlighter only paints inside them. */
  constructor(
    private ctx: ContentScriptContext | HighlighterContext,
    surfaces: Surfaces,
    options: HighlighterOptions = {},
  ) {
    this.anchoring = new AnchorController(
      {
        paint: () => this.painter.paint(),
        schedulePaint: () => this.painter.schedulePaint(),
        synced: () => this.tools.synced(),
      },
      options.source,
    );
    this.painter = new Painter(this.anchoring, () => this.tools.placeToolbar(), options.marks ?? new Overlay(surfaces.overlay), options.onOrderChanged);
    this.tools = new ToolbarController(this.anchoring, this.painter, surfaces.ui, options);
  }

  /** Listen to the reader and load the page's claims (resolves when they are anchored). */
  start(): Promise<void> {
    const ctx = this.ctx as HighlighterContext;
    // The save's screenshot (utils/ext/capture-bridge.ts, run in this same isolated world) hides
    // the reader's marks while it captures; page scripts cannot reach this symbol-keyed global.
    const g = globalThis as Record<symbol, unknown>;
    g[Symbol.for('saqta.marksVisible')] = (visible: boolean) => {
      this.painter.overlay.setVisible(visible);
      if (!visible) this.tools.toolbar.hide();
    };
    ctx.onInvalidated(() => delete g[Symbol.for('saqta.marksVisible')]);
    ctx.addEventListener(document, 'mouseup', (e) => this.tools.onPointerUp(e), { capture: true });
    ctx.addEventListener(document, 'keyup', (e) => this.tools.onKeyUp(e), { capture: true });
    ctx.addEventListener(document, 'keydown', (e) => this.tools.onKeyDown(e), { capture: true });
    ctx.addEventListener(document, 'click', (e) => this.tools.onClick(e), { capture: true });
    ctx.addEventListener(document, 'selectionchange', () => this.tools.onSelectionChange());
    ctx.addEventListener(window, 'scroll', (e) => this.painter.onScroll(e), { capture: true, passive: true });
    ctx.addEventListener(window, 'resize', () => this.painter.schedulePaint());
    // SPA route changes. WXT reports them from the Navigation API's `navigate` event, which fires
    // before location.href changes: read the page's keys a moment later.
    const routed = () => ctx.setTimeout(() => void this.reload(true), 50);
    ctx.addEventListener(window, 'popstate', routed);
    ctx.addEventListener(window, 'wxt:locationchange', routed);
    ctx.onInvalidated(() => {
      this.anchoring.stop();
      this.painter.overlay.destroy();
      this.tools.toolbar.hide();
    });
    return this.reload(false);
  }

  /** The reader's focus went into an embedded frame (the content script watches for it): say Saqta can't mark there. */
  frameHint(): void {
    this.tools.toolbar.toast(t('hlFrameHint'), false);
  }

  /** Revisit: the site changed the article since the saved copy (entrypoints/content/revisit.ts); a toast in the closed UI. */
  notice(message: string): void {
    this.tools.toolbar.toast(message, false);
  }

  /** The lazy loader saw the reader's first selection before this highlighter existed. */
  selectionMade(): void {
    this.tools.showSelectionToolbar();
  }

  pageInfo(withFingerprint = true): PageInfo {
    return this.anchoring.pageInfo(withFingerprint);
  }

  reload(navigated: boolean): Promise<void> {
    return this.anchoring.reload(navigated);
  }

  highlightSelection(): Promise<void> {
    return this.tools.highlightSelection();
  }

  save(): Promise<void> {
    return this.tools.save();
  }

  /** A claim that is not a quote (the PDF viewer's area claims), placed by the page source's `place`. */
  createPlaced(selector: Selector[]): Promise<Annotation | null> {
    return this.tools.createPlaced(selector);
  }

  // ── Questions from the background / side panel ──────────────────────────

  /** The claims as the background last gave them (the reader page's list). */
  annotations(): Annotation[] {
    return [...this.anchoring.claims.values()].map((c) => c.a);
  }

  anchors(): AnchorReport {
    const map = buildTextMap(this.anchoring.root() ?? document.body);
    const claims: AnchorReport['claims'] = [];
    const orphans: string[] = [];
    for (const c of this.anchoring.claims.values()) {
      const live = !!c.hit && isLive(c.hit.range);
      // A placed claim (an area of a PDF page) has no text: it stands at the start of its place's text.
      const at = live ? (offsetsOf(map, c.hit!.range) ?? (this.anchoring.place(c.a) ? placeAt(map, c.hit!.range) : null)) : null;
      if (!c.hit || !at) {
        orphans.push(c.a.id);
        continue;
      }
      claims.push({
        id: c.a.id,
        text: map.text.slice(at.start, at.end),
        start: at.start,
        quality: c.hit.quality,
        weak: c.hit.weak,
        boxes: this.painter.overlay.boxesOf(c.a.id),
      });
    }
    claims.sort((x, y) => x.start - y.start);
    return { pageId: this.anchoring.pageId, claims, orphans, textLength: map.text.length };
  }

  scrollTo(id: string): boolean {
    const c = this.anchoring.claims.get(id);
    if (!c?.hit || !isLive(c.hit.range)) return false;
    const r = c.hit.range.getBoundingClientRect();
    window.scrollTo({ top: window.scrollY + r.top - window.innerHeight / 3, behavior: 'instant' as ScrollBehavior });
    this.painter.paint();
    this.painter.overlay.flash(id);
    return true;
  }

  /** Bulk path: claims from spans of the rendered text, described exactly as a selection is. */
  async highlightSpans(spans: { start: number; end: number }[], tags: string[] = []): Promise<number> {
    const map = buildTextMap(this.anchoring.root() ?? document.body);
    const page = this.pageInfo();
    let created = 0;
    for (const s of spans) {
      const range = map.range(s.start, s.end);
      const selector = describe(map, range);
      if (!selector.length) continue;
      const res = await send('annotation.create', { page, selector, body: { color: this.tools.lastColor, tags, note: '' } });
      if (!res.ok) continue;
      this.anchoring.adopt(res.value, anchorInMap(map, selector));
      created++;
    }
    this.painter.paint();
    return created;
  }

  private changedTimer = 0;
  /** The background told us claims changed somewhere (bursts coalesce into one reload). */
  /** `pageId` '': whatever this page is (the lock changed: docs/lock.md). */
  onChanged(pageId: string): void {
    if (!pageId) this.tools.lockChanged();
    if (pageId && pageId !== this.anchoring.pageId && this.anchoring.pageId !== null) return;
    clearTimeout(this.changedTimer);
    this.changedTimer = window.setTimeout(() => void this.reload(false), 150);
  }
}

/** A text offset for a claim without text: where its place's start falls in the text map. */
function placeAt(map: ReturnType<typeof buildTextMap>, range: Range): { start: number; end: number } {
  const at = map.offsetAt(range.startContainer, range.startOffset);
  return { start: at, end: at };
}

/**
 * The highlighting controller of a page: loads the page's claims from the
 * background, anchors them (utils/anchoring), paints them (layer.ts), runs
 * the toolbar (toolbar.ts) and keeps everything in place as the page
 * changes. Reports where claims landed to the background and answers the
 * side panel's questions.
 */
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { anchorAll, anchorInMap, buildTextMap, describe, offsetsOf, textFingerprint, type Anchored } from '../../utils/anchoring';
import type { AnchorState, Annotation, AnnotationBody, Color } from '../../utils/annotation';
import { browser } from 'wxt/browser';
import type { AnchorReport, Event as SaqtaEvent, PageInfo, PageView } from '../../utils/messages';
import { canonicalOf } from '../../utils/page-meta';
import { pageKeys } from '../../utils/url';
import { send } from '../../utils/ext/client';
import { t } from '../../utils/ext/i18n';
import { Overlay } from './layer';
import { Toolbar } from './toolbar';
import { requestSave } from './save-hook';
import { focusedFrame } from './frames';

interface Claim {
  a: Annotation;
  hit: Anchored | null;
}

type Undo =
  | { kind: 'create'; id: string }
  | { kind: 'delete'; annotation: Annotation }
  | { kind: 'update'; id: string; before: Partial<AnnotationBody> };

/** Quiet time before re-anchoring after the page changes. */
const MUTATION_DEBOUNCE_MS = 300;

export class Highlighter {
  private pageId: string | null = null;
  private claims = new Map<string, Claim>();
  private overlay = new Overlay();
  private toolbar: Toolbar;
  /** The selection the selection-mode toolbar is about. */
  private selRange: Range | null = null;
  private editing: string | null = null;
  private lastColor: Color = 'yellow';
  private undo: Undo | null = null;
  private reported = new Map<string, AnchorState>();
  private mutationTimer = 0;
  private frame = 0;
  private lastCreate = { at: 0, text: '' };
  /** A claim being made from the selection: a second press waits for it instead of making another. */
  private creating: Promise<Annotation | null> | null = null;
  private observer: MutationObserver | null = null;
  private resizeObserver: ResizeObserver | null = null;

  constructor(private ctx: ContentScriptContext) {
    this.toolbar = new Toolbar({
      color: (c) => void this.onColor(c),
      openPanel: (p) => void this.onPanel(p),
      addTag: (name) => void this.onAddTag(name),
      removeTag: (name) => void this.onRemoveTag(name),
      saveNote: (note) => void this.update(this.editing, { note }),
      remove: () => void this.onDelete(),
      undo: () => void this.doUndo(),
      tags: async () => {
        const res = await send('tags.list', {});
        return res.ok ? res.value.tags.map((x) => x.name) : [];
      },
      closed: () => {
        this.editing = null;
        this.selRange = null;
      },
    });
  }

  /** Listen to the reader and load the page's claims (resolves when they are anchored). */
  start(): Promise<void> {
    const { ctx } = this;
    // The save's screenshot (utils/ext/capture-bridge.ts, run in this same isolated world) hides
    // the reader's marks while it captures; page scripts cannot reach this symbol-keyed global.
    const g = globalThis as Record<symbol, unknown>;
    g[Symbol.for('saqta.marksVisible')] = (visible: boolean) => {
      this.overlay.setVisible(visible);
      if (!visible) this.toolbar.hide();
    };
    ctx.onInvalidated(() => delete g[Symbol.for('saqta.marksVisible')]);
    ctx.addEventListener(document, 'mouseup', (e) => this.onPointerUp(e), { capture: true });
    ctx.addEventListener(document, 'keyup', (e) => this.onKeyUp(e), { capture: true });
    ctx.addEventListener(document, 'keydown', (e) => this.onKeyDown(e), { capture: true });
    ctx.addEventListener(document, 'click', (e) => this.onClick(e), { capture: true });
    ctx.addEventListener(document, 'selectionchange', () => this.onSelectionChange());
    ctx.addEventListener(window, 'scroll', (e) => this.onScroll(e), { capture: true, passive: true });
    ctx.addEventListener(window, 'resize', () => this.schedulePaint());
    // SPA route changes. WXT reports them from the Navigation API's `navigate` event, which fires
    // before location.href changes: read the page's keys a moment later.
    const routed = () => ctx.setTimeout(() => void this.reload(true), 50);
    ctx.addEventListener(window, 'popstate', routed);
    ctx.addEventListener(window, 'wxt:locationchange', routed);
    ctx.onInvalidated(() => {
      this.observer?.disconnect();
      this.resizeObserver?.disconnect();
      this.overlay.destroy();
      this.toolbar.hide();
    });
    return this.reload(false);
  }

  /** The reader's focus went into an embedded frame (the content script watches for it): say Saqta can't mark there. */
  frameHint(): void {
    this.toolbar.toast(t('hlFrameHint'), false);
  }

  /** Revisit: the site changed the article since the saved copy (entrypoints/content/revisit.ts); a toast in the closed UI. */
  notice(message: string): void {
    this.toolbar.toast(message, false);
  }

  /** The lazy loader saw the reader's first selection before this highlighter existed. */
  selectionMade(): void {
    this.showSelectionToolbar();
  }

  /**
   * Watch the page for changes (late content, reflow) — only once it has
   * claims: a page without any costs no observer callbacks at all.
   */
  private watch(): void {
    if (this.observer || !document.body) return;
    this.observer = new MutationObserver(() => this.onMutation());
    this.observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['hidden', 'style', 'class'] });
    this.resizeObserver = new ResizeObserver(() => this.schedulePaint());
    this.resizeObserver.observe(document.body);
  }

  // ── Page identity and loading ────────────────────────────────────────────

  /**
   * What identifies this page. The text fingerprint walks the page's
   * paragraphs, so it is left out of the load-time lookup (`withFingerprint`
   * false) and computed only when a claim is made or the URL and canonical
   * link find nothing.
   */
  pageInfo(withFingerprint = true): PageInfo {
    const keys = pageKeys(location.href, canonicalOf(document), withFingerprint ? textFingerprint(document.body) : null);
    const siteName = document.querySelector('meta[property="og:site_name" i]')?.getAttribute('content') ?? undefined;
    return { keys, title: document.title, lang: document.documentElement.lang || undefined, siteName };
  }

  /** Ask the background for this page's claims and anchor them. */
  async reload(navigated: boolean): Promise<void> {
    let res = await send('page.get', { keys: this.pageInfo(false).keys });
    if (res.ok && !res.value.page) {
      // Unknown by URL and canonical link: perhaps a mirror of a known article.
      // Look it up by its text when the page is idle, off its load path.
      await idle();
      res = await send('page.get', { keys: this.pageInfo(true).keys });
    }
    if (!res.ok) return;
    if (navigated) {
      this.claims.clear();
      this.reported.clear();
    }
    this.sync(res.value);
  }

  private sync(view: PageView): void {
    this.pageId = view.page?.id ?? null;
    const next = new Map<string, Claim>();
    const fresh: string[] = [];
    for (const incoming of view.annotations) {
      const old = this.claims.get(incoming.id);
      // An answer that left the background before our own last change must not undo it locally.
      const a = old && old.a.modified > incoming.modified ? old.a : incoming;
      if (old && JSON.stringify(old.a.target) === JSON.stringify(a.target)) next.set(a.id, { a, hit: old.hit });
      else {
        next.set(a.id, { a, hit: null });
        fresh.push(a.id);
      }
    }
    this.claims = next;
    if (fresh.length) this.anchorPass(fresh);
    else this.paint();
    if (this.editing) {
      const c = this.claims.get(this.editing);
      const open = this.toolbar.open;
      if (!c) this.toolbar.hide();
      // Re-render only for a change made elsewhere (another tab, the side panel): never under the reader's typing.
      else if (open?.mode === 'edit' && c.a.modified > open.claim.modified) {
        this.toolbar.show({ ...open, claim: c.a }, this.rectOf(c) ?? new DOMRect(), false);
      }
    }
  }

  /** Anchor these claims (or every claim still orphaned or weak) over one fresh text map, in one anchorAll pass. */
  private anchorPass(ids?: string[]): void {
    if (this.claims.size) this.watch();
    const todo = ids ?? [...this.claims.values()].filter((c) => !c.hit || c.hit.weak || !isLive(c.hit.range)).map((c) => c.a.id);
    if (todo.length) {
      const map = buildTextMap(document.body);
      const targets = todo.flatMap((id) => {
        const c = this.claims.get(id);
        return c ? [{ id, selectors: c.a.target.selector }] : [];
      });
      const results = anchorAll(map, targets);
      for (const id of todo) {
        const c = this.claims.get(id);
        if (!c) continue;
        const found = results.get(id) ?? null;
        // A weak match only moves to a better one; a live strong match stays.
        if (!found) {
          if (!c.hit || !isLive(c.hit.range)) c.hit = null;
        } else if (!c.hit || !isLive(c.hit.range) || found.score > c.hit.score || !found.weak) {
          c.hit = found;
        }
      }
    }
    this.paint();
    this.report();
  }

  private report(): void {
    const states: Record<string, AnchorState> = {};
    for (const c of this.claims.values()) {
      const s: AnchorState = c.hit ? 'anchored' : 'orphan';
      if (this.reported.get(c.a.id) !== s && (c.a.anchor !== s || this.reported.has(c.a.id))) states[c.a.id] = s;
      this.reported.set(c.a.id, s);
    }
    if (Object.keys(states).length) void send('annotation.anchorStates', { states });
  }

  // ── Painting ─────────────────────────────────────────────────────────────

  private paint(): void {
    this.announce();
    const items = [...this.claims.values()]
      .filter((c) => c.hit && isLive(c.hit.range))
      .map((c) => ({ id: c.a.id, color: c.a.body.color, range: c.hit!.range }));
    this.overlay.paint(items);
    this.placeToolbar();
  }

  private announced = '';
  /** Tell the side panel when the document order or the orphan list changed. */
  private announce(): void {
    const sig = [...this.claims.values()].map((c) => `${c.a.id}:${c.hit ? c.hit.start : '-'}:${c.a.modified}`).join('|');
    if (sig === this.announced) return;
    this.announced = sig;
    const event: SaqtaEvent = { event: 'anchors.changed', pageId: this.pageId };
    browser.runtime.sendMessage(event).catch(() => undefined);
  }

  private schedulePaint(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.paint());
  }

  private onScroll(e: Event): void {
    if (e.target === document || e.target === window) {
      this.overlay.scrolled();
      this.placeToolbar();
    } else {
      this.schedulePaint(); // an inner scroller moved some text
    }
  }

  private onMutation(): void {
    clearTimeout(this.mutationTimer);
    this.mutationTimer = window.setTimeout(() => {
      if (this.claims.size === 0) return;
      const needs = [...this.claims.values()].some((c) => !c.hit || c.hit.weak || !isLive(c.hit.range));
      if (needs) this.anchorPass();
      else this.paint();
    }, MUTATION_DEBOUNCE_MS);
  }

  private rectOf(c: Claim): DOMRect | null {
    if (!c.hit || !isLive(c.hit.range)) return null;
    const rects = c.hit.range.getClientRects();
    return rects.length ? rects[rects.length - 1] : c.hit.range.getBoundingClientRect();
  }

  private placeToolbar(): void {
    const open = this.toolbar.open;
    if (!open) return;
    if (open.mode === 'edit') {
      const c = this.claims.get(open.claim.id);
      const r = c && this.rectOf(c);
      if (r) this.toolbar.moveTo(r);
    } else if (this.selRange) {
      const rects = this.selRange.getClientRects();
      if (rects.length) this.toolbar.moveTo(rects[rects.length - 1]);
    }
  }

  // ── Reader input ─────────────────────────────────────────────────────────

  private currentSelection(): Range | null {
    const sel = document.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
    const r = sel.getRangeAt(0);
    if (!document.body.contains(r.commonAncestorContainer)) return null;
    return r.cloneRange();
  }

  private showSelectionToolbar(): void {
    if (this.toolbar.hasFocus()) return;
    const r = this.currentSelection();
    if (!r || !r.toString().trim()) return;
    this.selRange = r;
    this.editing = null;
    const rects = r.getClientRects();
    this.toolbar.show({ mode: 'selection' }, rects.length ? rects[rects.length - 1] : r.getBoundingClientRect());
  }

  // Page scripts can dispatch synthetic events (isTrusted === false): only a
  // person's input may show the toolbar or make a claim (tests/e2e/hostile.e2e.ts).
  private onPointerUp(e: Event): void {
    if (!e.isTrusted || this.toolbar.owns(e.target)) return;
    window.setTimeout(() => this.showSelectionToolbar(), 0);
  }

  private onKeyUp(e: Event): void {
    if (!e.isTrusted || this.toolbar.owns(e.target)) return;
    const k = e as KeyboardEvent;
    if (k.shiftKey || k.key === 'Shift' || k.key.startsWith('Arrow') || (k.key.toLowerCase() === 'a' && (k.ctrlKey || k.metaKey))) {
      this.showSelectionToolbar();
    }
  }

  private onSelectionChange(): void {
    if (this.toolbar.open?.mode === 'selection' && !this.toolbar.hasFocus() && !this.currentSelection()) this.toolbar.hide();
  }

  private onKeyDown(e: Event): void {
    if (!e.isTrusted) return;
    const k = e as KeyboardEvent;
    if (!k.altKey || !k.shiftKey || k.ctrlKey || k.metaKey) return;
    if (k.code === 'KeyH') {
      k.preventDefault();
      k.stopPropagation();
      void this.highlightSelection();
    } else if (k.code === 'KeyS') {
      k.preventDefault();
      k.stopPropagation();
      void this.save();
    }
  }

  private onClick(e: Event): void {
    if (!e.isTrusted || this.toolbar.owns(e.target)) return;
    const m = e as MouseEvent;
    if (this.currentSelection()) return;
    const [id] = this.overlay.hit(m.clientX, m.clientY);
    if (id) this.openEdit(id, undefined, false);
    else if (this.toolbar.open?.mode === 'edit') this.toolbar.hide();
  }

  // ── Actions ──────────────────────────────────────────────────────────────

  /** Alt+Shift+H, the command and the context menu: highlight the selection in the last colour. */
  async highlightSelection(): Promise<void> {
    // The command or menu came from inside an embedded frame: a selection left in the page is not what the reader meant.
    if (focusedFrame()) {
      this.toolbar.toast(t('hlInFrame'), false);
      return;
    }
    const r = this.currentSelection() ?? this.selRange;
    if (!r || !r.toString().trim()) {
      this.toolbar.toast(t('hlNothingSelected'), false);
      return;
    }
    if (this.creating) return;
    // The shortcut may arrive both as a key event and as the browser command.
    const text = r.toString();
    if (Date.now() - this.lastCreate.at < 800 && this.lastCreate.text === text) return;
    const a = await this.create(r, this.lastColor);
    if (a) this.openEdit(a.id, undefined, true);
  }

  async save(): Promise<void> {
    if (!(await requestSave())) this.toolbar.toast(t('hlSaveUnavailable'), false);
  }

  private create(range: Range, color: Color, tags: string[] = []): Promise<Annotation | null> {
    if (this.creating) return this.creating;
    this.creating = this.createNow(range, color, tags).finally(() => {
      this.creating = null;
    });
    return this.creating;
  }

  private async createNow(range: Range, color: Color, tags: string[]): Promise<Annotation | null> {
    const map = buildTextMap(document.body);
    const selector = describe(map, range);
    if (selector.length === 0) {
      this.toolbar.toast(t('hlNothingSelected'), false);
      return null;
    }
    this.lastCreate = { at: Date.now(), text: range.toString() };
    const res = await send('annotation.create', { page: this.pageInfo(), selector, body: { color, tags, note: '' } });
    if (!res.ok) {
      this.toolbar.toast(t('hlError', res.error.message), false);
      return null;
    }
    const a = res.value.annotation;
    this.pageId = res.value.page.id;
    this.claims.set(a.id, { a, hit: anchorInMap(map, selector) });
    this.watch();
    this.reported.set(a.id, 'anchored');
    this.lastColor = color;
    this.undo = { kind: 'create', id: a.id };
    this.paint();
    this.toolbar.toast(t('hlToastCreated'), true);
    return a;
  }

  private openEdit(id: string, panel: 'tag' | 'note' | undefined, focus: boolean): void {
    const c = this.claims.get(id);
    if (!c) return;
    this.editing = id;
    this.selRange = null;
    this.toolbar.show({ mode: 'edit', claim: c.a, panel }, this.rectOf(c) ?? new DOMRect(), focus);
  }

  private async onColor(color: Color): Promise<void> {
    if (this.creating) await this.creating;
    if (this.editing) {
      this.lastColor = color;
      await this.update(this.editing, { color });
      return;
    }
    if (!this.selRange) return;
    const a = await this.create(this.selRange, color);
    if (a) this.openEdit(a.id, undefined, true);
  }

  private async onPanel(panel: 'tag' | 'note'): Promise<void> {
    if (this.creating) await this.creating;
    if (this.editing) {
      const open = this.toolbar.open;
      const same = open?.mode === 'edit' && open.panel === panel;
      this.openEdit(this.editing, same ? undefined : panel, true);
      return;
    }
    if (!this.selRange) return;
    const a = await this.create(this.selRange, this.lastColor);
    if (a) this.openEdit(a.id, panel, true);
  }

  private async onAddTag(name: string): Promise<void> {
    const c = this.editing ? this.claims.get(this.editing) : undefined;
    if (!c || !name.trim()) return;
    if (c.a.body.tags.some((x) => x.toLocaleLowerCase() === name.trim().toLocaleLowerCase())) return;
    await this.update(c.a.id, { tags: [...c.a.body.tags, name.trim()] }, 'tag');
  }

  private async onRemoveTag(name: string): Promise<void> {
    const c = this.editing ? this.claims.get(this.editing) : undefined;
    if (!c) return;
    await this.update(c.a.id, { tags: c.a.body.tags.filter((x) => x !== name) }, 'tag');
  }

  private async update(id: string | null, body: Partial<AnnotationBody>, panel?: 'tag' | 'note', recordUndo = true): Promise<void> {
    const c = id ? this.claims.get(id) : undefined;
    if (!c) return;
    const before: Partial<AnnotationBody> = {};
    for (const k of Object.keys(body) as (keyof AnnotationBody)[]) (before as Record<string, unknown>)[k] = c.a.body[k];
    const res = await send('annotation.update', { id: c.a.id, body });
    if (!res.ok) {
      this.toolbar.toast(t('hlError', res.error.message), false);
      return;
    }
    c.a = res.value.annotation;
    if (recordUndo) {
      this.undo = { kind: 'update', id: c.a.id, before };
      this.toolbar.toast(t('hlToastUpdated'), true);
    }
    this.paint();
    if (this.editing === c.a.id) {
      const open = this.toolbar.open;
      this.toolbar.show({ mode: 'edit', claim: c.a, panel: panel ?? (open?.mode === 'edit' ? open.panel : undefined) }, this.rectOf(c) ?? new DOMRect());
    }
  }

  private async onDelete(): Promise<void> {
    const c = this.editing ? this.claims.get(this.editing) : undefined;
    if (!c) return;
    const res = await send('annotation.delete', { id: c.a.id });
    if (!res.ok) {
      this.toolbar.toast(t('hlError', res.error.message), false);
      return;
    }
    this.claims.delete(c.a.id);
    this.lastCreate = { at: 0, text: '' };
    this.undo = { kind: 'delete', annotation: res.value.annotation };
    this.toolbar.hide();
    this.paint();
    this.toolbar.toast(t('hlToastDeleted'), true);
  }

  private async doUndo(): Promise<void> {
    const u = this.undo;
    if (!u) return;
    this.undo = null;
    this.lastCreate = { at: 0, text: '' };
    if (u.kind === 'create') {
      const res = await send('annotation.delete', { id: u.id });
      if (res.ok) {
        this.claims.delete(u.id);
        if (this.editing === u.id) this.toolbar.hide();
      }
    } else if (u.kind === 'delete') {
      const res = await send('annotation.restore', { annotation: u.annotation });
      if (res.ok) {
        this.claims.set(u.annotation.id, { a: res.value.annotation, hit: null });
        this.anchorPass([u.annotation.id]);
      }
    } else {
      await this.update(u.id, u.before, undefined, false);
    }
    this.paint();
    this.toolbar.toast(t('hlUndone'), false);
  }

  // ── Questions from the background / side panel ──────────────────────────

  anchors(): AnchorReport {
    const map = buildTextMap(document.body);
    const claims: AnchorReport['claims'] = [];
    const orphans: string[] = [];
    for (const c of this.claims.values()) {
      const at = c.hit && isLive(c.hit.range) ? offsetsOf(map, c.hit.range) : null;
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
        boxes: this.overlay.boxesOf(c.a.id),
      });
    }
    claims.sort((x, y) => x.start - y.start);
    return { pageId: this.pageId, claims, orphans, textLength: map.text.length };
  }

  scrollTo(id: string): boolean {
    const c = this.claims.get(id);
    if (!c?.hit || !isLive(c.hit.range)) return false;
    const r = c.hit.range.getBoundingClientRect();
    window.scrollTo({ top: window.scrollY + r.top - window.innerHeight / 3, behavior: 'instant' as ScrollBehavior });
    this.paint();
    this.overlay.flash(id);
    return true;
  }

  /** Bulk path: claims from spans of the rendered text, described exactly as a selection is. */
  async highlightSpans(spans: { start: number; end: number }[], tags: string[] = []): Promise<number> {
    const map = buildTextMap(document.body);
    const page = this.pageInfo();
    let created = 0;
    for (const s of spans) {
      const range = map.range(s.start, s.end);
      const selector = describe(map, range);
      if (!selector.length) continue;
      const res = await send('annotation.create', { page, selector, body: { color: this.lastColor, tags, note: '' } });
      if (!res.ok) continue;
      this.pageId = res.value.page.id;
      this.claims.set(res.value.annotation.id, { a: res.value.annotation, hit: anchorInMap(map, selector) });
      created++;
    }
    if (created) this.watch();
    this.paint();
    return created;
  }

  private changedTimer = 0;
  /** The background told us claims changed somewhere (bursts coalesce into one reload). */
  onChanged(pageId: string): void {
    if (pageId !== this.pageId && this.pageId !== null) return;
    clearTimeout(this.changedTimer);
    this.changedTimer = window.setTimeout(() => void this.reload(false), 150);
  }
}

function isLive(r: Range): boolean {
  return r.startContainer.isConnected && r.endContainer.isConnected && !r.collapsed;
}

/** Resolves when the page's main thread is idle (at most 2 s later). */
function idle(): Promise<void> {
  return new Promise((done) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => done(), { timeout: 2000 });
    else setTimeout(done, 50);
  });
}

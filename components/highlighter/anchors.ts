/**
 * The anchoring controller of a page: page identity, loading the page's
 * claims from the background, anchoring passes (utils/anchoring) over one
 * text map, the observers that re-anchor as the page changes, and the
 * anchor states reported to the background. Painting is painter.ts's job,
 * the toolbar toolbar-controller.ts's; index.ts wires the three.
 *
 * The controller owns its state: the page's identity, the claims and what was
 * last reported to the background change only through its methods (a load,
 * `adopt` for a claim just made, `revise`, `forget`, `restore`); the others
 * read it.
 */
import { anchorAll, buildTextMap, textFingerprint, type Anchored } from '../../utils/anchoring';
import type { AnchorState, Annotation, Selector } from '../../utils/annotation';
import type { PageInfo, PageView } from '../../utils/messages';
import type { CaptureRecord, PageRecord } from '../../utils/db';
import { canonicalOf } from '../../utils/page-meta';
import { pageKeys } from '../../utils/url';
import { send } from '../../utils/ext/client';

/** A claim and where it anchored (null: an orphan), as the others read it. */
export interface Claim {
  readonly a: Annotation;
  readonly hit: Anchored | null;
}

/** The controller's own, changeable copy. */
interface Held {
  a: Annotation;
  hit: Anchored | null;
}

/** What the anchoring controller asks of the others (painter, toolbar). */
interface AnchorHooks {
  paint(): void;
  schedulePaint(): void;
  /** Claims were (re)loaded from the background: the toolbar may need to follow a change made elsewhere. */
  synced(): void;
}

/**
 * Where the claims live. On a live page: the document's body, the page's keys
 * and `page.get`; in the reader: the saved article's element, the saved page's
 * keys and `page.byId` — so a claim made in either is the same claim.
 */
export interface PageSource {
  /** The element claims are anchored in, or null while it is not there. */
  root(): HTMLElement | null;
  pageInfo(withFingerprint: boolean): PageInfo;
  /** The page's claims from the background (null: no answer). */
  view(): Promise<PageView | null>;
  /** Selectors beyond text position and quote for a new claim (the PDF viewer's page number). */
  extraSelectors?(range: Range): Selector[];
  /**
   * A place for a claim that is not a quote (the PDF viewer's area claims), or null: the text
   * anchoring takes the others. The range must be live and not collapsed.
   */
  place?(a: Annotation): Range | null;
}

/** The live page in a tab (the content script). */
const livePage: PageSource = {
  root: () => document.body,
  pageInfo(withFingerprint) {
    const keys = pageKeys(location.href, canonicalOf(document), withFingerprint ? textFingerprint(document.body) : null);
    const siteName = document.querySelector('meta[property="og:site_name" i]')?.getAttribute('content') ?? undefined;
    return { keys, title: document.title, lang: document.documentElement.lang || undefined, siteName };
  },
  async view() {
    let res = await send('page.get', { keys: this.pageInfo(false).keys });
    if (res.ok && !res.value.page) {
      // Unknown by URL and canonical link: perhaps a mirror of a known article.
      // Look it up by its text when the page is idle, off its load path.
      await idle();
      res = await send('page.get', { keys: this.pageInfo(true).keys });
    }
    return res.ok ? res.value : null;
  },
};

/** Quiet time before re-anchoring after the page changes. */
const MUTATION_DEBOUNCE_MS = 300;

export class AnchorController {
  private id: string | null = null;
  private held = new Map<string, Held>();
  /** Each claim's anchor state as the background last heard it. */
  private reported = new Map<string, AnchorState>();
  private record: PageRecord | null = null;
  private newest: CaptureRecord | null = null;
  private mutationTimer = 0;
  private observer: MutationObserver | null = null;
  private resizeObserver: ResizeObserver | null = null;

  constructor(
    private hooks: AnchorHooks,
    private source: PageSource = livePage,
  ) {}

  /** The page record's id (null: this page has no claims yet). */
  get pageId(): string | null {
    return this.id;
  }

  /** The page record and newest capture the last load brought (citations). */
  get page(): PageRecord | null {
    return this.record;
  }

  get capture(): CaptureRecord | null {
    return this.newest;
  }

  /** The page's claims by id, in the background's order. */
  get claims(): ReadonlyMap<string, Claim> {
    return this.held;
  }

  root(): HTMLElement | null {
    return this.source.root();
  }

  // ── Changes made here (the toolbar, the bulk path) ───────────────────────

  /**
   * A claim this page just made (`annotation.create`'s answer), anchored where
   * it was made (`hit`): hold it under its page, known to the background as
   * the claim says, and watch the page from now on.
   */
  adopt(created: { annotation: Annotation; page: PageRecord }, hit: Anchored | null): void {
    const a = created.annotation;
    this.id = created.page.id;
    this.record = created.page;
    this.held.set(a.id, { a, hit });
    this.reported.set(a.id, a.anchor);
    this.watch();
  }

  /** A claim's new version (`annotation.update`'s answer); undefined if it is no longer held. */
  revise(a: Annotation): Claim | undefined {
    const c = this.held.get(a.id);
    if (c) c.a = a;
    return c;
  }

  /** A claim deleted here. */
  forget(id: string): void {
    this.held.delete(id);
  }

  /** A deleted claim brought back (`annotation.restore`'s answer): anchor it again. */
  restore(a: Annotation): void {
    this.held.set(a.id, { a, hit: null });
    this.anchorPass([a.id]);
  }

  /**
   * Watch the page for changes (late content, reflow) — only once it has
   * claims: a page without any costs no observer callbacks at all.
   */
  private watch(): void {
    const root = this.root();
    if (this.observer || !root) return;
    this.observer = new MutationObserver(() => this.onMutation());
    this.observer.observe(root, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['hidden', 'style', 'class'] });
    this.resizeObserver = new ResizeObserver(() => this.hooks.schedulePaint());
    this.resizeObserver.observe(root);
  }

  stop(): void {
    this.observer?.disconnect();
    this.resizeObserver?.disconnect();
  }

  // ── Page identity and loading ────────────────────────────────────────────

  /**
   * What identifies this page. The text fingerprint walks the page's
   * paragraphs, so it is left out of the load-time lookup (`withFingerprint`
   * false) and computed only when a claim is made or the URL and canonical
   * link find nothing.
   */
  pageInfo(withFingerprint = true): PageInfo {
    return this.source.pageInfo(withFingerprint);
  }

  /** Selectors the page source adds to a new claim's (none on web pages). */
  extraSelectors(range: Range): Selector[] {
    return this.source.extraSelectors?.(range) ?? [];
  }

  /** The place of a claim that is not a quote (an area of a PDF page), if the page source has one. */
  place(a: Annotation): Range | null {
    return this.source.place?.(a) ?? null;
  }

  /** Ask the background for this page's claims and anchor them. */
  async reload(navigated: boolean): Promise<void> {
    const view = await this.source.view();
    if (!view) return;
    if (navigated) {
      this.held.clear();
      this.reported.clear();
    }
    this.sync(view);
  }

  private sync(view: PageView): void {
    this.id = view.page?.id ?? null;
    this.record = view.page;
    this.newest = view.capture;
    const next = new Map<string, Held>();
    const fresh: string[] = [];
    for (const incoming of view.annotations) {
      const old = this.held.get(incoming.id);
      // An answer that left the background before our own last change must not undo it locally.
      const a = old && old.a.modified > incoming.modified ? old.a : incoming;
      if (old && JSON.stringify(old.a.target) === JSON.stringify(a.target)) next.set(a.id, { a, hit: old.hit });
      else {
        next.set(a.id, { a, hit: null });
        fresh.push(a.id);
      }
    }
    this.held = next;
    if (fresh.length) this.anchorPass(fresh);
    else this.hooks.paint();
    this.hooks.synced();
  }

  /** Anchor these claims (or every claim still orphaned or weak) over one fresh text map, in one anchorAll pass. */
  private anchorPass(ids?: string[]): void {
    if (this.held.size) this.watch();
    const todo = ids ?? [...this.held.values()].filter((c) => !c.hit || c.hit.weak || !isLive(c.hit.range)).map((c) => c.a.id);
    const root = this.root();
    if (todo.length && root) {
      const placed = new Set<string>();
      for (const id of todo) {
        const c = this.held.get(id);
        const range = c && this.source.place?.(c.a);
        if (!c || !range) continue;
        c.hit = { range, start: 0, end: 0, score: 1, quality: 'exact', weak: false };
        placed.add(id);
      }
      const map = buildTextMap(root);
      const targets = todo.flatMap((id) => {
        const c = placed.has(id) ? undefined : this.held.get(id);
        return c ? [{ id, selectors: c.a.target.selector }] : [];
      });
      const results = anchorAll(map, targets);
      for (const id of todo) {
        const c = this.held.get(id);
        if (!c || placed.has(id)) continue;
        const found = results.get(id) ?? null;
        // A weak match only moves to a better one; a live strong match stays.
        if (!found) {
          if (!c.hit || !isLive(c.hit.range)) c.hit = null;
        } else if (!c.hit || !isLive(c.hit.range) || found.score > c.hit.score || !found.weak) {
          c.hit = found;
        }
      }
    }
    this.hooks.paint();
    this.report();
  }

  private report(): void {
    const states: Record<string, AnchorState> = {};
    for (const c of this.held.values()) {
      const s: AnchorState = c.hit ? 'anchored' : 'orphan';
      if (this.reported.get(c.a.id) !== s && (c.a.anchor !== s || this.reported.has(c.a.id))) states[c.a.id] = s;
      this.reported.set(c.a.id, s);
    }
    if (Object.keys(states).length) void send('annotation.anchorStates', { states });
  }

  private onMutation(): void {
    clearTimeout(this.mutationTimer);
    this.mutationTimer = window.setTimeout(() => {
      if (this.held.size === 0) return;
      const needs = [...this.held.values()].some((c) => !c.hit || c.hit.weak || !isLive(c.hit.range));
      if (needs) this.anchorPass();
      else this.hooks.paint();
    }, MUTATION_DEBOUNCE_MS);
  }
}

export function isLive(r: Range): boolean {
  return r.startContainer.isConnected && r.endContainer.isConnected && !r.collapsed;
}

/** Resolves when the page's main thread is idle (at most 2 s later). */
function idle(): Promise<void> {
  return new Promise((done) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => done(), { timeout: 2000 });
    else setTimeout(done, 50);
  });
}

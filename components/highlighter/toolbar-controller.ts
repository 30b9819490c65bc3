/**
 * The toolbar controller: the reader's input (selection, clicks on
 * highlights, Alt+Shift+H/S) and the toolbar's actions — make a claim,
 * recolour, tag, note, delete, undo — sent to the background, then painted.
 */
import { anchorInMap, buildTextMap, describe } from '../../utils/anchoring';
import type { Annotation, AnnotationBody, Color, Selector } from '../../utils/annotation';
import { send } from '../../utils/ext/client';
import { t } from '../../utils/ext/i18n';
import { citationText, copyText } from '../../utils/ext/cite';
import { liveMetaOf } from '../../utils/extract/meta';
import { Toolbar, type Panel } from './toolbar';
import { releaseSelection, selectionIn, selectionRect } from './selection';
import type { AnchorController } from './anchors';
import type { Painter } from './painter';
import type { Surface } from './surface';

/** On a live page, what it states about itself (author, date, canonical URL) fills a citation before it is saved. */
const liveMeta = () => (/^https?:$/.test(location.protocol) ? liveMetaOf(document) : {});

/** What the toolbar asks of the page it runs in (the content script, the reader, the PDF viewer). */
export interface ToolbarHost {
  /** Alt+Shift+S and the save command (none: the toolbar says saving is not available here). */
  save?: () => Promise<void>;
  /** The embedded frame that has the reader's focus, if any: the page's selection is then not what they mean (live pages). */
  inFrame?: () => Element | null;
}

type Undo =
  | { kind: 'create'; id: string }
  | { kind: 'delete'; annotation: Annotation }
  | { kind: 'update'; id: string; before: Partial<AnnotationBody> };

export class ToolbarController {
  toolbar: Toolbar;
  /** The selection the selection-mode toolbar is about. */
  private selRange: Range | null = null;
  private editing: string | null = null;
  lastColor: Color = 'yellow';
  private undo: Undo | null = null;
  private lastCreate = { at: 0, text: '' };
  /** A claim being made from the selection: a second press waits for it instead of making another. */
  private creating: Promise<Annotation | null> | null = null;
  /** A tag or note field opened before its claim existed: what is typed there waits for the claim. */
  private opening: Promise<void> | null = null;

  constructor(
    private anchoring: AnchorController,
    private painter: Painter,
    ui: Surface,
    private host: ToolbarHost = {},
  ) {
    this.toolbar = new Toolbar({
      color: (c) => void this.onColor(c),
      openPanel: (p) => void this.onPanel(p),
      addTag: (name) => void this.onAddTag(name),
      removeTag: (name) => void this.onRemoveTag(name),
      saveNote: (note) => void this.onSaveNote(note),
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
      citation: (claim, format) => citationText(claim, this.anchoring.page, this.anchoring.capture, format, liveMeta()),
      cite: (claim, format) => void this.onCite(claim, format),
      copy: () => void this.onCopyColleague(),
      unlock: () => void send('lock.openUnlock', {}).finally(() => this.toolbar.hide()),
    }, ui);
  }

  /** Team sync: copy a colleague's (read-only) claim as the reader's own. */
  private async onCopyColleague(): Promise<void> {
    const id = this.editing;
    if (!id) return;
    const res = await send('team.copyClaim', { id });
    this.toolbar.hide();
    if (!res.ok) return this.toolbar.toast(t('hlError', res.error.message), false);
    this.toolbar.toast(t('teamCopied'), true);
    await this.anchoring.reload(false);
  }

  /** Claims were reloaded: follow a change made elsewhere to the claim being edited. */
  synced(): void {
    if (this.editing) {
      const c = this.anchoring.claims.get(this.editing);
      const open = this.toolbar.open;
      if (!c) this.toolbar.hide();
      // Re-render only for a change made elsewhere (another tab, the side panel): never under the reader's typing.
      else if (open?.mode === 'edit' && c.a.modified > open.claim.modified) {
        this.toolbar.show({ ...open, claim: c.a }, this.painter.rectOf(c) ?? new DOMRect(), false);
      }
    }
  }

  placeToolbar(): void {
    const open = this.toolbar.open;
    if (!open) return;
    if (open.mode === 'edit') {
      const c = this.anchoring.claims.get(open.claim.id);
      const r = c && this.painter.rectOf(c);
      if (r) this.toolbar.moveTo(r);
    } else if (this.selRange) {
      const rects = this.selRange.getClientRects();
      if (rects.length) this.toolbar.moveTo(rects[rects.length - 1]);
    }
  }

  // ── Reader input ─────────────────────────────────────────────────────────

  showSelectionToolbar(): void {
    if (this.toolbar.hasFocus()) return;
    const r = selectionIn(this.anchoring.root());
    if (!r || !r.toString().trim()) return;
    this.selRange = r;
    this.editing = null;
    // Known open (or no lock): at once, as before. Otherwise ask; locked, the toolbar offers only "Unlock to highlight".
    if (this.locked === false) return this.toolbar.show({ mode: 'selection' }, selectionRect(r));
    void send('lock.offer', {}).then((res) => {
      this.locked = res.ok ? res.value.locked : false;
      if (this.selRange === r && !this.toolbar.hasFocus()) this.toolbar.show({ mode: this.locked ? 'locked' : 'selection' }, selectionRect(r));
    });
  }

  /** Whether the library was locked when last asked (null: ask again: the lock changed). */
  private locked: boolean | null = null;
  lockChanged(): void {
    this.locked = null;
    if (this.toolbar.open?.mode === 'locked') this.toolbar.hide();
  }

  // Page scripts can dispatch synthetic events (isTrusted === false): only a
  // person's input may show the toolbar or make a claim (tests/e2e/hostile.e2e.ts).
  onPointerUp(e: Event): void {
    if (!e.isTrusted || this.toolbar.owns(e.target)) return;
    window.setTimeout(() => this.showSelectionToolbar(), 0);
  }

  onKeyUp(e: Event): void {
    if (!e.isTrusted || this.toolbar.owns(e.target)) return;
    const k = e as KeyboardEvent;
    if (k.shiftKey || k.key === 'Shift' || k.key.startsWith('Arrow') || (k.key.toLowerCase() === 'a' && (k.ctrlKey || k.metaKey))) {
      this.showSelectionToolbar();
    }
  }

  onSelectionChange(): void {
    if ((this.toolbar.open?.mode === 'selection' || this.toolbar.open?.mode === 'locked') && !this.toolbar.hasFocus() && !selectionIn(this.anchoring.root())) this.toolbar.hide();
  }

  onKeyDown(e: Event): void {
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

  onClick(e: Event): void {
    if (!e.isTrusted || this.toolbar.owns(e.target)) return;
    const m = e as MouseEvent;
    if (selectionIn(this.anchoring.root())) return;
    const [id] = this.painter.overlay.hit(m.clientX, m.clientY);
    if (id) this.openEdit(id, undefined, false);
    else if (this.toolbar.open?.mode === 'edit') this.toolbar.hide();
  }

  // ── Actions ──────────────────────────────────────────────────────────────

  /** Alt+Shift+H, the command and the context menu: highlight the selection in the last colour. */
  async highlightSelection(): Promise<void> {
    // The command or menu came from inside an embedded frame: a selection left in the page is not what the reader meant.
    if (this.host.inFrame?.()) {
      this.toolbar.toast(t('hlInFrame'), false);
      return;
    }
    const r = selectionIn(this.anchoring.root()) ?? this.selRange;
    if (!r || !r.toString().trim()) {
      // The same Alt+Shift+H arriving again as the browser command after its key event made the
      // claim (which let go of the selection): not a second request, and "select text first" would
      // replace "Highlighted" (seen by the Kazakh keyboard journey on a loaded machine).
      if (Date.now() - this.lastCreate.at < 2000) return;
      this.toolbar.toast(t('hlNothingSelected'), false);
      return;
    }
    if (this.creating) return;
    // The shortcut may arrive both as a key event and as the browser command.
    const text = r.toString();
    if (Date.now() - this.lastCreate.at < 800 && this.lastCreate.text === text) return;
    const a = await this.create(r, this.lastColor);
    if (a && !this.opening) this.openEdit(a.id, undefined, true);
  }

  async save(): Promise<void> {
    if (this.host.save) await this.host.save();
    else this.toolbar.toast(t('hlSaveUnavailable'), false);
  }

  /**
   * A claim that is not a quote (an area of a PDF page: the viewer's selectors), placed by the
   * page source; then the toolbar opens on it as after Alt+Shift+H, for tags and a note.
   */
  async createPlaced(selector: Selector[]): Promise<Annotation | null> {
    if (this.creating) return null;
    const res = await send('annotation.create', { page: this.anchoring.pageInfo(), selector, body: { color: this.lastColor, tags: [], note: '' } });
    if (!res.ok) {
      this.toolbar.toast(t('hlError', res.error.message), false);
      return null;
    }
    const a = res.value.annotation;
    const range = this.anchoring.place(a);
    this.anchoring.adopt(res.value, range ? { range, start: 0, end: 0, score: 1, quality: 'exact', weak: false } : null);
    this.undo = { kind: 'create', id: a.id };
    this.painter.paint();
    this.toolbar.toast(t('hlToastCreated'), true);
    this.openEdit(a.id, undefined, true);
    return a;
  }

  private create(range: Range, color: Color, tags: string[] = []): Promise<Annotation | null> {
    if (this.creating) return this.creating;
    this.creating = this.createNow(range, color, tags).finally(() => {
      this.creating = null;
    });
    return this.creating;
  }

  private async createNow(range: Range, color: Color, tags: string[]): Promise<Annotation | null> {
    const root = this.anchoring.root();
    if (!root) return null;
    const map = buildTextMap(root);
    const described = describe(map, range);
    if (described.length === 0) {
      this.toolbar.toast(t('hlNothingSelected'), false);
      return null;
    }
    const selector = [...described, ...this.anchoring.extraSelectors(range)];
    this.lastCreate = { at: Date.now(), text: range.toString() };
    const res = await send('annotation.create', { page: this.anchoring.pageInfo(), selector, body: { color, tags, note: '' } });
    if (!res.ok) {
      this.toolbar.toast(t('hlError', res.error.message), false);
      return null;
    }
    const a = res.value.annotation;
    this.anchoring.adopt(res.value, anchorInMap(map, selector));
    this.lastColor = color;
    this.undo = { kind: 'create', id: a.id };
    this.painter.paint();
    releaseSelection(range);
    this.toolbar.toast(t('hlToastCreated'), true);
    return a;
  }

  openEdit(id: string, panel: Panel | undefined, focus: boolean): void {
    const c = this.anchoring.claims.get(id);
    if (!c) return;
    this.editing = id;
    this.selRange = null;
    this.toolbar.show({ mode: 'edit', claim: c.a, panel }, this.painter.rectOf(c) ?? new DOMRect(), focus);
  }

  private async onColor(color: Color): Promise<void> {
    if (this.opening) await this.opening;
    if (this.creating) await this.creating;
    if (this.editing) {
      this.lastColor = color;
      await this.update(this.editing, { color });
      return;
    }
    if (!this.selRange) return;
    const a = await this.create(this.selRange, color);
    if (a && !this.opening) this.openEdit(a.id, undefined, true); // a field opened meanwhile opens with the claim
  }

  private async onCite(claim: Annotation, format: 'text' | 'markdown'): Promise<void> {
    const ok = await copyText(citationText(claim, this.anchoring.page, this.anchoring.capture, format, liveMeta()));
    this.toolbar.toast(t(ok ? 'citeCopied' : 'citeCopyFailed'), false);
  }

  private async onPanel(panel: Panel): Promise<void> {
    if (this.opening) await this.opening;
    if (!this.editing && panel !== 'cite' && (this.selRange || this.creating)) {
      // The tag or note field opens at once, before the claim exists: a person clicks "Tag" and
      // types straight away, and those keys must land in the field (issue 22). The claim is made
      // meanwhile; what was typed stays in the field, and Enter pressed sooner waits for it.
      const range = this.selRange;
      const open = this.toolbar.open;
      const same = open?.mode === 'selection' && open.panel === panel;
      if (open?.mode === 'selection') this.toolbar.show({ mode: 'selection', panel: same ? undefined : panel }, selectionRect(range), true);
      this.opening = this.makeForPanel(range).finally(() => {
        this.opening = null;
      });
      return this.opening;
    }
    if (this.creating) await this.creating;
    if (this.editing) {
      const open = this.toolbar.open;
      const same = open?.mode === 'edit' && open.panel === panel;
      this.openEdit(this.editing, same ? undefined : panel, true);
    }
  }

  private async makeForPanel(range: Range | null): Promise<void> {
    const a = this.creating ? await this.creating : range ? await this.create(range, this.lastColor) : null;
    const open = this.toolbar.open;
    // Closed meanwhile (× or Escape twice): the claim stays, with its undo toast; the toolbar does not come back.
    if (!a || !open) return;
    if (open.mode === 'selection') this.openEdit(a.id, open.panel, false);
  }

  private async onSaveNote(note: string): Promise<void> {
    if (this.opening) await this.opening;
    await this.update(this.editing, { note });
  }

  private async onAddTag(name: string): Promise<void> {
    if (this.opening) await this.opening;
    const c = this.editing ? this.anchoring.claims.get(this.editing) : undefined;
    if (!c || !name.trim()) return;
    if (c.a.body.tags.some((x) => x.toLocaleLowerCase() === name.trim().toLocaleLowerCase())) return;
    await this.update(c.a.id, { tags: [...c.a.body.tags, name.trim()] }, 'tag');
  }

  private async onRemoveTag(name: string): Promise<void> {
    const c = this.editing ? this.anchoring.claims.get(this.editing) : undefined;
    if (!c) return;
    await this.update(c.a.id, { tags: c.a.body.tags.filter((x) => x !== name) }, 'tag');
  }

  private async update(id: string | null, body: Partial<AnnotationBody>, panel?: Panel, recordUndo = true): Promise<void> {
    let c = id ? this.anchoring.claims.get(id) : undefined;
    if (!c) return;
    const before: Partial<AnnotationBody> = {};
    for (const k of Object.keys(body) as (keyof AnnotationBody)[]) (before as Record<string, unknown>)[k] = c.a.body[k];
    const res = await send('annotation.update', { id: c.a.id, body });
    if (!res.ok) {
      this.toolbar.toast(t('hlError', res.error.message), false);
      return;
    }
    c = this.anchoring.revise(res.value.annotation) ?? { a: res.value.annotation, hit: c.hit };
    if (recordUndo) {
      this.undo = { kind: 'update', id: c.a.id, before };
      this.toolbar.toast(t('hlToastUpdated'), true);
    }
    this.painter.paint();
    if (this.editing === c.a.id) {
      const open = this.toolbar.open;
      this.toolbar.show({ mode: 'edit', claim: c.a, panel: panel ?? (open?.mode === 'edit' ? open.panel : undefined) }, this.painter.rectOf(c) ?? new DOMRect());
    }
  }

  private async onDelete(): Promise<void> {
    const c = this.editing ? this.anchoring.claims.get(this.editing) : undefined;
    if (!c) return;
    const res = await send('annotation.delete', { id: c.a.id });
    if (!res.ok) {
      this.toolbar.toast(t('hlError', res.error.message), false);
      return;
    }
    this.anchoring.forget(c.a.id);
    this.lastCreate = { at: 0, text: '' };
    this.undo = { kind: 'delete', annotation: res.value.annotation };
    this.toolbar.hide();
    this.painter.paint();
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
        this.anchoring.forget(u.id);
        if (this.editing === u.id) this.toolbar.hide();
      }
    } else if (u.kind === 'delete') {
      const res = await send('annotation.restore', { annotation: u.annotation });
      if (res.ok) this.anchoring.restore(res.value.annotation);
    } else {
      await this.update(u.id, u.before, undefined, false);
    }
    this.painter.paint();
    this.toolbar.toast(t('hlUndone'), false);
  }
}

/**
 * The in-page toolbar and toast, inside Saqta's closed UI shadow root.
 * Plain DOM (no framework) to keep the always-on content script small.
 * Keyboard: Tab moves through the buttons, Enter/Space press them, Escape
 * closes, Ctrl/Cmd+Z undoes the last action; every control has a label.
 */
import { COLORS, type Annotation, type Color } from '../../utils/annotation';
import { t } from '../../utils/ext/i18n';
import { HL_FILL } from './layer';
import type { Surface } from './surface';
import { CSS } from './toolbar-css';

interface ToolbarActions {
  /** Selection mode: make a claim in this colour. Edit mode: recolour it. */
  color(color: Color): void;
  /** Selection mode: make a claim first, then open the tag/note field. */
  openPanel(panel: Panel): void;
  addTag(name: string): void;
  removeTag(name: string): void;
  saveNote(note: string): void;
  remove(): void;
  undo(): void;
  tags(): Promise<string[]>;
  /** The claim's citation in this format (shown in the cite panel). */
  citation(claim: Annotation, format: 'text' | 'markdown'): string;
  /** Copy the claim's citation to the clipboard. */
  cite(claim: Annotation, format: 'text' | 'markdown'): void;
  closed(): void;
  /** Team sync: copy a colleague's claim as the reader's own. */
  copy?(): void;
  /** Locked: open Saqta's unlock page. */
  unlock?(): void;
}

type ToolbarState =
  /** A panel here is open before its claim exists: the reader types while the claim is being made (issue 22). */
  | { mode: 'selection'; panel?: 'tag' | 'note' }
  | { mode: 'edit'; claim: Annotation; panel?: Panel }
  /** The library is locked (docs/lock.md): on the reader's selection, only "Unlock to highlight". */
  | { mode: 'locked'; panel?: undefined };

export type Panel = 'tag' | 'note' | 'cite';

type Attrs = Record<string, string | boolean | ((e: Event) => void)>;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false) el.setAttribute(k, v);
  }
  el.append(...kids);
  return el;
}

export class Toolbar {
  private root: ShadowRoot | null = null;
  private bar: HTMLElement | null = null;
  private toastEl: HTMLElement | null = null;
  private toastTimer = 0;
  private state: ToolbarState | null = null;
  private at: DOMRect | null = null;
  private knownTags: string[] | null = null;

  constructor(
    private actions: ToolbarActions,
    private surface: Surface,
  ) {}

  private ensure(): ShadowRoot {
    if (this.root) return this.root;
    const { root } = this.surface;
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
    this.root = root;
    // Clicking the toolbar must not drop the page's selection (except in text fields).
    root.addEventListener('mousedown', (e) => {
      const el = e.target as HTMLElement;
      if (el.localName !== 'input' && el.localName !== 'textarea') e.preventDefault();
    });
    root.addEventListener('keydown', (e) => this.onKey(e as KeyboardEvent));
    return root;
  }

  /** Is this event target Saqta's own UI (as the page's listeners see it)? */
  owns(target: EventTarget | null): boolean {
    return !!target && target === this.surface.host;
  }

  get open(): ToolbarState | null {
    return this.state;
  }

  hasFocus(): boolean {
    return !!this.root?.activeElement;
  }

  show(state: ToolbarState, at: DOMRect, focus = false): void {
    const root = this.ensure();
    const keep = this.root?.activeElement?.getAttribute('data-k') ?? null;
    const was = this.state?.panel;
    const now = state.panel;
    // The claim a panel was opened for has been made: what the reader typed meanwhile stays in the field.
    const draft = this.state?.mode === 'selection' && state.mode === 'edit' && now && now === was ? this.fieldOf(this.bar) : null;
    this.state = state;
    this.at = at;
    this.knownTags = now === 'tag' && was === 'tag' ? this.knownTags : null;
    const bar = this.render(state);
    const into = draft && this.fieldOf(bar);
    if (draft && into) into.value = draft.value;
    if (this.bar) this.bar.replaceWith(bar);
    else root.append(bar);
    this.bar = bar;
    this.place();
    const field = now ? bar.querySelector<HTMLElement>(now === 'cite' ? '[data-k="cite-text"]' : 'input, textarea') : null;
    // A panel just opened takes the focus, whatever had it: the button just pressed (mouse clicks
    // on the toolbar leave the focus where it was) must not keep the person's typing (issue 22).
    // A panel just closed gives it back to its button. Otherwise a re-render keeps the focus where it was.
    const target =
      (now && now !== was ? field : null) ||
      (!now && was && (keep || focus) ? bar.querySelector<HTMLElement>(`[data-k="${was}"]`) : null) ||
      (keep && bar.querySelector<HTMLElement>(`[data-k="${keep}"]`)) ||
      field ||
      (focus ? bar.querySelector<HTMLElement>('.row button') : null);
    if (target && (focus || keep || now)) target.focus();
    if (draft && into && target === into) into.setSelectionRange(draft.selectionStart, draft.selectionEnd);
  }

  private fieldOf(bar: HTMLElement | null): HTMLInputElement | HTMLTextAreaElement | null {
    return bar?.querySelector<HTMLInputElement | HTMLTextAreaElement>('[data-k="tag-input"], [data-k="note-input"]') ?? null;
  }

  /** Keep the toolbar beside its text (scroll, resize). */
  moveTo(at: DOMRect): void {
    this.at = at;
    this.place();
  }

  private place(): void {
    if (!this.bar || !this.at) return;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const w = this.bar.offsetWidth || 300;
    const hgt = this.bar.offsetHeight || 40;
    let top = this.at.bottom + 8;
    if (top + hgt > vh - 8) top = this.at.top - hgt - 8;
    top = Math.min(Math.max(8, top), Math.max(8, vh - hgt - 8)); // always on screen
    const left = Math.min(Math.max(8, this.at.left), Math.max(8, vw - w - 8));
    this.bar.style.top = `${top}px`;
    this.bar.style.left = `${left}px`;
  }

  hide(): void {
    this.bar?.remove();
    this.bar = null;
    if (this.state) {
      this.state = null;
      this.actions.closed();
    }
  }

  toast(message: string, undoable: boolean): void {
    const root = this.ensure();
    this.toastEl?.remove();
    const el = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' }, h('span', {}, message));
    if (undoable) {
      el.append(h('button', { type: 'button', 'data-k': 'undo', onclick: () => this.actions.undo() }, t('hlUndo')));
    }
    root.append(el);
    this.toastEl = el;
    clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => {
      el.remove();
      if (this.toastEl === el) this.toastEl = null;
    }, 8000);
  }

  private onKey(e: KeyboardEvent): void {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      // Escape closes the open panel first (focus back on its button), then the toolbar.
      const open = this.state;
      if (open?.panel && this.at) this.show({ ...open, panel: undefined }, this.at, true);
      else this.hide();
    } else if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
      const el = e.target as HTMLElement;
      if (el.localName === 'input' || el.localName === 'textarea') {
        if ((el as HTMLInputElement).value) return; // let the field undo its own typing
      }
      e.preventDefault();
      this.actions.undo();
    }
  }

  /** Locked: one button that opens the unlock page, and close. Same closed shadow root, shown only on the reader's selection. */
  private renderLocked(): HTMLElement {
    const bar = h('div', { class: 'tb', role: 'dialog', 'aria-label': t('hlToolbarLabel') });
    const row = h('div', { class: 'row', role: 'toolbar', 'aria-label': t('hlToolbarLabel') });
    row.append(
      h('button', { type: 'button', 'data-k': 'unlock', onclick: () => this.actions.unlock?.() }, t('lockUnlockToHighlight')),
      h('button', { type: 'button', 'data-k': 'close', 'aria-label': t('hlClose'), title: t('hlClose'), onclick: () => this.hide() }, '×'),
    );
    bar.append(row);
    return bar;
  }

  /** Team sync: a colleague's claim, read-only — who made it, their note and tags, and "copy as mine". */
  private renderColleague(claim: Annotation): HTMLElement {
    const by = t(claim.author!.unconfirmed ? 'teamByUnconfirmed' : 'teamBy', claim.author!.name);
    const bar = h('div', { class: 'tb', role: 'dialog', 'aria-label': by });
    bar.append(h('p', { class: 'by', 'data-k': 'author' }, by));
    bar.append(h('p', { class: 'quote' }, claim.target.selector.find((s) => s.type === 'TextQuoteSelector')?.exact ?? ''));
    if (claim.body.note) bar.append(h('p', { class: 'note', 'data-k': 'colleague-note' }, claim.body.note));
    if (claim.body.tags.length) {
      const chips = h('ul', { class: 'chips', 'aria-label': t('tagsLabel') });
      for (const tag of claim.body.tags) chips.append(h('li', { class: 'chip ro' }, tag));
      bar.append(chips);
    }
    bar.append(h('p', { class: 'quote' }, t('teamReadOnly')));
    bar.append(
      h('div', { class: 'row', role: 'toolbar', 'aria-label': by },
        h('button', { type: 'button', 'data-k': 'copy', onclick: () => this.actions.copy?.() }, t('teamCopyMine')),
        h('button', { type: 'button', 'data-k': 'close', 'aria-label': t('hlClose'), title: t('hlClose'), onclick: () => this.hide() }, '×'),
      ),
    );
    return bar;
  }

  private render(state: ToolbarState): HTMLElement {
    if (state.mode === 'locked') return this.renderLocked();
    const edit = state.mode === 'edit' ? state : null;
    const panel = state.panel;
    if (edit?.claim.author) return this.renderColleague(edit.claim);
    const bar = h('div', { class: 'tb', role: 'dialog', 'aria-label': t('hlToolbarLabel') });
    const close = h('button', { type: 'button', 'data-k': 'close', 'aria-label': t('hlClose'), title: t('hlClose'), onclick: () => this.hide() }, '×');
    // Editing: × sits beside the quote, so it never wraps onto a row of its own under the buttons.
    if (edit) bar.append(h('div', { class: 'head' }, h('p', { class: 'quote' }, edit.claim.target.selector.find((s) => s.type === 'TextQuoteSelector')?.exact ?? ''), close));
    const row = h('div', { class: 'row', role: 'toolbar', 'aria-label': t('hlToolbarLabel') });
    // The colour buttons are named (aria-label, tooltip); a visible word says what they do.
    if (!edit) row.append(h('span', { class: 'lbl', 'aria-hidden': 'true' }, t('hlPickColour')));
    for (const c of COLORS) {
      row.append(
        h('button', {
          type: 'button',
          class: 'sw',
          style: `background:${HL_FILL[c]}`,
          'data-k': `c-${c}`,
          'data-color': c,
          'aria-label': t('hlColorAction', t(`color_${c}`)),
          title: t('hlColorAction', t(`color_${c}`)),
          'aria-pressed': edit ? String(edit.claim.body.color === c) : false,
          onclick: () => this.actions.color(c),
        }),
      );
    }
    row.append(h('span', { class: 'sep', 'aria-hidden': 'true' }));
    row.append(
      h('button', { type: 'button', 'data-k': 'tag', 'aria-expanded': String(panel === 'tag'), onclick: () => this.actions.openPanel('tag') }, t('hlTag')),
      h('button', { type: 'button', 'data-k': 'note', 'aria-expanded': String(panel === 'note'), onclick: () => this.actions.openPanel('note') }, t('hlNote')),
    );
    if (edit) {
      row.append(h('button', { type: 'button', 'data-k': 'cite', 'aria-expanded': String(edit.panel === 'cite'), title: t('citeCopy'), onclick: () => this.actions.openPanel('cite') }, t('citeButton')));
      row.append(h('button', { type: 'button', class: 'danger', 'data-k': 'delete', onclick: () => this.actions.remove() }, t('hlDelete')));
    }
    if (!edit) row.append(close);
    bar.append(row);
    if (edit && edit.claim.body.tags.length) {
      const chips = h('ul', { class: 'chips', 'aria-label': t('tagsLabel') });
      for (const tag of edit.claim.body.tags) {
        chips.append(
          h('li', { class: 'chip' }, tag, h('button', {
            type: 'button',
            'data-k': `rm-${tag}`,
            'aria-label': t('hlTagRemove', tag),
            onclick: () => this.actions.removeTag(tag),
          }, '×')),
        );
      }
      bar.append(chips);
    }
    if (panel === 'tag') bar.append(this.tagPanel(edit?.claim.body.tags ?? []));
    if (panel === 'note') bar.append(this.notePanel(edit?.claim.body.note ?? ''));
    if (edit?.panel === 'cite') bar.append(this.citePanel(edit.claim));
    return bar;
  }

  private tagPanel(tags: string[]): HTMLElement {
    const input = h('input', {
      type: 'text',
      'data-k': 'tag-input',
      'aria-label': t('hlTagInput'),
      placeholder: t('hlTagInput'),
      role: 'combobox',
      'aria-autocomplete': 'list',
      'aria-controls': 'saqta-tag-list',
      'aria-expanded': 'false',
      autocomplete: 'off',
      maxlength: '100',
    });
    const list = h('ul', { role: 'listbox', id: 'saqta-tag-list', 'aria-label': t('hlTagSuggestions'), hidden: true });
    let options: string[] = [];
    let active = -1;
    const draw = () => {
      const q = input.value.trim().toLocaleLowerCase();
      const have = new Set(tags.map((x) => x.toLocaleLowerCase()));
      options = (this.knownTags ?? []).filter((x) => !have.has(x.toLocaleLowerCase()) && (!q || x.toLocaleLowerCase().includes(q))).slice(0, 8);
      const typed = input.value.trim();
      if (typed && !options.some((o) => o.toLocaleLowerCase() === typed.toLocaleLowerCase()) && !have.has(typed.toLocaleLowerCase())) {
        options.push(typed);
      }
      if (active >= options.length) active = options.length - 1;
      list.replaceChildren(
        ...options.map((o, i) => {
          const isNew = i === options.length - 1 && o === typed && !(this.knownTags ?? []).some((k) => k.toLocaleLowerCase() === o.toLocaleLowerCase());
          return h('li', {
            role: 'option',
            id: `saqta-opt-${i}`,
            'aria-selected': String(i === active),
            onmousedown: (e: Event) => {
              e.preventDefault();
              this.actions.addTag(o);
            },
          }, isNew ? t('hlTagCreate', o) : o);
        }),
      );
      list.hidden = options.length === 0;
      input.setAttribute('aria-expanded', String(!list.hidden));
      if (active >= 0) input.setAttribute('aria-activedescendant', `saqta-opt-${active}`);
      else input.removeAttribute('aria-activedescendant');
      this.place(); // the list changes the toolbar's height
    };
    input.addEventListener('input', () => {
      active = input.value.trim() ? 0 : -1;
      draw();
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (!options.length) return;
        active = (active + (e.key === 'ArrowDown' ? 1 : -1) + options.length) % options.length;
        draw();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        const pick = active >= 0 ? options[active] : input.value.trim();
        if (pick) this.actions.addTag(pick);
      }
    });
    if (this.knownTags === null) {
      void this.actions.tags().then((tags) => {
        this.knownTags = tags;
        draw();
      });
    } else {
      queueMicrotask(draw);
    }
    return h('div', { class: 'panel' }, input, list);
  }

  /** The citation as it will be pasted, and a button per format (focus goes to the first). */
  private citePanel(claim: Annotation): HTMLElement {
    const preview = h('pre', { class: 'cite', 'aria-label': t('citePreview') }, this.actions.citation(claim, 'text'));
    return h(
      'div',
      { class: 'panel' },
      preview,
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', 'data-k': 'cite-text', onclick: () => this.actions.cite(claim, 'text') }, t('citeCopyText')),
        h('button', { type: 'button', 'data-k': 'cite-md', onclick: () => this.actions.cite(claim, 'markdown') }, t('citeCopyMarkdown')),
      ),
    );
  }

  private notePanel(note: string): HTMLElement {
    const area = h('textarea', { 'data-k': 'note-input', 'aria-label': t('hlNoteInput'), maxlength: '20000' });
    area.value = note;
    const save = () => this.actions.saveNote(area.value);
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        save();
      }
    });
    return h('div', { class: 'panel' }, area, h('div', { class: 'row' }, h('button', { type: 'button', 'data-k': 'note-save', onclick: save }, t('hlNoteSave'))));
  }
}

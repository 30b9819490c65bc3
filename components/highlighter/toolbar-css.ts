/** The toolbar's and toast's style sheet (toolbar.ts). */

/** Styles inside the UI surface's closed root. No `:host` rules: the host's computed style is the page's to read, and never changes. */
export const CSS = `
.tb, .toast { pointer-events: auto; position: fixed; font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'DejaVu Sans', sans-serif;
  color: #1b1f24; background: #fff; border: 1px solid #8c959f; border-radius: 8px; box-shadow: 0 4px 14px rgba(0,0,0,.22); }
.tb { padding: 6px; width: max-content; max-width: min(480px, calc(100vw - 16px)); }
.head { display: flex; gap: 6px; align-items: flex-start; }
.head .quote { flex: 1; min-width: 0; }
.row { display: flex; gap: 4px; align-items: center; flex-wrap: wrap; }
button { font: inherit; color: inherit; background: #f6f8fa; border: 1px solid #8c959f; border-radius: 6px; padding: 3px 8px; cursor: pointer; min-height: 28px; }
button:hover { background: #eaeef2; }
button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #0b5cad; outline-offset: 1px; }
.sw { width: 28px; height: 28px; padding: 0; border-radius: 50%; border: 2px solid #57606a; }
.sw[aria-pressed="true"] { box-shadow: 0 0 0 2px #fff, 0 0 0 4px #1b1f24; }
.lbl { font-weight: 600; padding: 0 2px 0 4px; }
.sep { width: 1px; align-self: stretch; background: #d0d7de; margin: 0 2px; }
.danger { color: #b42318; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; margin: 6px 0 0; padding: 0; list-style: none; }
.chip { display: inline-flex; align-items: center; gap: 2px; border: 1px solid #8c959f; border-radius: 999px; padding: 0 2px 0 8px; background: #f6f8fa; }
.chip button { border: 0; background: transparent; min-height: 0; padding: 0 6px; border-radius: 999px; }
.panel { margin-top: 6px; display: grid; gap: 4px; }
input, textarea { font: inherit; color: inherit; background: #fff; border: 1px solid #8c959f; border-radius: 6px; padding: 4px 6px; width: 100%; box-sizing: border-box; }
textarea { min-height: 64px; resize: vertical; }
[role=listbox] { list-style: none; margin: 0; padding: 2px; border: 1px solid #d0d7de; border-radius: 6px; max-height: 160px; overflow: auto; }
[role=option] { padding: 2px 6px; border-radius: 4px; cursor: pointer; }
[role=option][aria-selected="true"] { background: #0b5cad; color: #fff; }
.toast { left: 50%; top: 16px; transform: translateX(-50%); padding: 8px 10px; display: flex; gap: 10px; align-items: center; }
.cite { margin: 0; padding: 4px 6px; max-height: 9em; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; font: 13px/1.4 ui-monospace, 'DejaVu Sans Mono', monospace; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; }
/* The quote's first two lines, its cut marked with an ellipsis. */
.quote { margin: 0 0 4px; color: #57606a; font-size: 13px; line-height: 1.4; display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; line-clamp: 2; overflow: hidden; overflow-wrap: anywhere; }
.by { margin: 0 0 4px; font-weight: 600; } .note { margin: 4px 0; white-space: pre-wrap; } .chip.ro { padding: 0 8px; }
@media (prefers-color-scheme: dark) {
  .tb, .toast { color: #e6e9ed; background: #1e2329; border-color: #5b6570; }
  button, input, textarea, .chip { background: #15181c; border-color: #5b6570; }
  button:hover { background: #262c33; }
  .cite { background: #15181c; border-color: #5b6570; }
  .quote { color: #a3acb6; } .danger { color: #ff8b7e; }
  button:focus-visible, input:focus-visible, textarea:focus-visible { outline-color: #6cb6ff; }
}`;

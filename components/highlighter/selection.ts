/**
 * The reader's selection, as the toolbar controller reads and lets go of it
 * (plain DOM).
 */

/** The selection inside `root`, as a range of its own, or null (none, collapsed, or elsewhere). */
export function selectionIn(root: Node | null): Range | null {
  const sel = document.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  const r = sel.getRangeAt(0);
  if (!root?.contains(r.commonAncestorContainer)) return null;
  return r.cloneRange();
}

/**
 * The claim is made: let the reader see it, not the selection over it (the
 * selection's colours mixed with the claim's looked like neither). The
 * selection collapses to its end, where a caret would continue; a selection
 * the reader has moved elsewhere meanwhile is left alone.
 */
export function releaseSelection(made: Range): void {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
  const now = sel.getRangeAt(0);
  try {
    if (now.compareBoundaryPoints(Range.START_TO_START, made) !== 0 || now.compareBoundaryPoints(Range.END_TO_END, made) !== 0) return;
  } catch {
    return; // in another document or tree
  }
  sel.collapseToEnd();
}

/** Where the toolbar sits for a selection: beside its last line. */
export function selectionRect(range: Range | null): DOMRect {
  const rects = range?.getClientRects();
  return rects?.length ? rects[rects.length - 1] : (range?.getBoundingClientRect() ?? new DOMRect());
}

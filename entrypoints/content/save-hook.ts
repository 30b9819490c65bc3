/**
 * Hook for the save feature (issue: save / offline copy). Alt+Shift+S in the
 * page, the `save-page` command and the context-menu entry all end here.
 * The save feature registers its handler with `onSaveRequested`; until then a
 * request does nothing but tell the reader (see highlighter.ts).
 */
type SaveHandler = () => void | Promise<void>;
let handler: SaveHandler | null = null;

/** The save feature calls this once from the content script's main(). */
export function onSaveRequested(fn: SaveHandler): void {
  handler = fn;
}

/** Returns false when no save handler is registered yet. */
export async function requestSave(): Promise<boolean> {
  if (!handler) return false;
  await handler();
  return true;
}

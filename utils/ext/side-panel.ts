/** Browser glue: open the side panel (Chrome `sidePanel`, Firefox `sidebar_action`). */
import { browser } from 'wxt/browser';

export async function openSidePanel(): Promise<void> {
  const b = browser as unknown as {
    sidePanel?: { open(o: { windowId: number }): Promise<void> };
    sidebarAction?: { open(): Promise<void> };
  };
  if (b.sidebarAction) return b.sidebarAction.open();
  if (b.sidePanel) {
    const win = await browser.windows.getCurrent();
    if (win.id !== undefined) await b.sidePanel.open({ windowId: win.id });
  }
}

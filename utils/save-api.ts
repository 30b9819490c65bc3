/**
 * Requests of saving (utils/background/save.ts), declared here and joined into
 * `Api` in utils/messages.ts, as the PDF viewer's are (utils/pdf/api.ts).
 */
import type { CaptureRecord } from './records';

/** Requests of saving, reading offline and the blocked-site fallback. */
export interface SaveApi {
  /**
   * Save the page in a tab: article (+ images), archival snapshot, raw HTML,
   * screenshot and one capture record. A content script sends it without
   * tabId; the background fills in the sender's tab.
   */
  'save.page': {
    /** The answer comes once the capture is stored (the ✓); the screenshot follows (`notes.screenshot: 'pending'`). `wait: 'screenshot'`: answer when it has settled too. */
    req: { tabId?: number; wait?: 'screenshot' };
    res: SaveResult;
  };
  /** Every capture of a page, newest first. */
  'save.captures': { req: { pageId: string }; res: { captures: CaptureRecord[] } };
}

export interface SaveResult {
  pageId: string;
  capture: CaptureRecord;
  title: string;
  /** Captures of this page now stored (2+ means a new version was kept beside the old). */
  versions: number;
}

/**
 * What the background (and the side panel) ask a tab's content script, and
 * what it answers: the tab half of the message contract (utils/messages.ts
 * re-exports it; `sendTab` in utils/ext/tabs.ts is the one way to send).
 */

/** What a tab's content script knows about the claims on its page (answer to the 'anchors' TabCommand). */
export interface AnchorReport {
  /** The page record the claims belong to, if the page has any. */
  pageId: string | null;
  /** Claims found on the page, in document order. */
  claims: {
    id: string;
    /** The text the claim is painted on, white space folded. */
    text: string;
    /** Offset in the page's rendered text. */
    start: number;
    quality: 'exact' | 'fuzzy';
    /** Found, but poorly: still looking for a better match as content arrives. */
    weak: boolean;
    /** Painted boxes in viewport coordinates. */
    boxes: { x: number; y: number; width: number; height: number }[];
  }[];
  /** Claims whose text is not on the page (yet). */
  orphans: string[];
  /** Length of the page's rendered text (offsets for the 'highlight-spans' command). */
  textLength: number;
}

/** Sent by the background to a content script (commands, context menu). */
export type TabCommand =
  | { command: 'highlight-selection' }
  | { command: 'save-page' }
  | { command: 'scroll-to'; annotationId: string }
  /** Highlighting: where each claim landed (answers AnchorReport). */
  | { command: 'anchors' }
  /**
   * Highlighting, bulk path: make claims from spans of the page's rendered text
   * (offsets of utils/anchoring's text map) through the same describe path as a
   * selection. Answers { created: number }. Used by tests and future imports.
   */
  | { command: 'highlight-spans'; spans: { start: number; end: number }[]; tags?: string[] }
  /** Is a content script alive in this tab? Answers TabStatus. */
  | { command: 'status' };

/** What each tab command answers (the content script's switch in entrypoints/content/index.ts; `sendTab` in utils/ext/tabs.ts). */
export interface TabAnswers {
  'highlight-selection': true;
  'save-page': true;
  /** Whether the claim was found on the page. */
  'scroll-to': boolean;
  anchors: AnchorReport;
  'highlight-spans': { created: number };
  status: TabStatus;
}

export interface TabStatus {
  alive: true;
  url: string;
  title: string;
  /** The page's rel=canonical or og:url, if any. */
  canonical: string | null;
  /** Embedded frames showing content, whose text Saqta cannot mark (the content script runs in the top frame only). */
  frames?: FrameInfo[];
}

/** A content frame of a page: its address (http/https only) and title, to offer opening it on its own. */
export interface FrameInfo {
  src: string | null;
  title: string | null;
}


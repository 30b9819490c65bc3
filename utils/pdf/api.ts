/**
 * Requests of the PDF viewer (entrypoints/pdf/, docs/pdf.md). Declared here and
 * joined into `Api` in utils/messages.ts. Every one is sent by extension pages
 * only (the viewer): a content script has no business asking for them.
 */
import type { SaveResult } from '../save-api';
import type { HttpInfo } from '../snapshot/inline';

/** A PDF's bytes as the viewer gets them from the background. */
export interface PdfBytes {
  /** The PDF's address (the one the reader navigated to). */
  url: string;
  /** base64 of the exact bytes. */
  data: string;
  /** The HTTP exchange those bytes came in (status, headers after redirects, time). */
  http: HttpInfo;
  /**
   * 'served': the bytes the browser received for the navigation itself (Firefox,
   * `filterResponseData`). 'refetched': the navigation's response was not readable
   * (Chrome redirects before the body): the background fetched the URL again, and
   * `http` is that second fetch's.
   */
  source: 'served' | 'refetched' | 'file';
}

export interface PdfApi {
  /** The PDF's bytes: the copy held from the navigation (`held`), else a fetch by the background. // extension pages only */
  'pdf.load': { req: { url: string; held?: string }; res: PdfBytes };
  /**
   * Save the PDF the viewer shows: its bytes (hashed again here), the exchange they came in,
   * the first page as an image, its /ID. // extension pages only
   */
  'pdf.save': {
    req: PdfBytes & { title: string; lang?: string; ids: string[]; pages: number; firstPage: string | null; firstPageMime?: string; text?: string[] };
    res: SaveResult;
  };
  /**
   * The picture of an area claim (a scanned page's rectangle, cropped by the viewer), kept beside
   * the claim for its card in the side panel and library. // extension pages only
   */
  'pdf.areaImage': { req: { annotationId: string; png: string }; res: {} };
  /** "Open in the browser's viewer": let the next load of this URL through untouched. // extension pages only */
  'pdf.bypass': { req: { url: string }; res: {} };
  /**
   * May the viewer read this local file (`file:`)? Only when Saqta itself sent a `file://` navigation there
   * (the token it put in the viewer's address), never for an address a web page wrote into the viewer's
   * URL (pdf.html is web-accessible on Chrome). // extension pages only
   */
  'pdf.local': { req: { url: string; token: string }; res: {} };
}

/** What the background's browser glue does for the viewer (utils/ext/pdf-open.ts). */
export interface PdfHost {
  /** The bytes held from the navigation under this token (taken once), or null. */
  take(token: string): PdfBytes | null;
  /** Fetch the URL again with the extension's permissions (Chrome). */
  fetch(url: string): Promise<PdfBytes>;
  bypass(url: string): Promise<void>;
  /** Whether Saqta opened this local file's viewer under this token (a file:// navigation it redirected). */
  local(token: string, url: string): boolean;
}

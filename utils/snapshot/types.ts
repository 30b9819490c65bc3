/**
 * The shape of a page snapshot between the page (where the DOM is) and the
 * background (which fetches every resource with the extension's host
 * permissions, so no CORS problem): HTML with placeholders, and the lists the
 * placeholders point into.
 */
export interface PageSnapshot {
  /** Serialized HTML; resources appear as `saqta-res:N`, stylesheets as a `saqta-sheet:N` comment, frames as `saqta-frame:N`. */
  html: string;
  /** Absolute URLs of images, icons, posters, style-attribute backgrounds. */
  resources: string[];
  /** Stylesheets: text the page already has, or a URL to fetch; `base` resolves their url()s. */
  sheets: { href?: string; text?: string; base: string }[];
  /** Same-origin frames, snapshotted the same way; inlined as srcdoc. */
  frames: PageSnapshot[];
  url: string;
  title: string;
}

export const RES = 'saqta-res:';
export const SHEET = 'saqta-sheet:';
export const FRAME = 'saqta-frame:';

/** No network, no script, no form posts: what the saved file allows itself. */
export const SNAPSHOT_CSP =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline' data:; font-src data:; media-src data:; frame-src data: about:; form-action 'none'; base-uri 'none'";

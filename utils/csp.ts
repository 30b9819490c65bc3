/**
 * The Content Security Policy of every extension page (popup, side panel,
 * library, options, reader) and of the background, declared once and put in
 * the manifest by wxt.config.ts (Chrome MV3 `content_security_policy.
 * extension_pages`; WXT turns it into the MV2 string for Firefox).
 *
 * What it guarantees (tested in tests/e2e/csp.e2e.ts):
 * - only the extension's own scripts run: no remote, inline or eval'd script;
 * - nothing an extension page *shows* comes from the network: images, fonts,
 *   media, frames, styles and CSS `url()` may only use the extension's own
 *   files, `blob:` and `data:`; no WebSocket;
 * - `connect-src` also allows `http:`/`https:`, and only because saving needs
 *   it: the background fetches the page's images, styles and fonts with the
 *   extension's host permissions (CORS would block most of them from the
 *   content script), and one policy covers the background and the pages in
 *   MV3. No script can use it (no remote, inline or eval'd script runs), and
 *   tests/e2e/privacy.e2e.ts proves Saqta fetches nothing unless the reader
 *   saves, and then only the page's own resources;
 * - no plugins (`object-src 'none'`), no `<base>` rewriting, no form posts.
 *
 * `style-src 'unsafe-inline'` stays allowed: saved copies keep their inline
 * styles to look like the page did, and CSS can neither run code nor (with the
 * rules above) fetch anything.
 */
export const EXTENSION_PAGES_CSP: Record<string, string[]> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'blob:', 'data:'],
  'font-src': ["'self'", 'blob:', 'data:'],
  'media-src': ["'self'", 'blob:', 'data:'],
  'connect-src': ["'self'", 'blob:', 'data:', 'http:', 'https:'],
  'frame-src': ["'self'", 'blob:'],
  'child-src': ["'self'", 'blob:'],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** The policy as a header value; `extra` adds sources (dev server in `wxt dev`). */
export function cspString(extra: Record<string, string[]> = {}): string {
  return Object.entries(EXTENSION_PAGES_CSP)
    .map(([directive, sources]) => [directive, ...sources, ...(extra[directive] ?? [])].join(' '))
    .join('; ');
}

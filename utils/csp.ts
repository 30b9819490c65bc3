/**
 * The Content Security Policy of every extension page (popup, side panel,
 * library, options, reader, fallback), declared once. wxt.config.ts puts it in
 * each built page as a <meta> policy, and in the manifest (Chrome MV3
 * `content_security_policy.extension_pages`; WXT writes the MV2 string for
 * Firefox) with the background's extra `connect-src`.
 *
 * What it guarantees (tested in tests/e2e/csp.e2e.ts):
 * - only the extension's own scripts run: no remote, inline or eval'd script;
 * - nothing an extension page shows or fetches comes from the network:
 *   images, fonts, media, frames, styles, CSS `url()`, fetch/XHR and
 *   WebSocket may only use the extension's own files, `blob:` and `data:`;
 * - the background alone may also fetch `http:`/`https:` (WORKER_CONNECT
 *   below), because saving needs it;
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
  'connect-src': ["'self'", 'blob:', 'data:'],
  'frame-src': ["'self'", 'blob:'],
  'child-src': ["'self'", 'blob:'],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * The background alone must reach the web: when the reader saves a page it
 * fetches the page's own resources (stylesheets, images, fonts, the raw HTML)
 * with the extension's host permissions, which content scripts cannot do
 * across origins. MV3 has one policy for the worker and the pages, so the
 * manifest policy adds `http: https:` to `connect-src` only, and every
 * extension page narrows it back with the same policy in a
 * `<meta http-equiv="Content-Security-Policy">` (policies intersect), checked
 * by tests/unit/csp.test.ts. Nothing that renders (images, fonts, media,
 * frames, styles, scripts) may come from the network anywhere.
 */
export const WORKER_CONNECT: Record<string, string[]> = { 'connect-src': ['http:', 'https:', 'file:'] };

/**
 * The PDF viewer (pdf.html) alone reads local PDFs (`file:` XHR; docs/pdf.md), which Chrome allows only when
 * the reader turned on "Allow access to file URLs" for Saqta. Every other page's policy keeps no `file:`.
 */
export const VIEWER_CONNECT: Record<string, string[]> = { 'connect-src': ['file:'] };

/**
 * The lock (docs/lock.md) derives its key with Argon2id in WebAssembly (hash-wasm) in the
 * background: the manifest policy allows compiling WebAssembly (`'wasm-unsafe-eval'`, not
 * `eval`); the pages' <meta> policy does not, so only the background can. Content scripts
 * keep the browser's own policy.
 */
export const WORKER_SCRIPT: Record<string, string[]> = { 'script-src': ["'wasm-unsafe-eval'"] };

/** The policy as a header value; `extra` adds sources (the worker's fetches, the dev server in `wxt dev`). */
export function cspString(extra: Record<string, string[]> = {}): string {
  return Object.entries(EXTENSION_PAGES_CSP)
    .map(([directive, sources]) => [directive, ...sources, ...(extra[directive] ?? [])].join(' '))
    .join('; ');
}

import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import type { PluginOption } from 'vite';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { cspString, VIEWER_CONNECT, WORKER_CONNECT, WORKER_SCRIPT } from './utils/csp';

/**
 * Every built extension page carries the strict page policy in a <meta> tag,
 * narrowing the manifest policy (which lets the background fetch a page's
 * resources when saving) back to no network at all. Not in `wxt dev`, whose
 * pages load from the dev server.
 */
function pagesCsp(): PluginOption {
  return {
    name: 'saqta-pages-csp',
    apply: 'build',
    transformIndexHtml: (_html, ctx) => [
      // The PDF viewer's page also reads local PDFs (`file:`, when file access is allowed: utils/csp.ts).
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: cspString(/entrypoints\/pdf\/index\.html$/.test(ctx.filename) ? VIEWER_CONNECT : {}) }, injectTo: 'head-prepend' },
    ],
  };
}

// See ARCHITECTURE.md for the map of contexts; each permission says why it is here, beside it.
// SAQTA_PROFILE_BUILD=1: an unminified build in .output-profile/ (readable function names in CPU
// profiles: bench/profile-content.ts), beside the real one.
const profileBuild = !!process.env.SAQTA_PROFILE_BUILD;

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  imports: false,
  ...(profileBuild ? { outDir: '.output-profile' } : {}),
  vite: () => ({
    plugins: [preact(), pagesCsp()],
    build: { target: 'es2022', ...(profileBuild ? { minify: false } : {}) },
  }),
  hooks: {
    // PDF viewer (docs/pdf.md): PDF.js's worker, character maps, standard fonts and the JS decoders
    // for JPX/JBIG2 are extension files the viewer loads on demand — never fetched from the network.
    'build:publicAssets': (_wxt, files) => {
      const dist = fileURLToPath(new URL('./node_modules/pdfjs-dist/', import.meta.url));
      files.push({ absoluteSrc: `${dist}build/pdf.worker.min.mjs`, relativeDest: 'pdfjs/pdf.worker.min.mjs' });
      for (const dir of ['cmaps', 'standard_fonts']) {
        for (const f of readdirSync(`${dist}${dir}`)) files.push({ absoluteSrc: `${dist}${dir}/${f}`, relativeDest: `pdfjs/${dir}/${f}` });
      }
      for (const f of ['openjpeg_nowasm_fallback.js', 'jbig2_nowasm_fallback.js']) {
        files.push({ absoluteSrc: `${dist}wasm/${f}`, relativeDest: `pdfjs/wasm/${f}` });
      }
      files.push({ absoluteSrc: `${dist}LICENSE`, relativeDest: 'pdfjs/LICENSE' });
    },
    // The always-on content script (entrypoints/content/, on every page) gets the platform's own API
    // (`wxt/browser` without @wxt-dev/webextension-polyfill: `browser` in Firefox, `chrome` in Chrome,
    // both promise-based for what it calls), so no page load pays for building the polyfill's API
    // table. Everything else, the lazily injected highlighter included, keeps the polyfill.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.some((e) => e.type === 'content-script')) return;
      const own = fileURLToPath(new URL('./node_modules/wxt/dist/browser.mjs', import.meta.url));
      const alias = config.resolve?.alias;
      if (Array.isArray(alias)) {
        for (const a of alias) if (a.find === 'wxt/browser') a.replacement = own;
      } else if (alias && typeof alias === 'object') {
        (alias as Record<string, string>)['wxt/browser'] = own;
      }
    },
  },
  manifest: ({ browser, command }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: [
      'storage',
      'unlimitedStorage',
      'contextMenus',
      'scripting',
      'activeTab',
      'tabs',
      'webNavigation',
      // Saving: see HTTP 451 on top-level loads (observe only) for the blocked-site fallback.
      'webRequest',
      // Evidence: wake the trusted-timestamp queue to retry with back-off (utils/ext/evidence.ts).
      // Team sync: the periodic and backstop sync (utils/ext/team-host.ts).
      // Watching (opt-in): scheduled re-checks, a notification when an article changed or went away,
      // and (Chrome) a DOM to extract fetched articles in.
      'alarms',
      'notifications',
      // The lock (docs/lock.md): lock after the chosen idle time or when the screen locks.
      'idle',
      // PDFs (docs/pdf.md): Chrome redirects them to the viewer with session DNR rules; Firefox keeps
      // the exact bytes served with filterResponseData (blocking webRequest).
      ...(browser === 'firefox' ? ['webRequestBlocking'] : ['sidePanel', 'offscreen', 'declarativeNetRequestWithHostAccess']),
    ],
    host_permissions: ['<all_urls>'],
    // Evidence: a timestamp server's origin is asked for when the reader turns timestamps on
    // (Settings), so it stays granted even where site access was narrowed (Chrome's "on click").
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    action: { default_title: '__MSG_extName__' },
    // PDFs: Chrome's DNR redirect may only land on a web-accessible page (docs/pdf.md; the viewer
    // refuses to run inside a frame). Firefox opens it with tabs.update, which needs no entry.
    ...(browser === 'firefox' ? {} : { web_accessible_resources: [{ resources: ['pdf.html'], matches: ['<all_urls>'] }] }),
    // Strict CSP for extension pages and the background (utils/csp.ts, SECURITY.md).
    // WXT writes the MV2 string form for Firefox. `wxt dev` needs its dev server.
    content_security_policy: {
      extension_pages: cspString(
        command === 'serve'
          ? { 'connect-src': ['http://localhost:*', 'ws://localhost:*', ...WORKER_CONNECT['connect-src']] }
          : { ...WORKER_CONNECT, ...WORKER_SCRIPT },
      ),
    },
    commands: {
      'highlight-selection': {
        suggested_key: { default: 'Alt+Shift+H' },
        description: '__MSG_commandHighlight__',
      },
      'save-page': {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_commandSave__',
      },
      // The lock (docs/lock.md): lock the library now.
      'lock-now': {
        suggested_key: { default: 'Alt+Shift+L' },
        description: '__MSG_lockCommand__',
      },
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'saqta@saqta.app',
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});

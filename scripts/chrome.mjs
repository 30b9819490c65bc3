// Where is a Chromium to run? CHROME_PATH, then Debian's chromium, then Google Chrome.
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export function findChrome() {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    ...['google-chrome', 'google-chrome-stable', 'chromium'].map((name) => {
      try {
        return execFileSync('which', [name], { encoding: 'utf8' }).trim();
      } catch {
        return undefined;
      }
    }),
  ];
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

export const INSTALL_HINT =
  'No Chromium or Chrome found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROME_PATH to its executable.';

/** Flags for a quiet, offline-friendly Chromium with one unpacked extension loaded. */
export function chromeArgs(extensionDir, { lang } = {}) {
  return [
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-features=DialMediaRouteProvider,OptimizationHints,Translate',
    ...(lang ? [`--lang=${lang}`, `--accept-lang=${lang}`] : []),
  ];
}

/**
 * The id Chromium gives an unpacked extension loaded from `dir`: the first
 * 16 bytes of the SHA-256 of its absolute path, as hex digits written a–p.
 */
export function unpackedExtensionId(dir) {
  const hex = createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/**
 * A fresh profile for `npm start`, with preferences written before the first
 * launch: no Translate bubble over the (Kazakh) demo article, and Saqta's
 * icon pinned to the toolbar so its badge (✓ after a save) is visible.
 */
export function writeStartProfile(profileDir, extensionId) {
  const prefs = {
    browser: { has_seen_welcome_page: true },
    translate: { enabled: false },
    extensions: { pinned_extensions: [extensionId], toolbar: [extensionId] },
  };
  mkdirSync(join(profileDir, 'Default'), { recursive: true });
  writeFileSync(join(profileDir, 'Default', 'Preferences'), JSON.stringify(prefs));
  // "First Run" marks the profile as set up (no welcome tab, no first-run bubbles).
  writeFileSync(join(profileDir, 'First Run'), '');
  return prefs;
}

/**
 * The command line of `npm start`'s window: the extension, the fresh profile,
 * the demo article. As root Chromium needs --no-sandbox and then shows an
 * "unsupported command-line flag" bar; --test-type (what ChromeDriver passes)
 * keeps that bar away.
 */
export function startArgs(extensionDir, profileDir, url) {
  return [
    ...chromeArgs(extensionDir),
    ...(process.getuid?.() === 0 ? ['--test-type'] : []),
    `--user-data-dir=${profileDir}`,
    '--new-window',
    url,
  ];
}

// Where is a Chromium to run? CHROME_PATH, then Debian's chromium, then Google Chrome.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

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

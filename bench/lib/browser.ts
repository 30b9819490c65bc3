/**
 * Chromium for benchmarks: the same binary and flags as the E2E tests, with
 * or without the built extension, each time in a fresh profile.
 */
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromeArgs, findChrome, INSTALL_HINT } from '../../scripts/chrome.mjs';
import { EXTENSION_DIR } from './paths';

export interface Browser {
  context: BrowserContext;
  /** The extension's service worker, when launched with the extension. */
  worker?: Worker;
  extensionId?: string;
  /** The profile folder (finds the browser's processes). */
  profile: string;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export function chromePath(): string {
  const path = findChrome();
  if (!path) throw new Error(INSTALL_HINT);
  return path;
}

/** "Chromium 142.0.7444.175" as the binary reports it. */
export function chromeVersion(): string {
  try {
    return execFileSync(chromePath(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** `extensionDir`: another unpacked extension than the built Saqta (e.g. the content-script suite's empty-script copy). */
export async function launchBrowser({ extension, extensionDir = EXTENSION_DIR }: { extension: boolean; extensionDir?: string }): Promise<Browser> {
  if (extension && !existsSync(join(extensionDir, 'manifest.json')))
    throw new Error(`Build the extension first (npm run build): ${extensionDir} is missing.`);
  const profile = mkdtempSync(join(tmpdir(), 'saqta-bench-'));
  // Same flags with the extension flags taken out, so the only difference is Saqta.
  const args = chromeArgs(extensionDir, { lang: 'en' }).filter(
    (a: string) => extension || !/^--(load-extension|disable-extensions-except)=/.test(a),
  );
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromePath(),
    headless: true,
    args,
    locale: 'en',
    viewport: { width: 1280, height: 900 },
  });
  // Fixture pages link to the live web; the bench is offline: anything not on 127.0.0.1 fails at once, for every tool alike.
  await context.route((url) => url.hostname !== '127.0.0.1' && /^https?:$/.test(url.protocol), (route) => route.abort('internetdisconnected'));
  let worker: Worker | undefined;
  if (extension) worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  return {
    context,
    worker,
    extensionId: worker ? new URL(worker.url()).host : undefined,
    profile,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Resident memory (KB) of the browser whose profile is `profile`, and all its children. */
export function browserRssKb(profile: string): number {
  try {
    const out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const rows = out.split('\n').filter(Boolean).map((l) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l)!;
      return { pid: +m[1], ppid: +m[2], rss: +m[3], args: m[4] };
    });
    const root = rows.find((r) => r.args.includes(profile) && !r.args.includes('--type='));
    if (!root) return NaN;
    const tree = new Set([root.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of rows) if (!tree.has(r.pid) && tree.has(r.ppid)) (tree.add(r.pid), (grew = true));
    }
    return rows.filter((r) => tree.has(r.pid)).reduce((s, r) => s + r.rss, 0);
  } catch {
    return NaN;
  }
}

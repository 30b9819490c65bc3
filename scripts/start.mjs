#!/usr/bin/env node
// `npm start`: build the extension, serve the bundled demo article on
// 127.0.0.1, and open Chromium with Saqta loaded on it. Without a display it
// says so and explains how to load the build by hand.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChrome, startArgs, unpackedExtensionId, writeStartProfile, INSTALL_HINT } from './chrome.mjs';
import { startServer } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extensionDir = join(root, '.output', 'chrome-mv3');

console.log('Building Saqta…');
const build = spawnSync(process.execPath, [join(root, 'node_modules', 'wxt', 'bin', 'wxt.mjs'), 'build'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const byHand = `
Load it by hand:
  Chrome/Chromium: open chrome://extensions, turn on Developer mode,
                   press "Load unpacked" and choose ${extensionDir}
  Firefox:         run \`npm run build:firefox\`, open about:debugging#/runtime/this-firefox,
                   press "Load Temporary Add-on…" and choose .output/firefox-mv2/manifest.json`;

const chrome = findChrome();
if (!chrome) {
  console.error(`\n${INSTALL_HINT}\nThe built extension is in ${extensionDir}.${byHand}`);
  process.exit(1);
}
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.log(
    `\nThis machine has no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no browser window can open.\nThe built extension is in ${extensionDir}.${byHand}\nThen serve the demo article with \`node scripts/serve-demo.mjs\` and open the address it prints.`,
  );
  process.exit(0);
}

const server = await startServer({ '/seed/': join(root, 'demo', 'seed-article') }, { port: Number(process.env.PORT) || 0 });
const demo = `${server.origin}/seed/index.html`;
// Chromium itself, not a driven browser: no automation bar, nothing between the reader and the page.
const profile = mkdtempSync(join(tmpdir(), 'saqta-start-'));
writeStartProfile(profile, unpackedExtensionId(extensionDir));
const browser = spawn(chrome, startArgs(extensionDir, profile, demo), { stdio: 'ignore' });
console.log(`\nSaqta is loaded in ${chrome}, on the demo article ${demo}.
Select a sentence: a small Saqta toolbar appears under it. Press one of the
colours after "Highlight:" (or Alt+Shift+H) to mark it; Tag and Note are beside
them. Saqta's icon is pinned to the toolbar: its popup saves the page (the badge
turns ✓ when the copy is saved) and opens the side panel and the library.
Close the browser window to stop.`);
// The temporary profile goes with the browser: nothing of the session is left in the temp folder.
const removeProfile = () => rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  try {
    removeProfile();
  } catch (err) {
    console.error(`Could not remove the temporary profile ${profile}: ${err.message}`);
  }
  void server.close().then(() => process.exit(0));
};
browser.on('exit', stop);
browser.on('error', (err) => {
  console.error(`Could not start ${chrome}: ${err.message}`);
  stop();
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => browser.kill('SIGTERM'));

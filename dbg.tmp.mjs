import puppeteer from 'puppeteer-core';
import { mkdtempSync, mkdirSync, readdirSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
const FIREFOX_DIR = '.output/firefox-mv2';
const profile = mkdtempSync('/tmp/dbgff-');
const files = {};
const walk = (d) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else files[relative(FIREFOX_DIR, p)] = readFileSync(p); } };
walk(FIREFOX_DIR);
mkdirSync(join(profile, 'extensions'));
writeFileSync(join(profile, 'extensions', 'saqta@saqta.app.xpi'), zipSync(files));
const UUID = '5a9c7a11-0000-4000-8000-5a97a5a97a01';
async function launch() {
  return puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, userDataDir: profile, args: ['--remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ 'saqta@saqta.app': UUID }), 'xpinstall.signatures.required': false, 'extensions.autoDisableScopes': 0, 'extensions.enabledScopes': 15 } });
}
async function chrome(b, expression) {
  const c = b.connection;
  const tree = (await c.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result;
  const win = tree.contexts.find((x) => x.url === 'chrome://browser/content/browser.xhtml');
  return (await c.send('script.evaluate', { expression, target: { context: win.context }, awaitPromise: true })).result;
}
const b = await launch();
const first = (await b.pages())[0];
b.connection.send('browsingContext.navigate', { context: first.mainFrame()._id, url: 'http://127.0.0.1:45999/seed/index.html', wait: 'none' }).catch((e) => console.log('nav err', String(e)));
await new Promise((r) => setTimeout(r, 4000));
console.log(JSON.stringify(await chrome(b, `(() => { gBrowser.selectedTab = gBrowser.addTab('moz-extension://${UUID}/options.html', { triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }); return 'ok'; })()`)).slice(0,300));
await new Promise((r) => setTimeout(r, 2000));
const pages = await b.pages();
console.log(pages.map((p) => p.url()));
for (const p of pages) console.log('href', await p.evaluate(() => location.href).catch(e => String(e).slice(0,100)));
const h = pages[1];
if (h) console.log(await h.evaluate(async () => {
  const api = globalThis.browser;
  const tabs = await api.tabs.query({});
  const out = [];
  for (const t of tabs) out.push({ id: t.id, url: t.url, status: t.status, badge: await api.browserAction.getBadgeText({ tabId: t.id }), frames: await api.webNavigation.getAllFrames({ tabId: t.id }) });
  return JSON.stringify(out);
}));
await b.close();

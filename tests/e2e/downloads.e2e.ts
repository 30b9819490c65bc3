/**
 * Issue 24: nothing Saqta hands out runs. The hostile article (tests/e2e/pages/saved-hostile.html:
 * scripts that write "PWNED" into the title and beacon to http://collector.example/ when the
 * page is opened anywhere but its own address, handlers, meta refresh, the `<me<link>ta …>`
 * nesting) is saved; a person opens the reader, clicks Download for the page's source and for the
 * snapshot, and opens both files from disk. No script runs, no dialog opens, no request leaves
 * (every request Chromium makes goes through a logging proxy); the source opens as text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, serveFixtures, tabIdOf, request, artifactPath, type Session } from './harness';
import { proxyArgs, startLoggingProxy, type LoggingProxy } from './network';
import type { FixtureServer } from '../../scripts/server.mjs';

let server: FixtureServer;
let proxy: LoggingProxy;
let session: Session;
let dir: string;
beforeAll(async () => {
  server = await serveFixtures();
  proxy = await startLoggingProxy(server.origin);
  session = await launch({ lang: 'en', args: proxyArgs(proxy.url) });
  dir = mkdtempSync(join(tmpdir(), 'saqta-downloads-'));
});
afterAll(async () => {
  await session?.close();
  await proxy?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CHROMIUM_OWN = /^(GET http:\/\/clients2\.google\.com\/time|POST http:\/\/update\.googleapis\.com|CONNECT [a-z-]+\.(google|googleapis)\.com:443)/;
const requestsNow = () => proxy.log.filter((r) => !CHROMIUM_OWN.test(`${r.method} ${r.url}`));

describe('downloads of a saved hostile page do not run (issue 24)', () => {
  it('the raw source comes as .html.txt, the snapshot with Saqta’s policy; opened from disk, neither runs nor reaches out', async () => {
    // Earlier, the reader saved the hostile article.
    const live = await session.context.newPage();
    await live.goto(`${server.origin}/hostile/saved-hostile.html`);
    const tabId = await tabIdOf(session, live);
    const saved = await request<{ ok: boolean; value: { pageId: string }; error?: { message: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
    expect(saved.ok, saved.error?.message).toBe(true);
    await live.close();

    const reader = await session.context.newPage();
    await reader.goto(`chrome-extension://${session.extensionId}/reader.html?page=${encodeURIComponent(saved.value.pageId)}`);
    const files: Record<string, string> = {};
    for (const kind of ['raw', 'snapshot'] as const) {
      const link = reader.getByTestId(`download-${kind}`);
      await link.waitFor();
      const [download] = await Promise.all([reader.waitForEvent('download'), link.click()]);
      const path = join(dir, download.suggestedFilename());
      await download.saveAs(path);
      files[kind] = path;
    }
    expect(files.raw).toMatch(/\.html\.txt$/);
    expect(files.snapshot).toMatch(/\.html$/);
    const raw = readFileSync(files.raw, 'utf8');
    expect(raw).toContain('collector.example/body-script'); // the page's own bytes, as text
    const snapshot = readFileSync(files.snapshot, 'utf8');
    require('node:fs').writeFileSync(artifactPath('downloaded-snapshot.html'), snapshot);

    await new Promise((r) => setTimeout(r, 500));
    proxy.log.length = 0;
    for (const [kind, path] of Object.entries(files)) {
      const page = await session.context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const seen: string[] = [];
      page.on('request', (r) => seen.push(r.url()));
      await page.goto(pathToFileURL(path).href);
      // A person reads: clicks and hovers the text, waits past any refresh.
      const text = page.getByText('The ministry said it had not seen the letter').first();
      await text.hover();
      await text.click();
      await page.waitForTimeout(2000);
      expect(await page.title(), kind).not.toMatch(/PWNED/);
      expect(page.url(), kind).toBe(pathToFileURL(path).href);
      expect(dialogs, kind).toEqual([]);
      expect(seen.filter((u) => /^(https?|wss?|ftp):/i.test(u)), kind).toEqual([]);
      if (kind === 'raw') expect(await page.evaluate(() => document.contentType), kind).toBe('text/plain');
      await page.close();
    }
    expect(requestsNow()).toEqual([]);
    expect(proxy.log.filter((r) => r.url.includes('collector.example'))).toEqual([]);
    await reader.close();
  }, 180_000);
});

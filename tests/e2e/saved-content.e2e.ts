/**
 * Saved content never runs. A hostile article (tests/e2e/pages/saved-hostile.html:
 * inline and SVG scripts, event handlers, javascript: and data: links, meta
 * refresh, a form, frames, objects, CSS @import/url()/@font-face, style
 * attributes, srcset, <base>) is saved through Saqta, then its copy is opened
 * in the reader and its archival snapshot in a page of its own. Every request
 * Chromium makes goes through a logging proxy: opening either makes none, no
 * handler or script runs (the page's scripts would write "PWNED" into the
 * title), and the text is still there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, serveFixtures, tabIdOf, request, artifactPath, type Session } from './harness';
import { proxyArgs, startLoggingProxy, type LoggingProxy } from './network';
import type { FixtureServer } from '../../scripts/server.mjs';

let server: FixtureServer;
let proxy: LoggingProxy;
let session: Session;
let pageId = '';
beforeAll(async () => {
  server = await serveFixtures();
  proxy = await startLoggingProxy(server.origin);
  session = await launch({ lang: 'en', args: proxyArgs(proxy.url) });
});
afterAll(async () => {
  await session?.close();
  await proxy?.close();
  await server?.close();
});

const CHROMIUM_OWN = /^(GET http:\/\/clients2\.google\.com\/time|POST http:\/\/update\.googleapis\.com|CONNECT [a-z-]+\.(google|googleapis)\.com:443)/;
const requestsNow = () => proxy.log.filter((r) => !CHROMIUM_OWN.test(`${r.method} ${r.url}`));

describe('saved content never runs', () => {
  it('saves the hostile article', async () => {
    const live = await session.context.newPage();
    await live.goto(`${server.origin}/hostile/saved-hostile.html`);
    const tabId = await tabIdOf(session, live);
    const res = await request<{ ok: boolean; value: { pageId: string }; error?: { message: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
    expect(res.ok, res.error?.message).toBe(true);
    pageId = res.value.pageId;
    await live.close();
  });

  it('the reader shows the text, runs nothing and makes zero network requests', async () => {
    await new Promise((r) => setTimeout(r, 500));
    proxy.log.length = 0;
    const opened = Date.now();
    const dialogs: string[] = [];
    const reader = await session.context.newPage();
    reader.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const seen: string[] = [];
    reader.on('request', (r) => seen.push(r.url()));
    await reader.goto(`chrome-extension://${session.extensionId}/reader.html?page=${encodeURIComponent(pageId)}`);
    await reader.getByText('the committee received the letter on 14 March').first().waitFor();
    // A person reads: hovers, clicks, tabs through.
    await reader.getByText('The ministry said it had not seen the letter').first().hover();
    await reader.getByText('The ministry said it had not seen the letter').first().click();
    for (let i = 0; i < 5; i++) await reader.keyboard.press('Tab');
    await reader.waitForTimeout(1500);

    const dom = await reader.evaluate(() => {
      const all = [...document.querySelectorAll('*')];
      return {
        title: document.title,
        pwned: localStorage.getItem('pwned'),
        scripts: [...document.scripts].map((s) => s.src.replace(/^chrome-extension:\/\/[a-p]+/, '')),
        handlers: all.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.localName}[${a.name}]`)),
        jsUrls: all.flatMap((el) => [...el.attributes].filter((a) => /^\s*(javascript|data:text|vbscript)/i.test(a.value)).map((a) => `${el.localName}[${a.name}]`)),
        dangerous: [...document.querySelectorAll('main form, main iframe, main object, main embed, main svg, main base, main link, main style, main meta, article form, article iframe, article object, article embed, article svg, article base, article link, article style, article meta')].map((e) => e.localName),
        styleAttrs: [...document.querySelectorAll('article [style], main [srcset]')].map((e) => e.localName),
        text: document.body.innerText,
      };
    });
    expect(dom.title).not.toMatch(/PWNED/);
    expect(dom.pwned).toBeNull();
    expect(dom.scripts.every((s) => /^\/(chunks|assets|reader)[\w\-./]*\.js$/.test(s)), dom.scripts.join()).toBe(true);
    expect(dom.handlers).toEqual([]);
    expect(dom.jsUrls).toEqual([]);
    expect(dom.dangerous).toEqual([]);
    expect(dom.text).toContain('The lawyer plans to take the case to the United Nations working group');
    expect(dom.text).toContain('комитеттің хатқа алты апта бойы жауап бермегенін');
    expect(dialogs).toEqual([]);
    expect(seen.filter((u) => /^(https?|wss?|ftp):/i.test(u))).toEqual([]);
    expect(requestsNow()).toEqual([]);
    expect(server.log.filter((r) => r.path.includes('pwned') && r.time >= opened)).toEqual([]);
    await reader.screenshot({ path: artifactPath('reader-hostile-en.png') });
    await reader.close();
  });

  it('the archival snapshot opened on its own runs nothing and fetches nothing', async () => {
    const html = await session.worker.evaluate(
      (id) =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('saqta');
          open.onsuccess = () => {
            const req = open.result.transaction('blobs').objectStore('blobs').index('pageId').getAll(id);
            req.onsuccess = () => {
              const snap = (req.result as { kind: string; data: Blob }[]).find((b) => b.kind === 'snapshot');
              if (!snap) return reject(new Error('no snapshot stored'));
              void snap.data.text().then(resolve);
            };
          };
        }),
      pageId,
    );
    require('node:fs').writeFileSync(artifactPath('hostile-snapshot.html'), html);
    // Static facts of the file: its own CSP, no refresh, no live script.
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'/i);
    // No refresh element (the `<me<link>ta http-equiv=refresh …>` nesting stays text, as the live page parsed it).
    expect(html).not.toMatch(/<meta\b[^>]*http-equiv=["']?refresh/i);
    expect(html).not.toMatch(/\son(load|click|error|focus|mouseover)\s*=/i);
    expect(html).not.toMatch(/href=["']?\s*javascript:/i);

    proxy.log.length = 0;
    const page = await session.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const seen: string[] = [];
    page.on('request', (r) => seen.push(r.url()));
    await page.setContent(html, { waitUntil: 'load' });
    await page.getByText('The ministry said it had not seen the letter').first().click();
    await page.waitForTimeout(1500);
    expect(await page.title()).not.toMatch(/PWNED/);
    expect(dialogs).toEqual([]);
    expect(seen.filter((u) => /^(https?|wss?|ftp):/i.test(u))).toEqual([]);
    expect(requestsNow()).toEqual([]);
    await page.close();
  });
});

/**
 * Issue 24, the one gate, as an attacker with a renderer exploit sees it: code running in the
 * content script's isolated world (reached here through CDP, as an exploit would reach it) asks
 * the background for the key, the library and another tab. Everything outside the allowlist is
 * refused; the allowlist works for the page's own address only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, CDPSession } from 'playwright-core';
import { launch, request, serveFixtures, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';
import { pageKeys } from '../../utils/url';

let server: FixtureServer;
let session: Session;

beforeAll(async () => {
  server = await serveFixtures();
  session = await launch();
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** The content script's isolated world in this page, as CDP lists it. */
async function contentWorld(page: Page): Promise<{ cdp: CDPSession; run: (expr: string) => Promise<unknown> }> {
  const cdp = await session.context.newCDPSession(page);
  const worlds: { id: number; origin: string; name: string; auxData?: { type?: string; frameId?: string; isDefault?: boolean } }[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: (typeof worlds)[number] }) => worlds.push(e.context));
  await cdp.send('Runtime.enable');
  const deadline = Date.now() + 10_000;
  let world: (typeof worlds)[number] | undefined;
  while (!(world = worlds.find((w) => w.auxData?.type === 'isolated' && w.origin.includes(session.extensionId))) && Date.now() < deadline) await page.waitForTimeout(50);
  if (!world) throw new Error(`no content-script world among ${JSON.stringify(worlds.map((w) => [w.name, w.origin, w.auxData?.type]))}`);
  const contextId = world.id;
  return {
    cdp,
    async run(expr) {
      const res = (await cdp.send('Runtime.evaluate', { expression: expr, contextId, awaitPromise: true, returnByValue: true })) as {
        result: { value?: unknown };
        exceptionDetails?: { text: string; exception?: { description?: string } };
      };
      if (res.exceptionDetails) throw new Error(res.exceptionDetails.exception?.description ?? res.exceptionDetails.text);
      return res.result.value;
    },
  };
}

type Answer = { ok: boolean; value?: unknown; error?: { code: string; message: string } } | undefined;

describe('the gate (issue 24): a content script’s world cannot sign, read the library or save another tab', () => {
  it('refuses what only Saqta’s pages may ask, and answers the page about itself', async () => {
    // Earlier, the reader made a claim on a private page (their webmail, say) and one on the news page.
    // Another site (localhost, not 127.0.0.1): the boundary is the sender's origin (utils/background/gate.ts).
    const privateUrl = `${server.origin.replace("127.0.0.1", "localhost")}/fixtures/readability/001/source.html`;
    const newsUrl = `${server.origin}/seed/index.html`;
    for (const url of [privateUrl, newsUrl]) {
      const made = (await request(session, {
        type: 'annotation.create',
        page: { keys: pageKeys(url), title: url },
        selector: [{ type: 'TextQuoteSelector', exact: 'claim', prefix: '', suffix: '' }],
        body: { tags: ['secret-tag'], note: 'private note', color: 'green' },
      })) as Answer;
      expect(made?.ok).toBe(true);
    }
    const privateTab = await session.context.newPage();
    await privateTab.goto(privateUrl);
    const privateTabId = await tabIdOf(session, privateTab);
    const privatePageId = ((await request(session, { type: 'page.get', keys: pageKeys(privateUrl) })) as { value: { page: { id: string } } }).value.page.id;

    const news = await session.context.newPage();
    await news.goto(newsUrl);
    const { run } = await contentWorld(news);
    const ask = (msg: object) => run(`chrome.runtime.sendMessage(${JSON.stringify(msg)})`) as Promise<Answer>;

    const refused: [string, object][] = [
      ['signing', { type: 'evidence.signPackage', datapackage: JSON.stringify({ profile: 'data-package', created: new Date().toISOString(), resources: [{ path: 'a', hash: `sha256:${'ab'.repeat(32)}`, bytes: 1 }] }) }],
      ['the key', { type: 'evidence.status' }],
      ['library pages', { type: 'library.pages', offset: 0, limit: 500 }],
      ['a page by id', { type: 'page.byId', pageId: privatePageId }],
      ['captures', { type: 'save.captures', pageId: privatePageId }],
      ['another page by address', { type: 'page.get', keys: pageKeys(privateUrl) }],
      ['the timestamp server', { type: 'evidence.setTimestamps', timestamps: true, tsaUrl: 'https://tsa.evil.example/' }],
      ['the team folder', { type: 'team.configure', patch: { url: 'https://dav.evil.example/' } }],
      ['test connection', { type: 'team.test', url: 'https://dav.evil.example/' }],
      ['watch settings', { type: 'watch.configure', settings: { intervalHours: 6 } }],
      ['settings', { type: 'settings.get' }],
    ];
    for (const [what, msg] of refused) {
      const res = await ask(msg);
      expect(res, what).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }

    // There is no message that signs a bare hash at all.
    expect(await ask({ type: 'evidence.sign', hash: `sha256:${'ab'.repeat(32)}` })).toMatchObject({ ok: false, error: { code: 'unknown-type' } });

    // Saving "another tab": the background saves the sender's own tab, whatever tabId says.
    const saved = await ask({ type: 'save.page', tabId: privateTabId });
    expect(saved?.ok, JSON.stringify(saved)).toBe(true);
    expect((saved?.value as { capture: { url: string } }).capture.url).toBe(newsUrl);
    const privateCaptures = (await request(session, { type: 'save.captures', pageId: privatePageId })) as { value: { captures: unknown[] } };
    expect(privateCaptures.value.captures).toEqual([]);

    // The page's own claims: yes.
    const own = await ask({ type: 'page.get', keys: pageKeys(newsUrl) });
    expect(own).toMatchObject({ ok: true, value: { annotations: [{ body: { note: 'private note' } }] } });
  }, 120_000);
});

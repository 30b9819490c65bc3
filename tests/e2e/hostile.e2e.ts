/**
 * Hostile pages (tests/e2e/pages/, served at /hostile/): pages that replace
 * the DOM APIs a highlighter uses, set a strict CSP (meta and header), have
 * 50,000 nodes, never stop mutating, use shadow DOM and frames, and spy on
 * Saqta from the main world (pages/spy.js: DOM changes, attributes, globals,
 * open shadow roots, CSS.highlights, storage) while firing synthetic clicks,
 * keys, selections and postMessages at it.
 *
 * On every one: the content script keeps answering; the reader's claim text,
 * tag and note stay out of the page's reach; synthetic events store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launch, serveFixtures, tabIdOf, dbCounts, request, ROOT, type Session } from './harness';
import { clickControl, settledAnchors } from './highlight-helpers';
import { pageKeys } from '../../utils/url';
import type { FixtureServer } from '../../scripts/server.mjs';

const QUOTE = 'the committee received the letter on 14 March and did not reply to it for six weeks';
const PARA = 'According to the lawyer, the committee received the letter on 14 March and did not reply to it for six weeks, while the detainee remained in custody.';
const TAG = 'secret-tag-ZQ7';
const NOTE = 'secret note: source is the cousin, ZQ7';

const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; frame-src 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

const PAGES: { path: string; title: RegExp }[] = [
  { path: '/hostile/overrides.html', title: /overridden DOM APIs/ },
  { path: '/hostile/csp.html', title: /strict CSP/ },
  { path: '/hostile/csp-header.html', title: /strict CSP/ },
  { path: '/hostile/big.html', title: /50,000 nodes \(\d+ elements\)/ },
  { path: '/hostile/mutating.html', title: /constant mutation/ },
  { path: '/hostile/shadow-iframes.html', title: /shadow DOM and iframes/ },
  { path: '/hostile/spy.html', title: /spying on Saqta/ },
];

let server: FixtureServer;
let session: Session;
beforeAll(async () => {
  server = await serveFixtures();
  // The same page as csp.html, but with its policy in a response header.
  server.override('/hostile/csp-header.html', {
    file: join(ROOT, 'tests/e2e/pages/csp.html'),
    headers: { 'content-security-policy': STRICT_CSP },
  });
  session = await launch();
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** Everything page scripts could learn, as one string to search. */
async function pageVisible(page: Page): Promise<string> {
  return page.evaluate((para) => {
    const w = window as unknown as {
      __spy: { drive(): void; report(): unknown };
      __overrides?: unknown[];
      __shadowRoots?: ShadowRoot[];
    };
    return JSON.stringify({
      spy: w.__spy.report(),
      overrides: w.__overrides ?? null,
      forcedOpenRoots: (w.__shadowRoots ?? []).map((r) => r.innerHTML),
      // The page's own copy of the quote, as served, is not a leak; any change Saqta made to it would be.
      html: document.documentElement.outerHTML.replace(`<p id="quote-para">${para}</p>`, '<p id="quote-para"></p>'),
      title: document.title,
    });
  }, PARA);
}

/** Fail with the neighbourhood of a leaked secret, not a megabyte of page. */
function expectAbsent(haystack: string, secret: string) {
  const at = haystack.indexOf(secret);
  expect(at === -1 ? null : haystack.slice(Math.max(0, at - 300), at + secret.length + 300), `leaked: ${secret}`).toBeNull();
}

describe('hostile pages', () => {
  for (const { path, title } of PAGES) {
    it(`${path}: Saqta keeps working, the page learns nothing and cannot make it store anything`, async () => {
      const url = `${server.origin}${path}`;
      // The reader already has a claim with a tag and a note on this page.
      const created = await request<{ ok: boolean }>(session, {
        type: 'annotation.create',
        page: { keys: pageKeys(url), title: 'hostile' },
        selector: [{ type: 'TextQuoteSelector', exact: QUOTE, prefix: 'According to the lawyer, ', suffix: ', while the detainee' }],
        body: { tags: [TAG], note: NOTE, color: 'pink' },
      });
      expect(created.ok).toBe(true);
      const before = await dbCounts(session);

      const page = await session.context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(url);
      expect(await page.title()).toMatch(title);
      // The article text is there for the reader (the page did not break itself).
      expect(await page.locator('#quote-para').textContent()).toBe(PARA);

      // The content script answers in this page.
      const tabId = await tabIdOf(session, page);
      const status = await session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'status' }), tabId);
      expect(status).toMatchObject({ alive: true, url });

      // Saqta finds and paints the reader's claim on this page.
      const placed = await settledAnchors(session, tabId, 1, 30_000);
      expect(placed.claims.map((c) => c.text)).toEqual([QUOTE]);

      // The reader highlights a paragraph as a person does (triple click, a colour in the toolbar).
      const para = page.locator('#quote-para + p + p');
      await para.click({ clickCount: 3 });
      await clickControl(page, 'c-green');
      await expect.poll(() => dbCounts(session).then((c) => c.annotations), { timeout: 10_000 }).toBe(before.annotations + 1);
      await page.keyboard.press('Escape');
      const mine = await settledAnchors(session, tabId, 2, 30_000);
      expect(mine.claims.map((c) => c.text)).toContain(
        'По словам адвоката, комитет получил письмо 14 марта и шесть недель не отвечал на него, пока задержанный оставался под стражей.',
      );
      const afterReader = await dbCounts(session);

      // The page attacks again now that Saqta has painted claims and shown its toolbar.
      await page.evaluate(() => (window as unknown as { __spy: { drive(): void } }).__spy.drive());
      await page.waitForTimeout(700);

      const visible = await pageVisible(page);
      const report = JSON.parse(visible).spy as Record<string, unknown[]>;
      for (const secret of [QUOTE, TAG, NOTE, 'pink', 'urn:uuid:']) expectAbsent(visible, secret);
      // No attribute, global, storage entry or CSS highlight of Saqta's in the page.
      expect(report.attributes).toEqual([]);
      expect(report.globals).toEqual([]);
      expect(report.storage).toEqual(['cookie=']);
      expect(report.highlights).toEqual([]);
      expect(report.synthetic as unknown as number).toBeGreaterThan(20);

      // Synthetic clicks, keys, selections and messages stored nothing.
      expect(await dbCounts(session)).toEqual(afterReader);
      // The reader's claim is intact.
      const view = await request<{ ok: boolean; value: { annotations: { body: { tags: string[]; note: string } }[] } }>(
        session,
        { type: 'page.get', keys: pageKeys(url) },
      );
      expect(view.value.annotations).toEqual([
        expect.objectContaining({ body: { tags: [TAG], note: NOTE, color: 'pink' } }),
        expect.objectContaining({ body: { tags: [], note: '', color: 'green' } }),
      ]);
      expect(pageErrors.filter((e) => !/page says no|PAGE-FORGED/.test(e))).toEqual([]);
      await page.close();
    });
  }

  it('the pages really are hostile (control: the spy sees what the page itself exposes)', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/hostile/overrides.html`);
    const leaked = await page.evaluate(() => {
      // What a careless extension in the main world would leak: a closed root, a CSS highlight, an attribute, a global.
      const host = document.createElement('div');
      const root = host.attachShadow({ mode: 'closed' });
      root.innerHTML = '<p>CONTROL-SECRET</p>';
      document.body.append(host);
      document.body.setAttribute('data-saqta', 'CONTROL-ATTR');
      (window as unknown as Record<string, string>).saqtaState = 'CONTROL-GLOBAL';
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('h1')!);
      CSS.highlights.set('saqta', new Highlight(range));
      return true;
    });
    expect(leaked).toBe(true);
    await page.waitForTimeout(700);
    const visible = await pageVisible(page);
    for (const secret of ['CONTROL-SECRET', 'CONTROL-ATTR', 'CONTROL-GLOBAL', 'CSS.highlights.set']) expect(visible).toContain(secret);
    await page.close();
  });
});

/**
 * A reader's profile with something to lose (issue 28): an article saved, a
 * claim with a note and a tag, the team folder set up and the signing key
 * made, each holding a canary string unique to the run. Set up as fixtures a
 * person made earlier (through Saqta's own requests from an extension page),
 * for tests that close the browser and read its profile folder with
 * tests/e2e/profile-scan.ts. Used by wipe.e2e.ts and wipe-firefox.e2e.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromeArgs, findChrome, INSTALL_HINT } from '../../scripts/chrome.mjs';
import type { FixtureServer } from '../../scripts/server.mjs';
import { pageKeys } from '../../utils/url';
import { EXTENSION_DIR } from './harness';

export interface Canaries {
  /** In the article's text: the claim's quote (and so the saved copy and the search terms). */
  quote: string;
  /** In the article's text only: the saved copy. */
  copy: string;
  note: string;
  tag: string;
  teamPassword: string;
  teamPassphrase: string;
  teamUser: string;
}

export function makeCanaries(): Canaries {
  const r = () => randomBytes(6).toString('hex');
  return {
    quote: `quotecanary${r()}`,
    copy: `copycanary${r()}`,
    note: `notecanary${r()}`,
    tag: `tagcanary${r()}`,
    teamPassword: `Pw-canary-${r()}`,
    teamPassphrase: `Passphrase canary ${r()}`,
    teamUser: `usercanary${r()}`,
  };
}

/** The article, served with `no-store` so the browser's HTTP cache keeps no copy of it (the lock does not claim the cache). */
export function serveCanaryArticle(server: FixtureServer, c: Canaries): { url: string; title: string; quote: string } {
  const quote = `The minister said on Tuesday that ${c.quote} was the figure the ministry had counted.`;
  const para = 'Reporters from three regions compared the numbers with the published budget, line by line, and found the gaps that the minister later explained. ';
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Budget hearing in Astana</title></head><body><article><h1>Budget hearing in Astana</h1>
<p>${para.repeat(3)}</p><p>${quote}</p><p>${para.repeat(2)}</p><p>An annex lists ${c.copy} among the late payments.</p><p>${para.repeat(3)}</p></article></body></html>`;
  server.override('/canary/article.html', { status: 200, body, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
  return { url: `${server.origin}/canary/article.html`, title: 'Budget hearing in Astana', quote };
}

/** Ask Saqta's background from one of its pages (the harness's way of making fixtures). */
export type Ask = (msg: Record<string, unknown>) => Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>;

async function must(ask: Ask, msg: Record<string, unknown>): Promise<unknown> {
  const res = await ask(msg);
  if (!res?.ok) throw new Error(`${String(msg.type)} failed: ${JSON.stringify(res).slice(0, 300)}`);
  return res.value;
}

/**
 * Save the open article (tab `tabId`), claim the quote with a note and a tag, set up the team
 * folder with its password and passphrase, and make the signing key. Returns the key's fingerprint.
 */
export async function seedReader(ask: Ask, article: { url: string; title: string; quote: string }, tabId: number, c: Canaries): Promise<string> {
  await must(ask, { type: 'save.page', tabId });
  await must(ask, {
    type: 'annotation.create',
    page: { keys: pageKeys(article.url), title: article.title, lang: 'en' },
    selector: [{ type: 'TextQuoteSelector', exact: article.quote, prefix: '', suffix: '' }],
    body: { tags: [c.tag], note: c.note, color: 'yellow' },
  });
  await must(ask, {
    type: 'team.configure',
    patch: { url: 'https://dav.team.example/remote.php/dav/files/reader/Saqta/', user: c.teamUser, password: c.teamPassword, passphrase: c.teamPassphrase, displayName: 'Aigerim', enabled: false },
  });
  const status = (await must(ask, { type: 'evidence.status' })) as { fingerprint: string };
  return status.fingerprint;
}

/** What must not survive, as needles for scanProfile. */
export const needlesOf = (c: Canaries) => [c.quote, c.copy, c.note, c.tag, c.teamPassword, c.teamPassphrase, c.teamUser];

/** Chromium with the built extension on a profile folder that outlives the browser (closed, then scanned or reopened). */
export interface KeptChromium {
  profile: string;
  context: BrowserContext;
  extensionId: string;
  open(path: string): Promise<Page>;
  /** Close the browser as a person does (the profile stays). */
  close(): Promise<void>;
}

export function newProfileDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'saqta-profile-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function launchKept(profile: string, colorScheme: 'light' | 'dark' = 'light'): Promise<KeptChromium> {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(INSTALL_HINT);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: chromeArgs(EXTENSION_DIR, { lang: 'en' }),
    locale: 'en',
    colorScheme,
    viewport: { width: 1100, height: 850 },
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    profile,
    context,
    extensionId,
    async open(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    close: () => context.close(),
  };
}

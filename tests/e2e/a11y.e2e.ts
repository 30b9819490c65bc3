/**
 * Accessibility audit of every extension page with axe-core (WCAG 2.x A and
 * AA rules: contrast, labels, names, roles, landmarks, language), in light and
 * dark mode, with real content in them: claims with tags on the seed article
 * and a saved copy. A violation fails the test and names the rule and the
 * element, so the fix is obvious.
 *
 * The in-page toolbar lives in a closed shadow root that axe cannot enter; its
 * keyboard use and labels are covered by the highlighting tests.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { artifactPath, launch, request, serveFixtures, tabIdOf, type Session } from './harness';
import type { FixtureServer } from '../../scripts/server.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

let server: FixtureServer;
let session: Session;
let tabId: number;
let pageId: string;

async function audit(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: unknown[] }> } }).axe;
    const res = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
    return res.violations;
  })) as Violation[];
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`);
}

beforeAll(async () => {
  server = await serveFixtures();
  session = await launch({ lang: 'en' });
  const article = await session.context.newPage();
  await article.goto(`${server.origin}/seed/index.html`, { waitUntil: 'load' });
  tabId = await tabIdOf(session, article);
  await session.worker.evaluate(
    (id) => chrome.tabs.sendMessage(id, { command: 'highlight-spans', spans: [{ start: 400, end: 520 }, { start: 900, end: 1000 }], tags: ['torture', 'EU letter'] }),
    tabId,
  );
  const saved = await request<{ ok: boolean; value: { pageId: string } }>(session, { type: 'save.page', tabId, wait: 'screenshot' });
  if (!saved.ok) throw new Error(`save failed: ${JSON.stringify(saved)}`);
  pageId = saved.value.pageId;
}, 180_000);

afterAll(async () => {
  await session?.close();
  await server?.close();
});

const PAGES: { name: string; path: () => string; ready: string; size?: { width: number; height: number } }[] = [
  { name: 'popup', path: () => `popup.html?tab=${tabId}`, ready: '[data-testid=claim-count]', size: { width: 340, height: 420 } },
  { name: 'sidepanel', path: () => `sidepanel.html?tab=${tabId}`, ready: '[data-testid=claims] li', size: { width: 400, height: 700 } },
  { name: 'library', path: () => 'library.html', ready: '[data-testid=count]' },
  { name: 'options', path: () => 'options.html', ready: '[data-testid=persisted]' },
  // What the lock protects and what not (issue 28).
  { name: 'protection', path: () => 'protection.html', ready: '[data-testid=protect-no]' },
  { name: 'reader', path: () => `reader.html?page=${encodeURIComponent(pageId)}`, ready: '[data-testid=claims] li' },
  {
    name: 'blocked',
    path: () => `blocked.html?page=${encodeURIComponent(pageId)}&reason=legal&url=${encodeURIComponent(`${server.origin}/seed/index.html`)}&error=HTTP%20451`,
    ready: '[data-testid=open-copy]',
  },
];

describe('accessibility of the extension pages (axe-core, WCAG 2.2 AA)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const p of PAGES) {
      it(`${p.name} in ${scheme} mode has no violations`, async () => {
        const page = await session.context.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        if (p.size) await page.setViewportSize(p.size);
        await page.goto(`chrome-extension://${session.extensionId}/${p.path()}`);
        await page.waitForSelector(p.ready, { timeout: 20_000 });
        await page.waitForTimeout(300); // transitions settle before contrast is read
        const found = await audit(page);
        await page.screenshot({ path: artifactPath(`a11y-${p.name}-${scheme}.png`) });
        await page.close();
        expect(found).toEqual([]);
      });
    }
  }
});

/**
 * The page cannot tell whether you marked it (issue 11 §2). A probe page
 * (pages/footprint.html + footprint.js) records, from its own main world,
 * everything its scripts can observe: the DOM and every mutation record,
 * element counts and attributes, hit-testing (elementsFromPoint and
 * caretRangeFromPoint) on a grid and over every character of the article,
 * window globals, stylesheets and adopted sheets, CSS.highlights, resource
 * timing and every performance entry, computed styles and boxes of html, body
 * and their children, IntersectionObserver v2 visibility, focus, selection,
 * storage, messages and events.
 *
 * One profile visits it without claims, then a person marks text there (a
 * colour button of the toolbar, then Alt+Shift+H) and reloads, then 18 more
 * claims are made and it reloads again: the records with 0, 1 and 20 claims
 * must be identical. And the toolbar a person's selection brings is the same
 * with or without claims on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { artifactPath, launch, serveFixtures, tabIdOf, type Session } from './harness';
import { anchorsOf, clickControl, selectWithMouse, settledAnchors, waitControl, waitFocus } from './highlight-helpers';
import { yellowIn } from './pixels';
import type { FixtureServer } from '../../scripts/server.mjs';

let server: FixtureServer;
let session: Session;
beforeAll(async () => {
  server = await serveFixtures();
  session = await launch({ lang: 'en' });
});
afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** The first claim: a colour button of the toolbar. */
const FIRST = 'eleven weeks after the winter floods carried away two of its loading cranes';
/** The second: Alt+Shift+H, across the paragraph written one <span> per word. */
const SECOND = 'the repairs were paid for by the regional budget';
/** 18 more, through the content script's bulk path (one far below the fold). */
const MORE = [
  'River port reopens',
  'The river port at Kerbulak',
  'most of the northern quay',
  'Harbour officials said',
  'the first barges had already unloaded grain',
  'the port authority listed the new tariffs',
  'the eastern berths would follow',
  'once divers finish checking the pilings',
  'The regional governor promised',
  'a public report on the cost of the works',
  'but did not say when',
  'or who would audit the accounts',
  'Farmers upstream welcomed the news',
  'the port is the cheapest way',
  'to move their harvest south',
  'and the closure had forced them',
  'onto the congested highway',
  'Dockworkers who spoke to reporters',
];
/** Text the reader selects but never marks (the toolbar comparison). */
const UNMARKED = 'Environmental groups asked for a study of the new embankment';

type Record = { [key: string]: unknown };

async function contentScriptAlive(page: Page): Promise<number> {
  const tabId = await tabIdOf(session, page);
  await expect
    .poll(() => session.worker.evaluate((id) => chrome.tabs.sendMessage(id, { command: 'status' }).then((s) => !!(s as { alive?: boolean })?.alive, () => false), tabId), { timeout: 15_000 })
    .toBe(true);
  return tabId;
}

/**
 * Reload the page as the reader comes back to it, let Saqta do all it does on
 * a load (with claims: find and paint them all), and read the probe's record.
 */
async function visit(page: Page, claims: number): Promise<Record> {
  // The mouse rests in the same corner for every visit (hover state is the page's to see).
  await page.mouse.move(1, 1);
  await page.reload({ waitUntil: 'load' });
  const tabId = await contentScriptAlive(page);
  if (claims) {
    // Asked only when there are claims: 'anchors' loads the highlighter, and the visit
    // without claims must show what a page without claims gets on its own.
    const placed = await settledAnchors(session, tabId, claims);
    expect(placed.orphans).toEqual([]);
    expect(placed.claims.every((c) => c.boxes.length > 0)).toBe(true);
  }
  // Time for the content script's lookup (by URL, then text fingerprint, one message) and for anything
  // debounced (re-anchoring waits 300 ms) to settle.
  await page.waitForTimeout(2800);
  return page.evaluate(() => (window as unknown as { __footprint: { record(): Promise<Record> } }).__footprint.record());
}

/** The share of Saqta's highlight yellow over a painted box (the claims are really there). */
async function yellowOver(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<number> {
  const png = await page.screenshot();
  const scratch = await session.context.newPage();
  try {
    return await scratch.evaluate(yellowIn, { src: `data:image/png;base64,${png.toString('base64')}`, box });
  } finally {
    await scratch.close();
  }
}

/** Offsets of phrases in the page's rendered text, as the content script's bulk path takes them. */
async function spansOf(page: Page, phrases: string[], textLength: number): Promise<{ start: number; end: number }[]> {
  const { text, spans } = await page.evaluate((list) => {
    const text = document.body.innerText.replace(/\s+/g, ' ').trim();
    return { text, spans: list.map((p) => ({ start: text.indexOf(p), end: text.indexOf(p) + p.length })) };
  }, phrases);
  expect(text.length, 'the page’s folded text is the content script’s text').toBe(textLength);
  expect(spans.every((s) => s.start >= 0)).toBe(true);
  return spans;
}

/** Select the unmarked text as a person does and wait for the toolbar, then read the record. */
async function selectUnmarked(page: Page): Promise<Record> {
  await selectWithMouse(page, UNMARKED, 1);
  await waitControl(page, 'c-yellow');
  await page.mouse.move(1, 1);
  await page.waitForTimeout(500);
  return page.evaluate(() => (window as unknown as { __footprint: { record(): Promise<Record> } }).__footprint.record());
}

describe('the page cannot tell whether the reader marked it', () => {
  it('records the same without claims, with 1 claim and with 20, and the same toolbar on a selection', async () => {
    const page = await session.context.newPage();
    await page.goto(`${server.origin}/hostile/footprint.html`, { waitUntil: 'load' });
    await contentScriptAlive(page);

    const none = await visit(page, 0);
    writeFileSync(artifactPath('footprint-record.json'), JSON.stringify(none, null, 1));
    // The probe sees what a page sees: its own change, stylesheet, text under the pointer, visibility.
    expect(JSON.stringify(none.mutations)).toContain('Updated by the page itself.');
    expect(none.resources).toEqual([`link ${server.origin}/hostile/footprint.css`, `script ${server.origin}/hostile/footprint.js`]);
    expect(Object.keys((none.hits as { stacks: object }).stacks).some((s) => s.startsWith('span>p#words'))).toBe(true);
    expect(Object.keys(none.visibility as object).length).toBeGreaterThan(20);

    // A selection with no claims on the page: the toolbar appears (the highlighter loads now).
    const toolbarNone = await selectUnmarked(page);
    // The probe can see Saqta's toolbar (hit-testing finds it): it is not blind to Saqta.
    expect(JSON.stringify(toolbarNone.hits)).toContain('saqta-ui');
    await page.keyboard.press('Escape');

    // A person marks text: selects it and presses the yellow button; a tag and a note too.
    await selectWithMouse(page, FIRST, 1);
    await clickControl(page, 'c-yellow');
    await clickControl(page, 'tag');
    await waitFocus(page, 'tag-input'); // the person types at once: the field has the focus
    await page.keyboard.type('port-story');
    await page.keyboard.press('Enter');
    await waitControl(page, 'rm-port-story');
    await page.keyboard.press('Escape');
    const tabId = await tabIdOf(session, page);
    await settledAnchors(session, tabId, 1);

    const one = await visit(page, 1);
    const painted = (await anchorsOf(session, tabId)).claims[0].boxes[0];
    expect(await yellowOver(page, painted), 'the claim is painted on the page').toBeGreaterThan(0.3);
    expect(one).toEqual(none);

    // Alt+Shift+H on text written one <span> per word, then 18 more claims.
    await selectWithMouse(page, SECOND, 1);
    await page.keyboard.press('Alt+Shift+KeyH');
    await waitControl(page, 'delete');
    await page.keyboard.press('Escape');
    const two = await settledAnchors(session, tabId, 2);
    const spans = await spansOf(page, MORE, two.textLength);
    const made = (await session.worker.evaluate(
      ([id, s]) => chrome.tabs.sendMessage(id as number, { command: 'highlight-spans', spans: s, tags: ['bulk'] }),
      [tabId, spans] as const,
    )) as { created: number };
    expect(made.created).toBe(MORE.length);
    const twenty = await settledAnchors(session, tabId, 20);
    expect(twenty.claims.map((c) => c.text).sort()).toEqual([FIRST, SECOND, ...MORE].sort());

    const all = await visit(page, 20);
    await page.screenshot({ path: artifactPath('footprint-20-claims.png') });
    expect(all).toEqual(none);

    // The same selection with 20 claims on the page: the page sees the same toolbar.
    const toolbarAll = await selectUnmarked(page);
    expect(toolbarAll).toEqual(toolbarNone);
    await page.close();
  });
});

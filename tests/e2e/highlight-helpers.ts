/**
 * Helpers to drive Saqta's in-page UI as a person does. The toolbar lives in
 * a *closed* shadow root, which Playwright selectors cannot enter (that is the
 * point); the tests find a control's box through the DevTools protocol
 * (DOM.getDocument with pierce) and click it with the real mouse.
 *
 * A person's actions only: move and click the mouse on what is shown, turn
 * the wheel, press keys; and reading what is on screen (text, boxes, which
 * control has the focus). No helper here focuses an element, sets a value,
 * dispatches an event or asks Saqta anything on the person's behalf
 * (tests/unit/conventions.test.ts keeps it so). `anchorsOf`/`settledAnchors`
 * are probes a test asserts with, not actions; they live in probes.ts.
 */
import type { CDPSession, Page } from 'playwright-core';
export { anchorsOf, settledAnchors } from './probes';

interface CdpNode {
  nodeId: number;
  localName?: string;
  attributes?: string[];
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
}

const cdps = new WeakMap<Page, CDPSession>();
async function cdpOf(page: Page): Promise<CDPSession> {
  let s = cdps.get(page);
  if (!s) {
    s = await page.context().newCDPSession(page);
    cdps.set(page, s);
  }
  return s;
}

function findNode(n: CdpNode, pred: (n: CdpNode) => boolean): CdpNode | null {
  if (pred(n)) return n;
  for (const c of [...(n.shadowRoots ?? []), ...(n.children ?? [])]) {
    const f = findNode(c, pred);
    if (f) return f;
  }
  return null;
}

const attr = (n: CdpNode, name: string) => {
  const a = n.attributes ?? [];
  for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
};

/** Center of a Saqta UI control (by its data-k key), or null if it is not shown. */
export async function controlBox(page: Page, key: string): Promise<{ x: number; y: number } | null> {
  const cdp = await cdpOf(page);
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
  const host = findNode(root, (n) => n.localName === 'saqta-ui');
  if (!host) return null;
  const node = findNode(host, (n) => attr(n, 'data-k') === key);
  if (!node) return null;
  // The toolbar may re-render between the two calls: then the node is gone and the caller retries.
  const got = (await cdp.send('DOM.getBoxModel', { nodeId: node.nodeId }).catch(() => null)) as { model: { content: number[] } } | null;
  if (!got) return null;
  const q = got.model.content;
  return { x: (q[0] + q[2] + q[4] + q[6]) / 4, y: (q[1] + q[3] + q[5] + q[7]) / 4 };
}

/** Text of Saqta's toast or toolbar (through the protocol: the page cannot read it). */
export async function uiText(page: Page): Promise<string> {
  const cdp = await cdpOf(page);
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode & { nodeValue?: string } };
  const host = findNode(root, (n) => n.localName === 'saqta-ui');
  if (!host) return '';
  const out: string[] = [];
  const walk = (n: CdpNode & { nodeValue?: string; nodeType?: number }) => {
    if (n.nodeType === 3 && n.nodeValue) out.push(n.nodeValue);
    if (n.localName === 'style') return;
    for (const c of [...(n.shadowRoots ?? []), ...(n.children ?? [])]) walk(c);
  };
  walk(host);
  return out.join(' ');
}

/**
 * Which of Saqta's in-page controls has the keyboard focus (its data-k key, or
 * its tag name), or null when the focus is not in Saqta's UI: what the focus
 * ring shows a person. Read through the protocol, which sees into the closed
 * shadow root; the page cannot.
 */
export async function focusedControl(page: Page): Promise<string | null> {
  const cdp = await cdpOf(page);
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
  const host = findNode(root, (n) => n.localName === 'saqta-ui');
  const shadow = host?.shadowRoots?.[0];
  if (!shadow) return null;
  const { object } = (await cdp.send('DOM.resolveNode', { nodeId: shadow.nodeId })) as { object: { objectId: string } };
  const res = (await cdp.send('Runtime.callFunctionOn', {
    objectId: object.objectId,
    functionDeclaration: 'function () { const a = this.activeElement; return a ? a.getAttribute("data-k") || a.localName : null; }',
    returnByValue: true,
  })) as { result: { value: string | null } };
  return res.result.value;
}

/** What a Saqta field (by its data-k key) shows: the text a person reads in it, or null if it is not shown. */
export async function fieldText(page: Page, key: string): Promise<string | null> {
  const cdp = await cdpOf(page);
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
  const host = findNode(root, (n) => n.localName === 'saqta-ui');
  const node = host && findNode(host, (n) => attr(n, 'data-k') === key);
  if (!node) return null;
  const { object } = (await cdp.send('DOM.resolveNode', { nodeId: node.nodeId })) as { object: { objectId: string } };
  const res = (await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: 'function () { return this.value; }', returnByValue: true })) as {
    result: { value: string | null };
  };
  return res.result.value;
}

/** Wait until the focus ring is on Saqta's control `key` (a person looks before typing). */
export async function waitFocus(page: Page, key: string, timeout = 5000): Promise<void> {
  const end = Date.now() + timeout;
  let last: string | null = null;
  for (;;) {
    last = await focusedControl(page);
    if (last === key) return;
    if (Date.now() > end) throw new Error(`the focus is on ${last ?? 'nothing of Saqta'}, not on ${key}`);
    await page.waitForTimeout(50);
  }
}

/** Press Escape until Saqta's toolbar is gone (the first closes an open panel, the next the toolbar). */
export async function escapeToolbar(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await controlBox(page, 'close')); i++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(50);
  }
  if (await controlBox(page, 'close')) throw new Error('Escape did not close Saqta’s toolbar');
}

export async function waitControl(page: Page, key: string, timeout = 10000): Promise<{ x: number; y: number }> {
  const end = Date.now() + timeout;
  for (;;) {
    const box = await controlBox(page, key);
    if (box) return box;
    if (Date.now() > end) throw new Error(`Saqta control ${key} did not appear`);
    await page.waitForTimeout(100);
  }
}

/**
 * Click a control once it has stopped moving, as a person does: the toolbar
 * places itself after it renders, and on a loaded machine a click aimed at
 * its first position can land on the control that slid under it.
 */
export async function clickControl(page: Page, key: string, timeout = 10000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    const first = await waitControl(page, key, Math.max(100, end - Date.now()));
    await page.waitForTimeout(80);
    const now = await controlBox(page, key);
    if (now && Math.abs(now.x - first.x) < 1 && Math.abs(now.y - first.y) < 1) {
      await page.mouse.click(now.x, now.y);
      return;
    }
    if (Date.now() > end) throw new Error(`Saqta control ${key} kept moving`);
  }
}

/**
 * In the page's main world, an independent reading of "the n-th occurrence of
 * text in document.body's visible text, white space folded" (the fixture's
 * rule): returns the client rects of that occurrence's characters, or null.
 * (A plain function: passed to page.evaluate.)
 */
export function occurrenceRects(args: { text: string; occurrence: number }) {
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'SELECT']);
  const nodes: { node: Text; offsets: number[] }[] = [];
  let folded = '';
  const map: { n: number; o: number }[] = [];
  let pendingSpace = false;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(n) {
      for (let e = n.parentElement; e && e !== document.body; e = e.parentElement) {
        if (skip.has(e.tagName) || !e.checkVisibility()) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
    const idx = nodes.push({ node: n, offsets: [] }) - 1;
    for (let i = 0; i < n.data.length; i++) {
      const c = n.data[i];
      if (c === '\u00ad' || c === '\u200b') continue;
      if (/\s/.test(c)) {
        pendingSpace = folded.length > 0;
        continue;
      }
      if (pendingSpace) {
        folded += ' ';
        map.push({ n: idx, o: i });
        pendingSpace = false;
      }
      folded += c;
      map.push({ n: idx, o: i });
    }
  }
  const needle = args.text.replace(/\s+/g, ' ').trim();
  let at = -1;
  for (let k = 0; k < args.occurrence; k++) {
    at = folded.indexOf(needle, at + 1);
    if (at < 0) return null;
  }
  const r = document.createRange();
  const s = map[at];
  const e = map[at + needle.length - 1];
  r.setStart(nodes[s.n].node, s.o);
  r.setEnd(nodes[e.n].node, e.o + 1);
  const rects = [...r.getClientRects()].filter((x) => x.width > 0.5 && x.height > 0.5).map((x) => ({ x: x.left, y: x.top, width: x.width, height: x.height }));
  // Where a person presses to select it: just inside the first and last characters.
  const first = document.createRange();
  first.setStart(nodes[s.n].node, s.o);
  first.setEnd(nodes[s.n].node, s.o + 1);
  const last = document.createRange();
  last.setStart(nodes[e.n].node, e.o);
  last.setEnd(nodes[e.n].node, e.o + 1);
  const fr = first.getClientRects()[0];
  const lr = [...last.getClientRects()].pop()!;
  const box = r.getBoundingClientRect();
  return { rects, from: { x: fr.left + 1, y: fr.top + fr.height / 2 }, to: { x: lr.right - 1, y: lr.top + lr.height / 2 }, text: r.toString(), top: box.top, bottom: box.bottom, viewport: window.innerHeight };
}

/** Turn the mouse wheel until the n-th occurrence of text is in the upper third of the window, as a person scrolls to it. */
export async function scrollToText(page: Page, text: string, occurrence: number): Promise<NonNullable<ReturnType<typeof occurrenceRects>>> {
  for (let turns = 0; ; turns++) {
    const where = await page.evaluate(occurrenceRects, { text, occurrence });
    if (!where) throw new Error(`text not on page: ${text} #${occurrence}`);
    const want = where.viewport / 3;
    const inView = where.top >= 40 && where.bottom <= where.viewport - 40;
    if ((inView && Math.abs(where.top - want) < where.viewport / 3) || turns >= 12) return where;
    const before = where.top;
    await page.mouse.move(Math.max(10, where.from.x), Math.min(Math.max(10, where.viewport / 2), where.viewport - 10));
    await page.mouse.wheel(0, where.top - want);
    await page.waitForTimeout(120);
    const after = await page.evaluate(occurrenceRects, { text, occurrence });
    if (after && Math.abs(after.top - before) < 1 && inView) return after; // the page cannot scroll further
  }
}

/** Select the n-th occurrence of text with the mouse: press at its first character, shift+click after its last. */
export async function selectWithMouse(page: Page, text: string, occurrence: number): Promise<void> {
  const where = await scrollToText(page, text, occurrence);
  // A plain click first (no drag: the mouse does not move while pressed) drops any earlier selection, as a person clicks away.
  await page.mouse.click(where.from.x, where.from.y);
  await page.keyboard.down('Shift');
  await page.mouse.click(where.to.x, where.to.y);
  await page.keyboard.up('Shift');
  const got = await page.evaluate(() => document.getSelection()?.toString() ?? '');
  const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
  if (fold(got) !== fold(text)) throw new Error(`selected “${fold(got)}” instead of “${fold(text)}”`);
}

export const fold = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Do the painted boxes cover the expected rects (each expected rect overlaps a painted one, and vice versa)? */
export function boxesCover(painted: { x: number; y: number; width: number; height: number }[], expected: { x: number; y: number; width: number; height: number }[]): boolean {
  if (!painted.length || !expected.length) return false;
  const near = (a: typeof painted[0], b: typeof painted[0]) =>
    Math.abs(a.y - b.y) < 3 && Math.abs(a.height - b.height) < 4 && a.x < b.x + b.width && b.x < a.x + a.width;
  const area = (l: typeof painted) => l.reduce((s, r) => s + r.width * r.height, 0);
  return expected.every((e) => painted.some((p) => near(p, e))) && painted.every((p) => expected.some((e) => near(p, e))) && Math.abs(area(painted) - area(expected)) / area(expected) < 0.1;
}

/**
 * Select a text with the mouse, press a colour in the toolbar, add tags (click
 * Tag, type, Enter) and a note (click Note, type, Ctrl+Enter), then Escape.
 * After a click on Tag or Note the person types at once: the panel's field must
 * have the focus (issue 22), and this waits to see the focus ring there first.
 */
export async function makeClaim(
  page: Page,
  text: string,
  occurrence: number,
  opts: { color?: string; tags?: string[]; note?: string } = {},
): Promise<void> {
  await selectWithMouse(page, text, occurrence);
  await clickControl(page, `c-${opts.color ?? 'yellow'}`);
  await waitControl(page, 'delete');
  for (const tag of opts.tags ?? []) {
    if (!(await controlBox(page, 'tag-input'))) await clickControl(page, 'tag');
    await waitFocus(page, 'tag-input');
    await page.keyboard.type(tag);
    await page.keyboard.press('Enter');
    await waitControl(page, `rm-${tag}`);
  }
  if (opts.note) {
    await clickControl(page, 'note');
    await waitFocus(page, 'note-input');
    await page.keyboard.type(opts.note);
    const before = await uiText(page);
    await page.keyboard.press('Control+Enter');
    // Saved when Saqta says the claim changed (its toast), or after a moment if the toast was already there.
    const end = Date.now() + 5000;
    while (Date.now() < end && (await uiText(page)) === before) await page.waitForTimeout(100);
  }
  await escapeToolbar(page);
}

/**
 * A person in Firefox: the same acts as person.ts and highlight-helpers.ts
 * (the mouse on what is shown, keys, reading the screen), through puppeteer's
 * WebDriver BiDi. Saqta's toolbar sits in a closed shadow root; the driver
 * (not the page) holds a reference to it over BiDi (`includeShadowTree: 'all'`)
 * and reads there where a control is, which has the focus and what it says.
 * No helper focuses, sets values, dispatches events or calls Saqta for the
 * person (tests/unit/conventions.test.ts).
 */
import type { Page } from 'puppeteer-core';
import { occurrenceRects } from './highlight-helpers';
import { bidiOf, contextOf } from './firefox-session';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Call a function with Saqta's UI shadow root as `this` (read only), or null when there is no UI yet. */
async function inSaqta<T>(page: Page, fn: string, ...args: (string | number)[]): Promise<T | null> {
  const bidi = bidiOf(page.browser());
  const context = contextOf(page);
  const host = (await bidi.send('script.evaluate', {
    expression: `[...document.documentElement.children].find((e) => e.localName === 'saqta-ui') ?? null`,
    target: { context },
    awaitPromise: false,
    serializationOptions: { includeShadowTree: 'all', maxDomDepth: 0 },
  })) as { result: { result?: { value?: { shadowRoot?: { sharedId?: string } | null } } } };
  const root = host.result.result?.value?.shadowRoot?.sharedId;
  if (!root) return null;
  const res = (await bidi.send('script.callFunction', {
    functionDeclaration: fn,
    this: { sharedId: root },
    arguments: args.map((a) => (typeof a === 'number' ? { type: 'number', value: a } : { type: 'string', value: a })),
    target: { context },
    awaitPromise: false,
  })) as { result: { type: string; result?: { type: string; value?: unknown } } };
  if (res.result.type !== 'success' || res.result.result?.type === 'null') return null;
  return (res.result.result?.value ?? null) as T;
}

/** Centre of Saqta's control `key`, or null when it is not shown. */
export async function controlBox(page: Page, key: string): Promise<{ x: number; y: number } | null> {
  const json = await inSaqta<string>(
    page,
    `function (key) { const el = this.querySelector('[data-k="' + CSS.escape(key) + '"]'); if (!el) return null; const r = el.getBoundingClientRect(); return r.width ? JSON.stringify({ x: r.x + r.width / 2, y: r.y + r.height / 2 }) : null; }`,
    key,
  );
  return json ? JSON.parse(json) : null;
}

/** Text of Saqta's toolbar and toast. */
export async function uiText(page: Page): Promise<string> {
  return (
    (await inSaqta<string>(
      page,
      `function () { const out = []; const w = document.createTreeWalker(this, NodeFilter.SHOW_TEXT); for (let n = w.nextNode(); n; n = w.nextNode()) if (n.parentElement?.localName !== 'style') out.push(n.data); return out.join(' '); }`,
    )) ?? ''
  ).replace(/\s+/g, ' ');
}

/** Which of Saqta's controls has the focus ring (its data-k key, or tag name), or null. */
export async function focusedControl(page: Page): Promise<string | null> {
  return inSaqta<string>(page, `function () { const a = this.activeElement; return a ? a.getAttribute('data-k') || a.localName : null; }`);
}

export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeout = 20_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await sleep(150);
  }
}

export const waitControl = (page: Page, key: string) => until(`Saqta's ${key}`, () => controlBox(page, key));
export const waitFocus = (page: Page, key: string) =>
  until(`the focus on Saqta's ${key}`, async () => (await focusedControl(page)) === key, 5000).catch(async (err) => {
    throw new Error(`${(err as Error).message}; the focus is on ${await focusedControl(page)}`);
  });

/** Click Saqta's control once it stands still. */
export async function clickControl(page: Page, key: string): Promise<void> {
  await until(`Saqta's ${key} to stand still`, async () => {
    const first = await controlBox(page, key);
    if (!first) return false;
    await sleep(80);
    const now = await controlBox(page, key);
    if (!now || Math.abs(now.x - first.x) > 0.5 || Math.abs(now.y - first.y) > 0.5) return false;
    await page.mouse.click(now.x, now.y);
    return true;
  });
}

/** Tab until Saqta's control `key` has the focus ring. */
export async function tabToControl(page: Page, key: string, max = 20): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await focusedControl(page)) === key) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached Saqta's ${key}; the focus is on ${await focusedControl(page)}`);
}

/** Press a chord such as Alt+Shift+H or Control+Enter. */
export async function chord(page: Page, ...keys: string[]): Promise<void> {
  const last = keys.pop()!;
  for (const k of keys) await page.keyboard.down(k as never);
  await page.keyboard.press(last as never);
  for (const k of keys.reverse()) await page.keyboard.up(k as never);
}

/** Escape until Saqta's toolbar is gone. */
export async function escapeToolbar(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await controlBox(page, 'close')); i++) {
    await page.keyboard.press('Escape');
    await sleep(80);
  }
  if (await controlBox(page, 'close')) throw new Error('Escape did not close Saqta’s toolbar');
}

/** Turn the wheel until the text is in view, then press at its first character and shift+click after its last. */
export async function selectWithMouse(page: Page, text: string, occurrence: number): Promise<void> {
  let where = await page.evaluate(occurrenceRects, { text, occurrence });
  for (let turns = 0; where && (where.top < 40 || where.bottom > where.viewport - 40) && turns < 12; turns++) {
    await page.mouse.move(Math.round(Math.max(10, where.from.x)), Math.round(where.viewport / 2));
    await page.mouse.wheel({ deltaY: Math.round(where.top - where.viewport / 3) });
    await sleep(150);
    where = await page.evaluate(occurrenceRects, { text, occurrence });
  }
  if (!where) throw new Error(`text not on page: ${text} #${occurrence}`);
  await page.mouse.click(where.from.x, where.from.y);
  await page.keyboard.down('Shift');
  await page.mouse.click(where.to.x, where.to.y);
  await page.keyboard.up('Shift');
  const got = await page.evaluate(() => String(getSelection()));
  const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
  if (fold(got) !== fold(text)) throw new Error(`selected “${fold(got)}” instead of “${fold(text)}”`);
}

/** Does the focus ring sit on (or inside) the element `selector`? */
export async function hasFocus(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => !!document.activeElement && document.activeElement !== document.body && el.contains(document.activeElement)).catch(() => false);
}

/** Tab until the element `selector` has the focus ring. */
export async function tabTo(page: Page, selector: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await hasFocus(page, selector)) return;
    await page.keyboard.press('Tab');
  }
  if (await hasFocus(page, selector)) return;
  throw new Error(`Tab never reached ${selector}`);
}

/** Click the element (mouse), or Tab to it and press Enter/Space (keyboard). */
export async function activate(page: Page, selector: string, mode: 'mouse' | 'keyboard', key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  if (mode === 'mouse') return page.click(selector);
  await tabTo(page, selector);
  // A popup button that opens a tab closes the popup on the key's press: its release has no page left.
  await page.keyboard.press(key === 'Space' ? ' ' : 'Enter').catch((err: unknown) => {
    if (!page.isClosed() && !/no such frame|no longer exist/i.test(String(err))) throw err;
  });
}

/** Click a field (mouse) or Tab to it (keyboard), then type. */
export async function typeInto(page: Page, selector: string, text: string, mode: 'mouse' | 'keyboard'): Promise<void> {
  if (mode === 'mouse') await page.click(selector);
  else await tabTo(page, selector);
  await page.keyboard.type(text);
}

/**
 * Open the file dialog by clicking (or by the keyboard on) `opener`; the
 * dialog answers with the file the person chose (FirefoxSession.answerFileDialog).
 */
export async function openFileDialog(page: Page, opener: string, mode: 'mouse' | 'keyboard'): Promise<void> {
  await activate(page, opener, mode, 'Space');
}

/** The text of the element `selector` as shown, or '' when it is not there. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el as HTMLElement).innerText).catch(() => '');
}

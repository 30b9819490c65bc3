/**
 * A person at the keyboard and mouse, on Saqta's own pages (popup, reader,
 * library) and on a web page with Saqta's toolbar (highlight-helpers.ts).
 *
 * Only what a person can do: click what is visible (Playwright's click moves
 * the real mouse to the element's centre once it is visible and still), turn
 * the wheel, press keys, type; choose a file in the browser's file dialog;
 * and only what a person can see: text, the focus ring, whether something is
 * shown. No helper focuses an element, sets a value, dispatches an event or
 * asks Saqta anything on the person's behalf (tests/unit/conventions.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from './harness';
import { focusedControl } from './highlight-helpers';

export type Lang = 'en' | 'kk';

/** The UI's words in a language, as the built extension shows them ($1… filled in). */
export function words(lang: Lang): (key: string, ...args: string[]) => string {
  const messages = JSON.parse(readFileSync(join(ROOT, 'public', '_locales', lang, 'messages.json'), 'utf8')) as Record<string, { message: string }>;
  return (key, ...args) => {
    const m = messages[key]?.message;
    if (m === undefined) throw new Error(`no message ${key}`);
    return m.replace(/\$(\d)/g, (_, n) => args[Number(n) - 1] ?? '');
  };
}

/** Does the focus ring sit on this element (or on the field inside it, as in a label around a file input)? */
export async function hasFocus(target: Locator): Promise<boolean> {
  return target.evaluate((el) => !!document.activeElement && document.activeElement !== document.body && el.contains(document.activeElement)).catch(() => false);
}

/** What has the focus on an extension page, described as a person reads it (its text or label). */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    if (!a || a === document.body) return '(nothing)';
    return `${a.localName}: ${(a.getAttribute('aria-label') ?? a.textContent ?? '').trim().slice(0, 60)}`;
  });
}

/**
 * Press Tab (Shift+Tab with back) until the focus ring is on `target`, as a
 * keyboard user does, looking after each press. Fails when it never gets
 * there: a control a keyboard cannot reach.
 */
export async function tabTo(page: Page, target: Locator, { max = 40, back = false } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await hasFocus(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  if (await hasFocus(target)) return;
  throw new Error(`Tab never reached the control (${max} presses); the focus is on ${await focusedName(page)}`);
}

/** Tab through Saqta's in-page toolbar until its control `key` has the focus ring. */
export async function tabToControl(page: Page, key: string, max = 20): Promise<void> {
  let seen: (string | null)[] = [];
  for (let i = 0; i < max; i++) {
    const now = await focusedControl(page);
    if (now === key) return;
    seen.push(now);
    await page.keyboard.press('Tab');
  }
  seen = [...new Set(seen)];
  throw new Error(`Tab never reached Saqta's ${key} (${max} presses; focus went through ${seen.join(', ')})`);
}

/** Click a control, or with the keyboard: Tab to it and press Enter (or Space). */
export async function activate(page: Page, target: Locator, mode: 'mouse' | 'keyboard', key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  if (mode === 'mouse') return target.click();
  await tabTo(page, target);
  // A popup button that opens a tab closes the popup on the key's press: its release has no page left.
  await page.keyboard.press(key).catch((err: unknown) => {
    if (!page.isClosed()) throw err;
  });
}

/** Click a text field (mouse) or Tab to it (keyboard), then type into it. */
export async function typeInto(page: Page, field: Locator, text: string, mode: 'mouse' | 'keyboard'): Promise<void> {
  if (mode === 'mouse') await field.click();
  else await tabTo(page, field);
  await page.keyboard.type(text);
}

/**
 * Choose a file in the browser's file dialog opened by clicking (or by the
 * keyboard on) `opener`: the dialog is the browser's, the choice is the
 * person's; the page learns of it the usual way.
 */
export async function chooseFile(page: Page, opener: Locator, path: string, mode: 'mouse' | 'keyboard'): Promise<void> {
  if (mode === 'keyboard') {
    await tabTo(page, opener);
    if (!(await focusRingShown(opener))) throw new Error('the control has the focus but shows no focus ring');
  }
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), activate(page, opener, mode, 'Space')]);
  await chooser.setFiles(path);
}

/**
 * Does a person see where the focus is: an outline on the element, or on the
 * focused element inside it when that one is big enough to be seen?
 */
export async function focusRingShown(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const ring = (e: Element) => {
      const s = getComputedStyle(e);
      return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
    };
    const a = document.activeElement;
    if (!a || !el.contains(a)) return false;
    const r = a.getBoundingClientRect();
    return ring(el) || (ring(a) && r.width > 4 && r.height > 4);
  });
}

/** The page a click opens in a new tab (the popup's links do so). */
export async function opensTab(page: Page, act: () => Promise<void>): Promise<Page> {
  const [next] = await Promise.all([page.context().waitForEvent('page'), act()]);
  await next.waitForLoadState('domcontentloaded');
  return next;
}

/** What the clipboard holds, as a person pasting in this page would get it. */
export async function pasted(page: Page): Promise<string> {
  await page.bringToFront();
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Calling a bundled module (lib/bundle.ts) in a benchmark page. */
import type { Page } from 'playwright-core';

export type InPageCall = <T>(fn: string, ...args: unknown[]) => Promise<T>;

/** Load `url` (the page's own load, to `load`), evaluate the bundle, return a caller for its exports. */
export async function openWith(page: Page, url: string, bundle: { code: string; global: string }): Promise<InPageCall> {
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  await page.evaluate(bundle.code);
  return (fn, ...args) =>
    page.evaluate(
      ([g, f, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>)[g][f](...(a as unknown[])),
      [bundle.global, fn, args] as const,
    ) as Promise<never>;
}

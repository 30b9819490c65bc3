import { resolve, join } from 'node:path';
import { existsSync, readdirSync, statSync } from 'node:fs';

export const ROOT = resolve(__dirname, '..', '..');
export const EXTENSION_DIR = join(ROOT, '.output', 'chrome-mv3');
export const SHARED = process.env.SAQTA_SHARED ?? resolve(ROOT, '..', 'shared');
export const FIXTURES = join(SHARED, 'fixtures');
export const READABILITY = join(FIXTURES, 'readability');
export const SEED = join(ROOT, 'demo', 'seed-article');
export const RESULTS = join(ROOT, 'bench', 'results');

/** Readability fixtures by size of source.html, largest first. */
export function largestFixtures(count: number): { name: string; bytes: number }[] {
  if (!existsSync(READABILITY)) return [];
  return readdirSync(READABILITY)
    .filter((name) => existsSync(join(READABILITY, name, 'source.html')))
    .map((name) => ({ name, bytes: statSync(join(READABILITY, name, 'source.html')).size }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

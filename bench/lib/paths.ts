import { join, resolve } from 'node:path';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

export const ROOT = resolve(__dirname, '..', '..');
/** The built extension the bench loads (SAQTA_BENCH_EXTENSION: another build, e.g. the commit before a change, for before/after). */
export const EXTENSION_DIR = process.env.SAQTA_BENCH_EXTENSION ?? join(ROOT, '.output', 'chrome-mv3');
export { SEED, FIXTURES, READABILITY, FIXTURE_MOUNTS } from '../../tests/paths';
import { READABILITY } from '../../tests/paths';
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

/** The installed version of an npm package (peers are named with their version). */
export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Where the tests, the bench and the scripts find their fixtures: in this
 * repository only, so a bare clone passes `npm test` with nothing beside it.
 * `tests/unit/conventions.test.ts` fails if any of them reads the folder beside the clone.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
/** The seed article (Kazakh interview, its edited version, anchors.json): also `npm start`'s demo page. */
export const SEED = join(ROOT, 'demo', 'seed-article');
export const FIXTURES = join(ROOT, 'tests', 'fixtures');
/** 40 real pages with Readability's expected output (Apache-2.0, LICENSE.md inside). */
export const READABILITY = join(FIXTURES, 'readability');

/** A fixture's path; a missing fixture fails the test that asks for it, it never skips. */
export function fixture(...parts: string[]): string {
  const path = join(...parts);
  if (!existsSync(path)) throw new Error(`Missing test fixture: ${path}. Fixtures live in the repository (tests/fixtures/, demo/seed-article/).`);
  return path;
}

/** The fixture server's mounts: the seed at /seed/ and /fixtures/seed-article/, the Readability pages at /fixtures/readability/. */
export const FIXTURE_MOUNTS: Record<string, string> = {
  '/seed/': SEED,
  '/fixtures/seed-article/': SEED,
  '/fixtures/readability/': READABILITY,
};

/** WACZ files made by other tools (ArchiveWeb.page; a Browsertrix crawl packed by py-wacz), with their licences and README. */
export const WACZ_FIXTURES = join(FIXTURES, 'wacz');

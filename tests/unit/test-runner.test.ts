// @vitest-environment node
/**
 * `npm test`'s counting (scripts/count.mjs, used by scripts/test.mjs), held to
 * a real Vitest run of tests/fixtures/runner/: a suite whose beforeAll throws,
 * a file that cannot be imported, a failing test, it.skip, it.todo and a
 * runIf(false). Nothing may vanish from the closing line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs without types
import { closingLine, notRun, tally } from '../../scripts/count.mjs';

const ROOT = resolve(__dirname, '..', '..');
let dir: string;
let report: { files: { file: string; tests: unknown[] }[] };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'saqta-runner-'));
  const counts = join(dir, 'counts.json');
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '-c', 'tests/fixtures/runner/vitest.config.ts', '--reporter=./scripts/count.mjs'], {
    cwd: ROOT,
    env: { ...process.env, SAQTA_COUNTS: counts },
    encoding: 'utf8',
  });
  expect(res.status).not.toBe(0); // the fixture run fails, as it must
  report = JSON.parse(readFileSync(counts, 'utf8'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm test counting', () => {
  it('counts every test of a suite whose beforeAll threw as failed, and an unimportable file as one failed', () => {
    expect(report.files.map((f) => f.file).sort()).toEqual(['tests/fixtures/runner/broken.fixture.ts', 'tests/fixtures/runner/crash.fixture.ts']);
    const n = tally(report);
    // 3 under the crashed beforeAll + 1 failing test + 1 for the file that could not be imported.
    expect(n).toMatchObject({ passed: 1, failed: 5, skipped: 2, todo: 1 });
    expect(n.crashed.sort()).toEqual(['tests/fixtures/runner/broken.fixture.ts', 'tests/fixtures/runner/crash.fixture.ts']);
  });

  it('ends with "N passed, N failed, N skipped", naming every test that did not run', () => {
    expect(closingLine(tally(report))).toBe('1 passed, 5 failed, 3 skipped');
    expect(notRun(report).sort()).toEqual([
      'skipped: tests/fixtures/runner/crash.fixture.ts > the rest > is skipped',
      'skipped: tests/fixtures/runner/crash.fixture.ts > the rest > runs only somewhere else',
      'todo: tests/fixtures/runner/crash.fixture.ts > the rest > is to do',
    ]);
  });

  it('keeps the closing line exactly "N passed, N failed" when nothing was skipped', () => {
    expect(closingLine({ passed: 482, failed: 0, skipped: 0, todo: 0 })).toBe('482 passed, 0 failed');
  });
});

/**
 * The differential check of issue 12, shared by the unit test
 * (tests/unit/zip-strict.test.ts) and the E2E tests that make real exports:
 * what Debian's `unzip` and Python's `zipfile` extract from an archive, as
 * path → SHA-256, and the same for the files `verify` listed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { VerifyReport } from '../utils/bundle/verify';

export type Tree = Map<string, string>;

/** Every file under a folder with its SHA-256; throws on links and anything but files and folders. */
export function tree(dir: string): Tree {
  const out: Tree = new Map();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) throw new Error(`a link was extracted: ${relative(dir, p)}`);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(relative(dir, p).split('\\').join('/'), createHash('sha256').update(readFileSync(p)).digest('hex'));
      else throw new Error(`not a regular file: ${relative(dir, p)}`);
    }
  };
  walk(dir);
  return out;
}

/** What Debian's unzip and Python's zipfile extract from these bytes (or why they failed). */
export function extractEverywhere(bytes: Uint8Array): { unzip: Tree | string; python: Tree | string } {
  const work = mkdtempSync(join(tmpdir(), 'saqta-diff-'));
  try {
    const file = join(work, 'a.zip');
    writeFileSync(file, bytes);
    const a = join(work, 'unzip');
    const b = join(work, 'python');
    const u = spawnSync('unzip', ['-qq', '-o', file, '-d', a], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    const p = spawnSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z: z.extractall(sys.argv[2])', file, b], { encoding: 'utf8' });
    return {
      unzip: u.status === 0 ? tree(a) : `unzip exit ${u.status}: ${u.stderr}${u.stdout}`.slice(0, 400),
      python: p.status === 0 ? tree(b) : `python exit ${p.status}: ${p.stderr}`.slice(-400),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The files verify listed, as path → SHA-256. */
export const listedBy = (report: VerifyReport): Tree => new Map((report.files ?? []).map((f) => [f.path, f.sha256]));

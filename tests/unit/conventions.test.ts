import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('conventions', () => {
  it('core modules in utils/ touch no browser.* (only utils/ext/ is browser glue)', () => {
    const offenders = walk(join(root, 'utils'))
      .filter((f) => /\.(ts|tsx)$/.test(f) && !f.includes(`${join('utils', 'ext')}`))
      .filter((f) => {
        const code = readFileSync(f, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/(^|[^:])\/\/.*$/gm, '$1');
        return /from ['"](wxt\/browser|webextension-polyfill)['"]|\bchrome\.\w|\bbrowser\.\w/.test(code);
      })
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('every UI string exists in en, kk and ru and the generated locales are current', () => {
    // Throws (and fails) with the list of problems when out of step.
    execFileSync(process.execPath, [join(root, 'scripts', 'locales.mjs'), '--check'], { stdio: 'pipe' });
  });

  it('every t("key") used in the code is a defined message', () => {
    const en = JSON.parse(readFileSync(join(root, 'public', '_locales', 'en', 'messages.json'), 'utf8'));
    const used = new Set<string>();
    for (const dir of ['entrypoints', 'components', 'utils']) {
      for (const f of walk(join(root, dir)).filter((x) => /\.(ts|tsx)$/.test(x))) {
        for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([A-Za-z0-9_]+)'/g)) used.add(m[1]);
      }
    }
    expect([...used].filter((k) => !en[k])).toEqual([]);
  });

  it('tests, bench, scripts and configs read fixtures from the repository only, never the folder beside the clone', () => {
    // Built from pieces so this file does not match itself.
    const outside = new RegExp(['\\.\\./shared', 'SAQTA_' + 'SHARED', "'\\.\\.', 'shared'"].join('|'));
    const files = [...['tests', 'bench', 'scripts', '.ci'].flatMap((d) => walk(join(root, d))), 'package.json', 'wxt.config.ts', 'vitest.config.ts', 'vitest.e2e.config.ts']
      .map((f) => (f.startsWith(root) ? f : join(root, f)))
      .filter((f) => !f.includes(join('tests', 'fixtures')) && !f.includes(join('bench', 'results')) && !f.includes(join('bench', 'tmp')))
      .filter((f) => /\.(m?[jt]sx?|json|sh)$|\/run$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) => outside.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SOURCE_DIRS, cycles, loopIn, readGraph, unusedExports } from './import-graph';

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

/**
 * The E2E files that stand for a person (issue 22): the person-action helpers
 * and the journeys. What a person cannot do is not in them.
 */
const PERSON_FILES = ['tests/e2e/highlight-helpers.ts', 'tests/e2e/person.ts', 'tests/e2e/person-firefox.ts'];
const PERSON_GLOBS = [/^tests\/e2e\/journey[\w-]*\.e2e\.ts$/];
const NOT_A_PERSON: [RegExp, string][] = [
  [/\.focus\(/, 'focuses an element (a person clicks it or presses Tab)'],
  [/dispatchEvent|new (Keyboard|Mouse|Input|Pointer|Clipboard)Event\(|\.dispatch\(/, 'dispatches a synthetic event'],
  [/\.value\s*=(?!=)/, 'sets a field’s value (a person types)'],
  [/\.fill\(|setInputFiles\(|selectOption\(/, 'fills or sets a field without typing (a file is chosen in the file dialog: setFiles)'],
  // (Saqta's own client is a bare send('type', …); the driver's protocol calls are cdp.send / bidi.send.)
  [/sendMessage|\brequest\(|(^|[^.\w])send\(\s*['"]/m, 'asks Saqta through its messages on the person’s behalf'],
  [/\bchrome\.|\bbrowser\.(runtime|tabs|storage)|worker\.evaluate/, 'calls an extension API'],
  [/scrollBy\(|scrollTo\(|scrollIntoView|removeAllRanges|addRange\(|setBaseAndExtent|selectNodeContents\(/, 'scrolls or selects by script (a person turns the wheel, drags the mouse)'],
  [/(evaluate|\$eval)\([^\n]*\.click\(\)/, 'clicks by script'],
];

/** The file's code without comments (comments may name what the code does not do). */
const codeOf = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

function notAPerson(text: string): string[] {
  const code = codeOf(text);
  const out: string[] = [];
  for (const [re, why] of NOT_A_PERSON) {
    const m = code.match(re);
    if (m) out.push(`${why}: “${m[0].trim()}”`);
  }
  return out;
}

describe('E2E helpers are people (issue 22)', () => {
  it('the rule catches what a person cannot do', () => {
    expect(notAPerson('await el.focus();')).toHaveLength(1);
    expect(notAPerson("input.value = 'x';")).toHaveLength(1);
    expect(notAPerson("el.dispatchEvent(new KeyboardEvent('keydown'))")).toHaveLength(1);
    expect(notAPerson("await page.evaluate((m) => chrome.runtime.sendMessage(m), msg)")).not.toHaveLength(0);
    expect(notAPerson("await request(session, { type: 'save.page' })")).toHaveLength(1);
    expect(notAPerson("await send('annotation.update', { id, body })")).toHaveLength(1);
    expect(notAPerson("await cdp.send('DOM.getDocument', { depth: -1 })")).toEqual([]);
    expect(notAPerson("await page.getByTestId('search').fill('x')")).toHaveLength(1);
    expect(notAPerson('window.scrollBy(0, 100)')).toHaveLength(1);
    expect(notAPerson('document.getSelection()?.removeAllRanges()')).toHaveLength(1);
    expect(notAPerson("await page.evaluate(() => document.querySelector('button')!.click());")).toHaveLength(1);
    // What a person does is allowed; a comment may name what is not done.
    expect(notAPerson("// no helper calls .focus() or sets .value = x\nawait page.mouse.click(1, 2);\nawait page.keyboard.type('x');\nif (a.value === b) return;")).toEqual([]);
  });

  it('no person-action helper or journey focuses, sets values, dispatches events or calls Saqta for the person', () => {
    const journeys = readdirSync(join(root, 'tests', 'e2e')).map((f) => `tests/e2e/${f}`).filter((f) => PERSON_GLOBS.some((g) => g.test(f)));
    expect(journeys.length, 'the journeys exist').toBeGreaterThanOrEqual(2);
    const files = [...PERSON_FILES, ...journeys];
    const found: Record<string, string[]> = {};
    for (const f of files) {
      const bad = notAPerson(readFileSync(join(root, f), 'utf8'));
      if (bad.length) found[f] = bad;
    }
    expect(found).toEqual({});
  });

  it('no E2E file at all focuses an element, sets a field’s value or dispatches a synthetic event', () => {
    const all = readdirSync(join(root, 'tests', 'e2e')).filter((f) => f.endsWith('.ts')).map((f) => `tests/e2e/${f}`);
    expect(all.length, 'the E2E files are read').toBeGreaterThan(30);
    const found: Record<string, string[]> = {};
    for (const f of all) {
      const code = codeOf(readFileSync(join(root, f), 'utf8'));
      const bad = NOT_A_PERSON.slice(0, 3).filter(([re]) => re.test(code)).map(([, why]) => why);
      if (bad.length) found[f] = bad;
    }
    expect(found).toEqual({});
  });
});

/**
 * The house in order (issue 26): no import cycle (type imports count), no
 * file over 400 lines, no export nothing imports, in entrypoints/,
 * components/ and utils/. The graph is read with the TypeScript parser
 * (tests/unit/import-graph.ts). Each rule lists every violation, so one run
 * says all that is left to do.
 */
describe('the house in order (issue 26)', () => {
  const graph = readGraph(root);
  const source = [...graph.files.keys()].filter((f) => SOURCE_DIRS.some((d) => f.startsWith(`${d}/`)) && /\.(ts|tsx)$/.test(f));

  it('the graph is read: source files, their imports, their exports', () => {
    expect(source.length).toBeGreaterThan(150);
    // A known edge each way of a known file, so a parser that reads nothing cannot pass the rules below.
    expect([...graph.files.get('utils/db.ts')!.imports]).toContain('utils/search/terms-middleware.ts');
    expect(graph.files.get('utils/zip/read.ts')!.exports.has('openZip')).toBe(true);
    expect(graph.used.get('utils/zip/read.ts')?.has('openZip')).toBe(true);
  });

  it('the rules catch what they name (a made-up graph)', () => {
    const files = new Map(
      [
        ['utils/a.ts', ['utils/b.ts'], ['a', 'unusedA']],
        ['utils/b.ts', ['utils/c.ts'], ['b']],
        ['utils/c.ts', ['utils/a.ts'], ['c']],
        ['utils/d.ts', ['utils/a.ts'], []],
      ].map(([file, imports, exports]) => [file as string, { file: file as string, imports: new Set(imports as string[]), lazy: new Set<string>(), exports: new Set(exports as string[]), starFrom: [] }]),
    );
    const used = new Map([['utils/a.ts', new Set(['a'])], ['utils/b.ts', new Set(['b'])], ['utils/c.ts', new Set(['c'])]]);
    const g = { root, files, used };
    expect(cycles(g)).toEqual([['utils/a.ts', 'utils/b.ts', 'utils/c.ts']]);
    expect(loopIn(g, ['utils/a.ts', 'utils/b.ts', 'utils/c.ts'])).toEqual(['utils/a.ts', 'utils/b.ts', 'utils/c.ts', 'utils/a.ts']);
    expect(unusedExports(g)).toEqual(['utils/a.ts: unusedA']);
  });

  it('no import cycle in entrypoints/, components/, utils/ (type imports count)', () => {
    const found = cycles(graph).map((comp) => `${comp.length} files: ${comp.join(', ')}\n    e.g. ${loopIn(graph, comp).join(' → ')}`);
    expect(found, `import cycles:\n  ${found.join('\n  ')}`).toEqual([]);
  });

  it('no file over 400 lines in entrypoints/, components/, utils/', () => {
    const long = source
      .map((f) => [f, readFileSync(join(root, f), 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > 400)
      .map(([f, n]) => `${f}: ${n} lines`);
    expect(long, `files over 400 lines:\n  ${long.join('\n  ')}`).toEqual([]);
  });

  it('no export that nothing imports (source, tests, bench and scripts count as importers)', () => {
    const unused = unusedExports(graph);
    expect(unused, `exports nothing imports (drop the export, or the code):\n  ${unused.join('\n  ')}`).toEqual([]);
  });

  it('archive formats in layers: no folder imports a folder above it', () => {
    // Lowest first: the ZIP layer, the export layer (what every package carries), the .zip bundle,
    // WACZ, the team part format and sync, and the one import dispatcher above them all.
    const LAYERS = ['utils/zip/', 'utils/export/', 'utils/bundle/', 'utils/wacz/', 'utils/team/', 'utils/import/'];
    const layerOf = (f: string) => LAYERS.findIndex((l) => f.startsWith(l));
    const upward: string[] = [];
    for (const info of graph.files.values()) {
      const from = layerOf(info.file);
      if (from < 0) continue;
      for (const to of [...info.imports, ...info.lazy]) {
        const level = layerOf(to);
        if (level > from) upward.push(`${info.file} → ${to}`);
      }
    }
    expect(upward, `imports from a lower archive layer to a higher one:\n  ${upward.join('\n  ')}`).toEqual([]);
  });
});

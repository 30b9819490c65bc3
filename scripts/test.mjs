#!/usr/bin/env node
// `npm test`: build, type check, lint the Firefox build, unit tests, browser
// end-to-end tests. Prints one closing line for the whole run:
// "N passed, N failed" (each test counts; each check step counts as one),
// with ", N skipped" when any test did not run (skipped, todo, a runIf that
// did not run: each named above it). A crashed suite's tests count as failed
// (scripts/count.mjs).
// `npm test -- --unit` or `-- --e2e` runs one part; extra args after `--`
// that are paths filter the Vitest files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closingLine, notRun, tally } from './count.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(root, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });
const args = process.argv.slice(2);
const only = args.includes('--unit') ? 'unit' : args.includes('--e2e') ? 'e2e' : null;
const filters = args.filter((a) => !a.startsWith('--'));
const npx = (cmd, cmdArgs, opts = {}) =>
  spawnSync(process.execPath, [join(root, 'node_modules', cmd), ...cmdArgs], { cwd: root, stdio: 'inherit', ...opts });

let passed = 0;
let failed = 0;
let skipped = 0;
let todo = 0;
const summary = [];

function step(name, run) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const res = run();
  const ok = res.status === 0;
  ok ? passed++ : failed++;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

function vitest(name, config, report) {
  const out = join(artifacts, report);
  const counts = out.replace(/\.json$/, '.counts.json');
  rmSync(out, { force: true });
  rmSync(counts, { force: true });
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const res = npx('vitest/vitest.mjs', ['run', '-c', config, '--reporter=default', '--reporter=json', `--outputFile=${out}`, '--reporter=./scripts/count.mjs', ...filters], {
    env: { ...process.env, SAQTA_COUNTS: counts },
  });
  let n = { passed: 0, failed: 0, skipped: 0, todo: 0, crashed: [] };
  if (existsSync(counts)) {
    const rec = JSON.parse(readFileSync(counts, 'utf8'));
    n = tally(rec);
    for (const line of notRun(rec)) console.log(`  ${line}`);
    for (const file of n.crashed) console.log(`  crashed (its tests count as failed): ${file}`);
  }
  if (res.status !== 0 && n.failed === 0) n.failed = 1;
  passed += n.passed;
  failed += n.failed;
  skipped += n.skipped;
  todo += n.todo;
  summary.push(`${n.failed ? 'FAIL' : 'ok  '} ${name}: ${closingLine(n)}${n.todo ? ` (${n.todo} todo)` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/**
 * web-ext lint as JSON, summarized in one line: errors fail the step and are
 * printed in full; warnings are counted by code and file (today: innerHTML
 * inside Readability, DOMPurify and Preact, which cannot be changed here).
 */
function lintFirefox() {
  const res = npx('web-ext/bin/web-ext.js', ['lint', '--source-dir', '.output/firefox-mv2', '--self-hosted', '--output=json'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  let report;
  try {
    report = JSON.parse(res.stdout.slice(res.stdout.indexOf('{')));
  } catch {
    console.log(res.stdout);
    return { status: 1 };
  }
  const groups = (list) => {
    const byCode = new Map();
    for (const m of list) byCode.set(m.code, [...(byCode.get(m.code) ?? []), m.file ?? 'manifest.json']);
    return [...byCode].map(([code, files]) => `${code} ×${files.length} in ${[...new Set(files)].join(', ')}`).join('; ');
  };
  const { errors = [], warnings = [], notices = [] } = report;
  for (const e of errors) console.log(`  error ${e.code} ${e.file ?? ''}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  console.log(`web-ext lint: ${errors.length} errors, ${warnings.length} warnings${warnings.length ? ` (${groups(warnings)})` : ''}, ${notices.length} notices`);
  return { status: errors.length ? 1 : 0 };
}

if (only !== 'unit') {
  step('build (Chrome MV3)', () => npx('wxt/bin/wxt.mjs', ['build']));
  step('build (Firefox)', () => npx('wxt/bin/wxt.mjs', ['build', '-b', 'firefox']));
  step('web-ext lint (Firefox build)', lintFirefox);
} else {
  step('prepare types', () => npx('wxt/bin/wxt.mjs', ['prepare']));
}
step('type check (tsc)', () => npx('typescript/bin/tsc', ['--noEmit']));
if (only !== 'e2e') vitest('unit tests', 'vitest.config.ts', 'unit.json');
if (only !== 'unit') vitest('end-to-end tests (Chromium, Firefox)', 'vitest.e2e.config.ts', 'e2e.json');

console.log(`\n${summary.join('\n')}`);
console.log(closingLine({ passed, failed, skipped, todo }));
process.exit(failed ? 1 : 0);

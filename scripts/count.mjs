// How `npm test` counts a Vitest run (scripts/test.mjs), kept apart so a unit
// test can hold it to a fixture suite (tests/unit/test-runner.test.ts).
//
// Every test counts once: passed; failed; skipped (`it.skip`, `runIf`/`skipIf`
// that did not run, `ctx.skip()`); todo. A test that was meant to run but did
// not because a hook of its suite or file threw (beforeAll) counts as FAILED,
// not skipped; a file that failed before any test was collected (an import
// error) counts as one failed test, since its tests cannot be known.

/**
 * The Vitest reporter (`--reporter=./scripts/count.mjs`): writes one record per
 * file to the path in SAQTA_COUNTS.
 */
export default class CountReporter {
  async onTestRunEnd(modules, unhandledErrors) {
    const out = process.env.SAQTA_COUNTS;
    if (!out) return;
    const { writeFileSync } = await import('node:fs');
    const files = modules.map((m) => {
      const broken = (s) => s.errors().length > 0 || (s.parent ? broken(s.parent) : false);
      return {
        file: m.relativeModuleId,
        state: m.state(),
        errors: m.errors().map((e) => e.message ?? String(e)),
        tests: [...m.children.allTests()].map((t) => ({
          name: t.fullName,
          state: t.result().state,
          mode: t.options.mode,
          hookFailed: broken(t.parent),
        })),
      };
    });
    writeFileSync(out, JSON.stringify({ files, unhandledErrors: unhandledErrors.length }));
  }
}

/** Count a run's records: { passed, failed, skipped, todo, crashed: [file names] }. */
export function tally(report) {
  const n = { passed: 0, failed: 0, skipped: 0, todo: 0, crashed: [] };
  for (const f of report.files) {
    if (!f.tests.length && (f.state === 'failed' || f.errors.length)) {
      n.failed++;
      n.crashed.push(f.file);
      continue;
    }
    let crashed = false;
    for (const t of f.tests) {
      if (t.state === 'passed') n.passed++;
      else if (t.state === 'failed') n.failed++;
      else if (t.mode === 'todo') n.todo++;
      else if (t.mode === 'skip') n.skipped++;
      else if (t.hookFailed || f.errors.length) {
        n.failed++; // meant to run, never ran: its suite crashed
        crashed = true;
      } else n.skipped++; // ctx.skip() inside the test
    }
    if (crashed) n.crashed.push(f.file);
  }
  // An error outside any test (an unhandled rejection) fails the run without failing a test.
  if (report.unhandledErrors) n.failed += report.unhandledErrors;
  return n;
}

/** Names of the tests that did not run though nobody failed: skipped and todo. */
export function notRun(report) {
  const out = [];
  for (const f of report.files)
    for (const t of f.tests)
      if (t.state !== 'passed' && t.state !== 'failed' && (t.mode === 'skip' || t.mode === 'todo' || !(t.hookFailed || f.errors.length)))
        out.push(`${t.mode === 'todo' ? 'todo' : 'skipped'}: ${f.file} > ${t.name}`);
  return out;
}

/** The closing line: "N passed, N failed", then ", N skipped" (todo included) when any. */
export function closingLine({ passed, failed, skipped, todo = 0 }) {
  const notRun = skipped + todo;
  return `${passed} passed, ${failed} failed${notRun ? `, ${notRun} skipped` : ''}`;
}

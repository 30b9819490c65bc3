/**
 * `npm run bench`: Saqta against its peers, in one real Chromium run, pages
 * on 127.0.0.1. Prints a summary table, writes bench/results/<date>.json and
 * the "Latest run" section of BENCHMARKS.md.
 *
 *   npm run bench                    all suites
 *   npm run bench -- anchoring       only the named suites
 *   npm run bench -- --quick         fewer repetitions (checks the bench itself)
 */
import { execFileSync } from 'node:child_process';
import { startServer } from '../scripts/server.mjs';
import { chromeVersion } from './lib/browser';
import { FIXTURE_MOUNTS, ROOT } from './lib/paths';
import { machine, textTable, updateBenchmarksMd, writeResults, type RunReport } from './lib/report';
import type { BenchContext, Figure, NotMeasured, Suite } from './lib/types';
import { contentScript } from './suites/content-script';
import { anchoring } from './suites/anchoring';
import { extraction } from './suites/extraction';
import { snapshot } from './suites/snapshot';
import { save } from './suites/save';
import { library } from './suites/library';
import { bundle } from './suites/bundle';
import { team } from './suites/team';
import { watch } from './suites/watch';
import { pdf } from './suites/pdf';
import { lock } from './suites/lock';

const SUITES: Suite[] = [contentScript, anchoring, extraction, snapshot, save, library, bundle, team, watch, pdf, lock];

async function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.filter((a) => !a.startsWith('--'));
  const unknown = only.filter((id) => !SUITES.some((s) => s.id === id));
  if (unknown.length) throw new Error(`Unknown suite ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.id).join(', ')}`);
  const suites = only.length ? SUITES.filter((s) => only.includes(s.id)) : SUITES;

  const report: RunReport = {
    date: new Date().toISOString(),
    command: ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' '),
    machine: machine(),
    browser: chromeVersion(),
    commit: git(['rev-parse', '--short', 'HEAD']) + (git(['status', '--porcelain']) ? ' (with uncommitted changes)' : ''),
    figures: [] as Figure[],
    notMeasured: [] as NotMeasured[],
    details: {},
    seconds: {},
  };
  const server = await startServer(FIXTURE_MOUNTS);
  const ctx: BenchContext = { server, quick, log: (m) => console.log(m) };
  try {
    for (const suite of suites) {
      const started = Date.now();
      console.log(`\n▶ ${suite.title}`);
      try {
        const res = await suite.run(ctx);
        report.figures.push(...res.figures);
        report.notMeasured.push(...res.notMeasured);
        report.details[suite.id] = res.details;
      } catch (err) {
        const reason = `failed: ${err instanceof Error ? err.message : String(err)}`;
        console.error(`  ${reason}`);
        report.notMeasured.push({ suite: suite.id, measure: suite.title, reason });
      }
      report.seconds![suite.id] = (Date.now() - started) / 1000;
      console.log(`  (${report.seconds![suite.id].toFixed(1)} s)`);
    }
  } finally {
    await server.close();
  }
  const full = !only.length && !quick;
  const file = writeResults(report, full);
  if (full) updateBenchmarksMd(report, file);
  console.log(`\n${report.browser} · ${report.machine.cpu} × ${report.machine.cores} · ${report.date}\n`);
  console.log(textTable(report.figures, report.notMeasured));
  console.log(`\nResults: ${file.slice(ROOT.length + 1)}${full ? ' · BENCHMARKS.md updated' : ' (BENCHMARKS.md is only updated by a full run)'}`);
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

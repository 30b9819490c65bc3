/** The summary table (terminal and Markdown), the JSON results and the BENCHMARKS.md section. */
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS, ROOT } from './paths';
import type { Figure, NotMeasured } from './types';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  loadAverage: number[];
}

export interface RunReport {
  date: string;
  command: string;
  machine: Machine;
  browser: string;
  commit: string;
  figures: Figure[];
  notMeasured: NotMeasured[];
  details: Record<string, unknown>;
  /** Wall-clock seconds each suite took, in run order. */
  seconds?: Record<string, number>;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const HEAD = ['suite', 'measure', 'on', 'Saqta', 'peer', 'peer value', 'ratio', 'goal', 'met'];

function row(f: Figure): string[] {
  const unit = (x: number) => `${fmt(x)} ${f.unit}`;
  return [
    f.suite,
    f.measure,
    f.on,
    unit(f.saqta),
    f.peer,
    unit(f.peerValue),
    Number.isFinite(f.ratio) ? `${fmt(f.ratio, f.ratio < 0.1 ? 3 : 2)}×` : '—',
    f.goal ?? '',
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
  ];
}

function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '—';
  return Number.isInteger(x) ? String(x) : x.toFixed(digits).replace(/\.?0+$/, '');
}

/** A plain-text table for the terminal. */
export function textTable(figures: Figure[], notMeasured: NotMeasured[]): string {
  const rows = [HEAD, ...figures.map(row)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join('  ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  if (notMeasured.length) out.push('', 'Not measured:', ...notMeasured.map((n) => `  ${n.suite}: ${n.measure} — ${n.reason}`));
  return out.join('\n');
}

export function markdownTable(figures: Figure[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`, ...figures.map((f) => `| ${row(f).map(esc).join(' | ')} |`)].join('\n');
}

/** bench/results/<date>.json for a full run, bench/tmp/results/ for partial or quick ones; returns its path. */
export function writeResults(report: RunReport, full: boolean): string {
  const dir = full ? RESULTS : join(ROOT, 'bench', 'tmp', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}

const START = '<!-- bench:latest:start (written by npm run bench) -->';
const END = '<!-- bench:latest:end -->';

/** Replace the "latest run" section of BENCHMARKS.md, keeping the hand-written method around it. */
export function updateBenchmarksMd(report: RunReport, resultsFile: string): void {
  const file = join(ROOT, 'BENCHMARKS.md');
  const m = report.machine;
  const section = [
    START,
    `- **Date**: ${report.date}`,
    `- **Command**: \`${report.command}\``,
    `- **Commit**: ${report.commit}`,
    `- **Machine**: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverage.join(' / ')}`,
    `- **Browser**: ${report.browser} (headless)`,
    `- **Raw results**: [${resultsFile.slice(ROOT.length + 1)}](${resultsFile.slice(ROOT.length + 1)})`,
    ...(report.seconds ? [`- **Time per suite**: ${Object.entries(report.seconds).map(([id, s]) => `${id} ${Math.round(s)} s`).join(', ')}`] : []),
    '',
    markdownTable(report.figures),
    '',
    ...(report.notMeasured.length
      ? ['**Not measured in this run**:', '', ...report.notMeasured.map((n) => `- ${n.suite}: ${n.measure} — ${n.reason}`), '']
      : []),
    END,
  ].join('\n');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n## Latest run\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + END.length) : `${current.trimEnd()}\n\n## Latest run\n\n${section}\n`;
  writeFileSync(file, next);
}

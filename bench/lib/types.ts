import type { FixtureServer } from '../../scripts/server.mjs';

/** One measured figure: Saqta's absolute value and the same measure for a peer in the same run. */
export interface Figure {
  suite: string;
  measure: string;
  /** The page or data set it was measured on. */
  on: string;
  unit: 'ms' | 'KB' | 'MB' | '%' | 'count';
  saqta: number;
  peer: string;
  peerValue: number;
  /** saqta / peerValue (lower is better for time and size). */
  ratio: number;
  /** The goal from the issue, e.g. "≤ 25 KB", and whether this run met it. */
  goal?: string;
  met?: boolean;
  note?: string;
}

export interface NotMeasured {
  suite: string;
  measure: string;
  reason: string;
}

export interface SuiteResult {
  figures: Figure[];
  notMeasured: NotMeasured[];
  /** Raw samples and profiles, kept in the JSON results. */
  details: Record<string, unknown>;
}

export interface BenchContext {
  server: FixtureServer;
  /** Fewer repetitions (a smoke run of the bench itself). */
  quick: boolean;
  log(message: string): void;
}

export interface Suite {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<SuiteResult>;
}

export function figure(f: Omit<Figure, 'ratio'> & { ratio?: number }): Figure {
  return { ...f, ratio: f.ratio ?? (f.peerValue ? f.saqta / f.peerValue : NaN) };
}

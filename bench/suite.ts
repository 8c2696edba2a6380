/** Options every suite may read; parsed once by run.ts. */
export interface BenchContext {
  /** PostgreSQL server the suites create their databases on (the database part of the URL is ignored). */
  serverUrl: string;
  /** Keep seeded databases after the run and reuse them next time. */
  keep: boolean;
  /** Seconds of measured load per run, and concurrent connections. */
  durationSeconds: number;
  connections: number;
  /** Measured runs per server and scenario, alternating which server goes first. */
  rounds: number;
  log: (line: string) => void;
}

export interface SuiteResult {
  /** Markdown for this suite's section of BENCHMARKS.md, without the heading. */
  markdown: string;
  /** One line per target, e.g. "(b) admin list ≥ 1,000 req/s: met (2,345)". */
  targets: { description: string; met: boolean }[];
}

export interface BenchSuite {
  name: string;
  title: string;
  run(context: BenchContext): Promise<SuiteResult>;
}

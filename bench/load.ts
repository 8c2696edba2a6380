/** autocannon 9 ships no types; only the part of its programmatic API used here. */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  totalCompletedRequests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  timeout: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface LoadTarget {
  url: string;
  headers?: Record<string, string>;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Responses other than 2xx, errors and timeouts: any of them makes the run worthless. */
  failures: number;
  statusCodes: string;
}

/** Seconds of slow answers (a plan gone wrong) still count as answers, not as timeouts. */
const TIMEOUT_SECONDS = 60;

export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: target.url,
    headers: target.headers,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    timeout: TIMEOUT_SECONDS,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.totalCompletedRequests,
    failures: result.non2xx + result.errors + result.timeouts,
    statusCodes: Object.entries(result.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' '),
  };
}

/** The mean over rounds; one figure per column, as the table shows it. */
export function meanLoad(results: LoadResult[]): LoadResult {
  const mean = (pick: (r: LoadResult) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return {
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: mean((r) => r.p99Ms),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    statusCodes: results.map((r) => r.statusCodes).join('; '),
  };
}

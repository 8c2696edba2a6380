import { Pool } from 'undici';
import { processCpuMs } from './processes';
import { progress } from '../scripts/lib/progress';

/** autocannon 9 ships no types; only the part of its programmatic API used here. */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  method?: string;
  body?: string;
  connections: number;
  duration: number;
  pipelining: number;
  timeout: number;
  requests?: { setupRequest: (request: { headers?: Record<string, string> }) => { headers?: Record<string, string> } }[];
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface LoadTarget {
  url: string;
  headers?: Record<string, string>;
  /** POST with this JSON body (GET when absent). */
  body?: string;
  /** The server process, whose CPU time per request is measured when /proc allows. */
  pid?: number;
  /** Headers taken in turn, one set per request (e.g. many users' keys), on top of `headers`. */
  rotate?: Record<string, string>[];
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
  /** The server's own CPU time per request: unlike req/s, barely moved by other processes on the machine. */
  cpuMsPerRequest: number;
  /** Responses other than 2xx, errors and timeouts: any of them makes the run worthless. */
  failures: number;
  statusCodes: string;
}

/** Seconds of slow answers (a plan gone wrong) still count as answers, not as timeouts. */
const TIMEOUT_SECONDS = 60;

/**
 * One autocannon run. Afterwards one more request waits behind whatever the server still had queued from the
 * cut-off connections, so the next run starts on an idle server.
 */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const cpuBefore = target.pid ? processCpuMs(target.pid) : null;
  // A bar over the run's seconds on a terminal; the suites' own lines tell the rest.
  const bar = progress(process.stderr, { plain: false });
  bar.start(`load ${options.durationSeconds} s`, options.durationSeconds);
  const ticker = setInterval(() => bar.advance(), 1000);
  // autocannon answers a thenable without `finally`: adopted into a real promise.
  const result = await Promise.resolve(
    autocannon({
      url: target.url,
      headers: target.headers,
      method: target.body === undefined ? 'GET' : 'POST',
      body: target.body,
      connections: options.connections,
      duration: options.durationSeconds,
      pipelining: 1,
      timeout: TIMEOUT_SECONDS,
      requests: target.rotate?.length ? [{ setupRequest: rotating(target.rotate) }] : undefined,
    }),
  ).finally(() => {
    clearInterval(ticker);
    bar.stop();
  });
  const drain = await fetch(target.url, { headers: target.headers, method: target.body === undefined ? 'GET' : 'POST', body: target.body });
  await drain.arrayBuffer();
  const cpuAfter = target.pid ? processCpuMs(target.pid) : null;
  // The server also answered the requests cut off at the end (one per connection) and the draining one.
  const served = result.requests.total + options.connections + 1;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / served : NaN,
    failures: result.non2xx + result.errors + result.timeouts + (drain.ok ? 0 : 1) + (result.requests.total === 0 ? 1 : 0),
    statusCodes: Object.entries(result.statusCodeStats)
      .map(([code, { count }]) => `${code}×${count}`)
      .join(' '),
  };
}

export interface PacedOptions {
  connections: number;
  durationSeconds: number;
  /** Requests started per second, evenly spaced, whatever the answers do. */
  rate: number;
}

/**
 * An open load at a fixed rate (autocannon's rates send each connection's share in a burst at the top of each
 * second): a request is due every 1/rate s and goes on the first free one of `connections` keep-alive connections,
 * queueing when none is free. Its latency counts from when it was due, so a server that falls behind is charged for
 * the wait (no coordinated omission).
 */
export async function runPaced(target: LoadTarget, options: PacedOptions): Promise<LoadResult> {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
  const cpuBefore = target.pid ? processCpuMs(target.pid) : null;
  const latencies: number[] = [];
  const codes = new Map<string, number>();
  let failures = 0;
  const pending = new Set<Promise<void>>();
  const send = (due: number) => {
    const done = pool
      .request({ path: url.pathname + url.search, method: 'GET', headers: target.headers, headersTimeout: TIMEOUT_SECONDS * 1000 })
      .then(async (res) => {
        await res.body.dump();
        const code = String(res.statusCode);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (res.statusCode >= 300) failures += 1;
        latencies.push(performance.now() - due);
      })
      .catch(() => {
        failures += 1;
        codes.set('error', (codes.get('error') ?? 0) + 1);
      })
      .finally(() => pending.delete(done));
    pending.add(done);
  };
  const interval = 1000 / options.rate;
  const start = performance.now();
  const end = start + options.durationSeconds * 1000;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Math.min(performance.now(), end);
      for (let due = start + sent * interval; due <= now; due = start + sent * interval) {
        sent += 1;
        send(due);
      }
      if (now >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(pending);
  await pool.close();
  const cpuAfter = target.pid ? processCpuMs(target.pid) : null;
  latencies.sort((a, b) => a - b);
  const at = (share: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] : NaN);
  return {
    requestsPerSecond: latencies.length / options.durationSeconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    requests: sent,
    cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / Math.max(sent, 1) : NaN,
    failures: failures + (sent === 0 ? 1 : 0),
    statusCodes: [...codes].map(([code, count]) => `${code}×${count}`).join(' '),
  };
}

function rotating(sets: Record<string, string>[]) {
  let next = 0;
  return (request: { headers?: Record<string, string> }) => ({
    ...request,
    headers: { ...request.headers, ...sets[next++ % sets.length] },
  });
}

/** The mean over rounds; one figure per column, as the table shows it. */
export function meanLoad(results: LoadResult[]): LoadResult {
  const mean = (pick: (r: LoadResult) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return {
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: mean((r) => r.p99Ms),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    cpuMsPerRequest: mean((r) => r.cpuMsPerRequest),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    statusCodes: results.map((r) => r.statusCodes).join('; '),
  };
}

import 'reflect-metadata';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseEnv, readEnv } from '@app/core';
import { hooksSuite } from './hooks';
import { listsSuite } from './lists';
import { pollingSuite } from './polling';
import { proxySuite } from './proxy';
import { queueSuite } from './queue';
import { relaySuite } from './relay';
import { writeSuiteSection } from './report';
import type { BenchContext, BenchSuite } from './suite';

/** Every suite `npm run bench` knows; add one by exporting a BenchSuite from its own module here. */
const SUITES: BenchSuite[] = [listsSuite, relaySuite, pollingSuite, proxySuite, hooksSuite, queueSuite];

const USAGE = `Usage: npm run bench -- [suite ...] [--keep] [--duration S] [--connections N] [--rounds R] [--database-url URL]
  suites: ${SUITES.map((s) => s.name).join(', ')} (default: all)
  --keep             keep the seeded databases and reuse them next run
  --duration S       seconds of measured load per run (default 10)
  --connections N    concurrent connections (default 50)
  --rounds R         measured runs per server and scenario (default 2)
  --database-url URL PostgreSQL server to create the bench databases on (default DATABASE_URL, else local)`;

class UsageError extends Error {}

function positiveInteger(flag: string, raw: string, max: number): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) throw new UsageError(`--${flag} must be an integer from 1 to ${max}, got "${raw}"`);
  return value;
}

function parse(argv: string[]): { suites: BenchSuite[]; context: BenchContext } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        keep: { type: 'boolean', default: false },
        duration: { type: 'string', default: '10' },
        connections: { type: 'string', default: '50' },
        rounds: { type: 'string', default: '2' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  const unknown = positionals.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length) throw new UsageError(`unknown suite "${unknown[0]}"`);
  const serverUrl = values['database-url'] ?? readEnv(DatabaseEnv).DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  if (!/^postgres(ql)?:\/\//.test(serverUrl)) throw new UsageError(`--database-url must be a postgres:// URL, got "${serverUrl}"`);
  return {
    suites: positionals.length ? SUITES.filter((s) => positionals.includes(s.name)) : SUITES,
    context: {
      serverUrl,
      keep: values.keep,
      durationSeconds: positiveInteger('duration', values.duration, 600),
      connections: positiveInteger('connections', values.connections, 1000),
      rounds: positiveInteger('rounds', values.rounds, 20),
      log: (line) => console.log(line),
    },
  };
}

/** `npm run bench -- [suite ...]`: runs the named suites and rewrites their sections of BENCHMARKS.md. */
async function main(): Promise<void> {
  const { suites, context } = parse(process.argv.slice(2));
  const file = join(__dirname, '..', '..', 'BENCHMARKS.md');
  for (const suite of suites) {
    console.log(`== ${suite.name}`);
    const result = await suite.run(context);
    writeSuiteSection(file, suite.name, suite.title, result);
    for (const target of result.targets) console.log(`${target.met ? 'met   ' : 'MISSED'} ${target.description}`);
  }
  console.log(`Wrote ${file}`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message ? `bench: ${error.message}\n${USAGE}` : USAGE);
  } else {
    console.error(error);
  }
  process.exit(error instanceof UsageError && !error.message ? 0 : 1);
});

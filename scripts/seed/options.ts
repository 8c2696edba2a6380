/** What one seed run writes, and where. */
export interface SeedOptions {
  users: number;
  tasks: number;
  channels: number;
  /** Unset: DATABASE_URL from the environment, else the embedded database under DATA_DIR. */
  databaseUrl?: string;
}

/** A wrong command-line value; the message names the flag. */
export class SeedArgumentError extends Error {}

export const SEED_USAGE = `Usage: npm run seed -- [--users N] [--tasks M] [--channels C] [--database-url URL]
  --users N          users user1..userN, password "password123" (default 100; existing ones are reused)
  --tasks M          tasks appended after the existing ones (default 10000)
  --channels C       channel ids 1..C the tasks are spread over (default 10)
  --database-url URL postgresql:// URL (default DATABASE_URL, else the embedded database under DATA_DIR)`;

const LIMITS = { users: [1, 1_000_000], tasks: [0, 100_000_000], channels: [1, 10_000] } as const;

function integer(flag: keyof typeof LIMITS, raw: string | undefined): number {
  const [min, max] = LIMITS[flag];
  const value = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SeedArgumentError(`--${flag} must be an integer from ${min} to ${max}, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
  }
  return value;
}

/** Reads `--flag value` and `--flag=value` pairs; anything unknown or malformed is an error. */
export function parseSeedArgs(argv: string[]): SeedOptions {
  const options: SeedOptions = { users: 100, tasks: 10_000, channels: 10 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!['--users', '--tasks', '--channels', '--database-url'].includes(flag)) {
      throw new SeedArgumentError(`unknown argument "${argv[i]}"\n${SEED_USAGE}`);
    }
    const value = inline ?? argv[++i];
    if (flag === '--database-url') {
      if (!value || !/^postgres(ql)?:\/\//.test(value)) {
        throw new SeedArgumentError(`--database-url must be a postgres:// or postgresql:// URL, got "${value ?? ''}"`);
      }
      options.databaseUrl = value;
    } else {
      const name = flag.slice(2) as keyof typeof LIMITS;
      options[name] = integer(name, value);
    }
  }
  return options;
}

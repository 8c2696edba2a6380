import { InvalidEnvironmentError } from './env';

/**
 * The one line a failed start prints: a configuration error as it is (the variable, what it must be, what it got),
 * anything else with its message; the stack only with LOG_LEVEL=debug or trace.
 */
export function startupFailure(error: unknown, logLevel = process.env.LOG_LEVEL): string {
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  const invalid = chain.find((e) => e instanceof InvalidEnvironmentError);
  if (invalid) return (invalid as Error).message;
  if (logLevel === 'debug' || logLevel === 'trace') return String((error as Error)?.stack ?? error);
  const message = error instanceof Error ? error.message : String(error);
  return `Cannot start: ${message.split('\n')[0]} (LOG_LEVEL=debug shows the stack)`;
}

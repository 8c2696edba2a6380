import { InvalidEnvironmentError, EmbeddedDatabaseBusyError } from '@app/core';

/** A wrong command line or a refusal: printed as it is, in one line. */
export class ScriptError extends Error {}

/**
 * Runs a command-line script: a configuration error, a wrong argument or a refusal is one line on stderr and exit
 * code 1; anything else is its message (the stack with LOG_LEVEL=debug).
 */
export function runScript(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      const cause = (error as { cause?: unknown })?.cause;
      const known = [error, cause].find(
        (e) => e instanceof InvalidEnvironmentError || e instanceof ScriptError || e instanceof EmbeddedDatabaseBusyError,
      );
      const debug = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
      if (known) console.error(`${name}: ${(known as Error).message}`);
      else
        console.error(
          `${name}: ${debug ? String((error as Error)?.stack ?? error) : error instanceof Error ? error.message : String(error)}`,
        );
      process.exit(1);
    },
  );
}

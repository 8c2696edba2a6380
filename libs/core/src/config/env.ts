import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown at boot when an environment variable is wrong; the message names the variable. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'InvalidEnvironmentError';
  }
}

function firstMessage(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  return Object.values(constraints)[0] ?? 'is invalid';
}

/**
 * Reads the variables a config class declares from the environment, converts and validates them once.
 * Fails fast with the name of the first wrong variable.
 */
export function readEnv<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = plainToInstance(schema, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: true, skipMissingProperties: false });
  if (errors.length > 0) {
    const first = errors[0];
    throw new InvalidEnvironmentError(first.property, firstMessage(first).replace(first.property, '').trim());
  }
  return parsed;
}

import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown at boot when an environment variable is wrong; the message names the variable. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'InvalidEnvironmentError';
  }
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

function parseBoolean(variable: string, value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE.includes(word)) return true;
  if (FALSE.includes(word)) return false;
  throw new InvalidEnvironmentError(variable, 'must be true or false (also 1/0, yes/no, on/off)');
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
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') raw[key] = value;
  }
  // Implicit conversion would make every non-empty string `true`, so "0" and "false" are read here.
  for (const key of Object.keys(new schema())) {
    if (Reflect.getMetadata('design:type', schema.prototype, key) === Boolean && typeof raw[key] === 'string') {
      raw[key] = parseBoolean(key, raw[key] as string);
    }
  }
  const parsed = plainToInstance(schema, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(parsed, { whitelist: true, skipMissingProperties: false });
  if (errors.length > 0) {
    const first = errors[0];
    throw new InvalidEnvironmentError(first.property, firstMessage(first).replace(first.property, '').trim());
  }
  return parsed;
}

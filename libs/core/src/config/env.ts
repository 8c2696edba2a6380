import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Variables whose values never go into a message: only their length does. */
const SECRET = /SECRET|PASSWORD|TOKEN|ACCESS_KEY/;

/** What a variable was set to, as an error message may show it: secrets by length, URLs without their password. */
export function describeReceived(variable: string, value: string | undefined): string {
  if (value === undefined || value === '') return 'nothing (it is not set)';
  if (SECRET.test(variable)) return `${value.length} characters (value hidden)`;
  let shown = value;
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = '***';
      shown = url.toString();
    }
  } catch {
    // Not a URL: shown as it is.
  }
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
}

/**
 * Thrown at boot when an environment variable is wrong. The message is one line: the variable, what it must be and
 * what it got (read from the environment unless given).
 */
export class InvalidEnvironmentError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
    received: string | undefined = process.env[variable],
  ) {
    super(`Invalid configuration: ${variable} ${reason}; got ${describeReceived(variable, received)}`);
    this.name = 'InvalidEnvironmentError';
  }
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

function parseBoolean(variable: string, value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE.includes(word)) return true;
  if (FALSE.includes(word)) return false;
  throw new InvalidEnvironmentError(variable, 'must be true or false (also 1/0, yes/no, on/off)', value);
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
    const reason = firstMessage(first).replace(first.property, '').trim();
    throw new InvalidEnvironmentError(first.property, reason, raw[first.property] === undefined ? undefined : String(env[first.property]));
  }
  return parsed;
}

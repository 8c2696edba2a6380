import { parseFaults, type FaultSpec } from './faults';
import { parseModes, type SimMode } from './modes';

export interface SimulatorOptions {
  /** 0 = a random free port. */
  port?: number;
  host?: string;
  /** When set, `/mj/**` and `/sim/*` admin routes require `mj-api-secret` to equal it. */
  secret?: string;
  /** Duration of a task from dispatch to SUCCESS, in ms. */
  taskMs?: number;
  faults?: string;
  modes?: string[];
  /** host:port used in image URLs; default the bound address. */
  publicHost?: string;
  /** Concurrent running tasks (OSS `coreSize`, default 3). */
  coreSize?: number;
  /** Waiting tasks before code 23 (OSS `queueSize`, default 10). */
  queueSize?: number;
}

export interface SimulatorConfig {
  port: number;
  host: string;
  secret: string | null;
  taskMs: number;
  faults: FaultSpec;
  modes: SimMode[];
  publicHost: string | null;
  coreSize: number;
  queueSize: number;
}

export const DEFAULTS = { port: 8081, host: '127.0.0.1', taskMs: 8000, coreSize: 3, queueSize: 10 } as const;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

function check<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError(variable, error instanceof Error ? error.message : String(error));
  }
}

function integer(value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`expected an integer in ${min}..${max}, got ${value}`);
  return value;
}

/** Validates and fills defaults; `name` maps an option to what the user wrote (an env variable in main). */
export function resolveOptions(options: SimulatorOptions = {}, name: (option: string) => string = (option) => option): SimulatorConfig {
  return {
    port: check(name('port'), () => integer(options.port ?? DEFAULTS.port, 0, 65535)),
    host: options.host || DEFAULTS.host,
    secret: options.secret ? options.secret : null,
    taskMs: check(name('taskMs'), () => integer(options.taskMs ?? DEFAULTS.taskMs, 1, 86_400_000)),
    faults: check(name('faults'), () => parseFaults(options.faults)),
    modes: check(name('modes'), () => parseModes(options.modes ?? [])),
    publicHost: options.publicHost || null,
    coreSize: check(name('coreSize'), () => integer(options.coreSize ?? DEFAULTS.coreSize, 1, 1_000_000)),
    queueSize: check(name('queueSize'), () => integer(options.queueSize ?? DEFAULTS.queueSize, 0, 1_000_000)),
  };
}

const ENV_NAMES: Record<string, string> = {
  port: 'SIM_PORT',
  taskMs: 'SIM_TASK_MS',
  faults: 'SIM_FAULTS',
  modes: 'SIM_MODES',
  coreSize: 'SIM_CORE_SIZE',
  queueSize: 'SIM_QUEUE_SIZE',
};

function envInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  if (!/^\d+$/.test(text)) throw new ConfigError(name, `expected a non-negative integer, got "${text}"`);
  return Number(text);
}

/** Reads SIM_PORT, SIM_HOST, SIM_SECRET, SIM_TASK_MS, SIM_FAULTS, SIM_MODES (+ SIM_PUBLIC_HOST, SIM_CORE_SIZE, SIM_QUEUE_SIZE). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorOptions {
  const options: SimulatorOptions = {
    port: envInteger(env, 'SIM_PORT'),
    host: env.SIM_HOST?.trim() || undefined,
    secret: env.SIM_SECRET || undefined,
    taskMs: envInteger(env, 'SIM_TASK_MS'),
    faults: env.SIM_FAULTS,
    modes: env.SIM_MODES ? env.SIM_MODES.split(',') : undefined,
    publicHost: env.SIM_PUBLIC_HOST?.trim() || undefined,
    coreSize: envInteger(env, 'SIM_CORE_SIZE'),
    queueSize: envInteger(env, 'SIM_QUEUE_SIZE'),
  };
  resolveOptions(options, (option) => ENV_NAMES[option] ?? option);
  return options;
}

/** Settings that tests may change while the simulator runs. */
export type LiveSettings = Pick<SimulatorConfig, 'taskMs' | 'modes' | 'faults' | 'coreSize' | 'queueSize' | 'secret'>;

export interface SettingsPatch {
  faults?: string;
  modes?: string[];
  taskMs?: number;
}

/** Validates the whole patch before changing anything; throws a ConfigError naming the bad field. */
export function updateSettings(settings: LiveSettings, patch: SettingsPatch): void {
  const next = { ...settings };
  if (patch.faults !== undefined) next.faults = check('faults', () => parseFaults(String(patch.faults)));
  if (patch.modes !== undefined) {
    next.modes = check('modes', () => {
      if (!Array.isArray(patch.modes)) throw new Error('expected an array of mode names');
      return parseModes(patch.modes.map(String));
    });
  }
  if (patch.taskMs !== undefined) next.taskMs = check('taskMs', () => integer(Number(patch.taskMs), 1, 86_400_000));
  Object.assign(settings, next);
}

/** Global faults hitting every `/mj` route (`SIM_FAULTS=http500=0.05,garbage=0.02,empty=0.01,delay=1500,floattimes=0.1`). */
export interface FaultSpec {
  /** Probability of HTTP 500 with a Spring error JSON. */
  http500: number;
  /** Probability of HTTP 200 with a non-JSON body. */
  garbage: number;
  /** Probability of HTTP 200 with an empty body. */
  empty: number;
  /** Milliseconds added to every answer. */
  delay: number;
  /** Probability that the times of the tasks in an answer are floats. */
  floattimes: number;
}

const PROBABILITIES = ['http500', 'garbage', 'empty', 'floattimes'] as const;

export const NO_FAULTS: Readonly<FaultSpec> = Object.freeze({ http500: 0, garbage: 0, empty: 0, delay: 0, floattimes: 0 });

/** Parses `name=value,...`; an empty spec means no faults. Throws on an unknown name or a bad value. */
export function parseFaults(spec: string | undefined | null): FaultSpec {
  const faults: FaultSpec = { ...NO_FAULTS };
  for (const part of (spec ?? '').split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const text = eq < 0 ? '' : item.slice(eq + 1).trim();
    const value = Number(text);
    if (!(name in faults)) throw new Error(`unknown fault "${name}" (known: ${Object.keys(NO_FAULTS).join(', ')})`);
    if (text === '' || !Number.isFinite(value) || value < 0) throw new Error(`bad value for fault "${name}": "${text}"`);
    if ((PROBABILITIES as readonly string[]).includes(name) && value > 1) {
      throw new Error(`fault "${name}" is a probability (0..1), got ${value}`);
    }
    faults[name as keyof FaultSpec] = value;
  }
  return faults;
}

export type ResponseFault = 'http500' | 'garbage' | 'empty' | null;

/** Draws the fault of one answer, in a fixed order so that probabilities do not mask each other much. */
export function drawResponseFault(faults: FaultSpec, random: () => number = Math.random): ResponseFault {
  if (faults.http500 > 0 && random() < faults.http500) return 'http500';
  if (faults.garbage > 0 && random() < faults.garbage) return 'garbage';
  if (faults.empty > 0 && random() < faults.empty) return 'empty';
  return null;
}

export function drawFloatTimes(faults: FaultSpec, random: () => number = Math.random): boolean {
  return faults.floattimes > 0 && random() < faults.floattimes;
}

const GARBAGE_BODIES = [
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
  '{"code":1,"description":"提交成',
  'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
];

export function garbageBody(random: () => number = Math.random): string {
  return GARBAGE_BODIES[Math.floor(random() * GARBAGE_BODIES.length)];
}

/** The JSON Spring Boot's BasicErrorController writes. */
export function springError(status: number, error: string, path: string): string {
  return JSON.stringify({ timestamp: new Date().toISOString().replace('Z', '+00:00'), status, error, path });
}

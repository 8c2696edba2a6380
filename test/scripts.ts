import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of this test process without the variables a script reads, plus `env`. */
export function scriptEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'ADMIN_PASSWORD', 'ADMIN_USERNAME', 'JWT_SECRET', 'PORT', 'LOG_FORMAT'])
    delete base[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

/** Runs a compiled script (`dist/<path>`, see buildServer) as `npm run …` would, with `input` on its stdin. */
export function runScript(path: string, args: string[], env: Record<string, string | undefined>, input = ''): Promise<ScriptRun> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', path), ...args], { cwd: ROOT, env: scriptEnv(env), stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The lines a person sees, without empty ones. */
export const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

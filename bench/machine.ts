import { cpus, totalmem, release, platform } from 'node:os';
import { Client } from 'pg';

export interface Machine {
  date: string;
  cpus: string;
  memory: string;
  os: string;
  node: string;
  postgres: string;
}

/** What the numbers were measured on; recorded beside them because they only compare within one machine. */
export async function describeMachine(serverUrl: string): Promise<Machine> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string; shared_buffers: string }>(
      `SELECT current_setting('server_version') AS server_version, current_setting('shared_buffers') AS shared_buffers`,
    );
    const list = cpus();
    return {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      cpus: `${list.length} × ${list[0]?.model.trim() ?? 'unknown CPU'}`,
      memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      os: `${platform()} ${release()}`,
      node: process.version,
      postgres: `PostgreSQL ${rows[0].server_version} (shared_buffers ${rows[0].shared_buffers}, same machine)`,
    };
  } finally {
    await client.end();
  }
}

export function machineMarkdown(machine: Machine): string {
  return [
    `- Date: ${machine.date}`,
    `- Machine: ${machine.cpus}, ${machine.memory} RAM, ${machine.os}`,
    `- Node ${machine.node}; ${machine.postgres}`,
  ].join('\n');
}

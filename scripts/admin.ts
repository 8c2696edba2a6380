import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { randomBytes } from 'node:crypto';
import { BillingModule } from '@app/billing';
import { User, UserLookup, UsersService } from '@app/auth';
import { AuthUser, ConflictError, CoreModule, DatabaseLocation } from '@app/core';
import { runScript, ScriptError } from './lib/run-script';

const USAGE = `Usage: npm run admin -- <command>
  list-users                               every user: id, name, role, status, balance
  reset-password <user> [--password-stdin] a new random password, printed (or the first line of stdin); signs the user out
  create-admin <user> [--password-stdin]   a new admin with a random password, printed (or the first line of stdin)
Works on DATABASE_URL, else on the embedded database under DATA_DIR (stop the gateway first).`;

/** Just the users: libs/auth's UsersService on the gateway's database, without the HTTP side or the start-up admin. */
@Module({
  imports: [CoreModule, MikroOrmModule.forFeature([User]), BillingModule],
  providers: [UsersService, UserLookup],
})
class AdminCliModule {}

/** The CLI acts as the installation itself, not as a user: no user is the actor of its changes. */
const CLI_ACTOR: AuthUser = { id: 0, username: 'admin-cli', role: 'admin' };

async function readPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: randomBytes(12).toString('base64url'), generated: true };
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const password = input.split(/\r?\n/)[0];
  if (password.length < 8) throw new ScriptError(`the password from stdin must be at least 8 characters, got ${password.length}`);
  return { password, generated: false };
}

async function findByName(users: UsersService, username: string) {
  const page = await users.list({ username, p: 1, page_size: 100 });
  const user = page.items.find((u) => u.username.toLowerCase() === username.toLowerCase());
  if (!user) throw new ScriptError(`no user "${username}" (npm run admin -- list-users)`);
  return user;
}

async function listUsers(users: UsersService): Promise<void> {
  const rows: string[][] = [['id', 'username', 'role', 'status', 'balance', 'created']];
  for (let p = 1; ; p++) {
    const page = await users.list({ p, page_size: 100 });
    for (const u of page.items) {
      rows.push([
        String(u.id),
        u.username,
        u.role,
        u.status,
        String(u.quota),
        new Date(u.created_at * 1000).toISOString().slice(0, 16).replace('T', ' '),
      ]);
    }
    if (p * 100 >= page.total) break;
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}

async function main(): Promise<void> {
  const [command, username, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    if (!command) process.exitCode = 1;
    return;
  }
  if (!['list-users', 'reset-password', 'create-admin'].includes(command)) throw new ScriptError(`unknown command "${command}"\n${USAGE}`);
  if (command !== 'list-users' && !username) throw new ScriptError(`${command} needs a username\n${USAGE}`);
  const unknown = rest.filter((arg) => arg !== '--password-stdin');
  if (unknown.length) throw new ScriptError(`unknown argument "${unknown[0]}"\n${USAGE}`);
  const fromStdin = rest.includes('--password-stdin');

  const app = await NestFactory.createApplicationContext(AdminCliModule, { logger: false, abortOnError: false });
  try {
    console.error(`Database: ${app.get(DatabaseLocation).description}`);
    const users = app.get(UsersService);
    await RequestContext.create(app.get(MikroORM).em, async () => {
      if (command === 'list-users') return listUsers(users);
      const { password, generated } = await readPassword(fromStdin);
      if (command === 'reset-password') {
        const user = await findByName(users, username);
        await users.update(CLI_ACTOR, user.id, { password });
        console.log(generated ? `New password for "${user.username}": ${password}` : `Password of "${user.username}" changed`);
      } else {
        const user = await users.create(CLI_ACTOR, { username, password, role: 'admin' }).catch((error: unknown) => {
          if (error instanceof ConflictError) throw new ScriptError(`${error.message}: npm run admin -- reset-password ${username}`);
          throw error;
        });
        console.log(generated ? `Created admin "${user.username}" with the password: ${password}` : `Created admin "${user.username}"`);
      }
    });
  } finally {
    await app.close();
  }
}

runScript('admin', main);

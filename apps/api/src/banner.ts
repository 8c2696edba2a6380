import { INestApplication } from '@nestjs/common';
import { AdminBootstrap, type CreatedAdmin } from '@app/auth';
import { ConfigType } from '@nestjs/config';
import { appConfig, DatabaseLocation } from '@app/core';
import { consoleRoot } from './console';
import { DEMO_CHANNEL, DemoUpstream } from './demo';

export interface StartBanner {
  url: string;
  console: string;
  docs: string;
  database: string;
  demo: string;
  admin?: CreatedAdmin;
}

/** What a person needs after `npm start`: where to go, which database, the demo channel, the first admin. */
export function startBanner(app: INestApplication): StartBanner {
  const { port } = app.getHttpServer().address() as { port: number };
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const url = (config.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const demo = app.get(DemoUpstream).url;
  return {
    url,
    console: consoleRoot() ? `${url}/` : 'not built (npm run build:admin): only the API is served',
    docs: `${url}/api/docs`,
    database: app.get(DatabaseLocation).description,
    demo: demo ? `channel "${DEMO_CHANNEL}", a midjourney-proxy simulator at ${demo} (DEMO=0 turns it off)` : 'off',
    admin: app.get(AdminBootstrap).created,
  };
}

/** The banner as a person reads it: a few aligned lines. The first is the one scripts wait for. */
export function bannerText(banner: StartBanner, port: number): string {
  const rows: [string, string][] = [
    ['Console', banner.console],
    ['API docs', banner.docs],
    ['Database', banner.database],
    ['Demo', banner.demo],
  ];
  if (banner.admin?.password) {
    rows.push(['Admin', `${banner.admin.username} / ${banner.admin.password}`]);
    rows.push(['', 'generated on this first start and shown only now; lost it? npm run admin -- reset-password ' + banner.admin.username]);
  } else if (banner.admin) {
    rows.push(['Admin', `${banner.admin.username} (created now, with the password from ADMIN_PASSWORD)`]);
  }
  const lines = rows.map(([name, value]) => `  ${name.padEnd(9)} ${value}`);
  return ['', `Gateway listening on http://localhost:${port}`, ...lines, ''].join('\n');
}

/** The banner as one JSON line, for log collectors. */
export function bannerJson(banner: StartBanner, port: number): string {
  return JSON.stringify({ level: 30, time: Date.now(), msg: `Gateway listening on http://localhost:${port}`, ...banner });
}

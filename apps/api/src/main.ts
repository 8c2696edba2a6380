import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigType } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { appConfig, prettyLogs, startupFailure, StartupChatterLogger } from '@app/core';
import { AppModule } from './app.module';
import { bannerJson, bannerText, startBanner } from './banner';
import { configureApp, createHttpAdapter } from './bootstrap';

async function main(): Promise<void> {
  // abortOnError and autoFlushLogs off: a failed start is reported by the one line below, not by Nest's stack trace.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), {
    bufferLogs: true,
    autoFlushLogs: false,
    abortOnError: false,
  });
  app.useLogger(new StartupChatterLogger(app.get(Logger)));
  app.flushLogs();
  configureApp(app);
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  await app.listen(config.PORT, '0.0.0.0');
  const { port } = app.getHttpServer().address() as { port: number };
  // Written whatever LOG_LEVEL says: scripts and tests wait for its first line.
  const banner = startBanner(app);
  process.stdout.write(`${prettyLogs(config) ? bannerText(banner, port) : bannerJson(banner, port)}\n`);
}

main().catch((error: unknown) => {
  console.error(startupFailure(error));
  process.exit(1);
});

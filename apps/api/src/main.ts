import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigType } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { appConfig, InvalidEnvironmentError } from '@app/core';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './bootstrap';

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createHttpAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureApp(app);
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  await app.listen(config.PORT, '0.0.0.0');
  const { port } = app.getHttpServer().address() as { port: number };
  // Printed whatever LOG_LEVEL says: scripts and tests wait for this line.
  console.log(`Gateway listening on http://localhost:${port} (API docs at /api/docs)`);
}

main().catch((error: unknown) => {
  const cause = (error as { cause?: unknown })?.cause;
  const invalid = [error, cause].find((e) => e instanceof InvalidEnvironmentError);
  console.error(invalid ? (invalid as Error).message : error);
  process.exit(1);
});

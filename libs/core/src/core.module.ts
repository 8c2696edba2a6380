import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { appConfig } from './config/app.config';
import { databaseConfig } from './config/database.config';
import { httpConfig } from './config/http.config';
import { DatabaseModule } from './database/database.module';
import { TaskEvents } from './events/task-events';
import { HealthController } from './health/health.controller';
import { MetricsController, MetricsRegistry } from './health/metrics';
import { ErrorsFilter } from './http/errors.filter';
import { createValidationPipe } from './http/validation.pipe';
import { RateLimiter } from './rate-limit/rate-limiter';

/** A line per request at info and below. */
const requestLogging = (level: string) => ['info', 'debug', 'trace'].includes(level);

/** Config, logging, database, the error envelope and validation: what every feature library stands on. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, databaseConfig, httpConfig] }),
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: ConfigType<typeof appConfig>) => ({
        // Per-request logging (a child logger and a context per request) only where a line per request is wanted:
        // at warn and above the middleware is not mounted at all, and errors are logged with their request id.
        forRoutes: requestLogging(app.LOG_LEVEL) ? undefined : [],
        pinoHttp: {
          level: app.LOG_LEVEL,
          // The server's request id (X-Request-Id or a UUID), so log lines and error answers name the same request.
          genReqId: (req) => (req as { id?: string }).id ?? randomUUID(),
          autoLogging: { ignore: (req) => req.url === '/api/health' },
          redact: ['req.headers.authorization', 'req.headers["mj-api-secret"]', 'req.headers.cookie'],
          serializers: { req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&](sig|ticket)=)[^&]+/g, '$1***') }) },
        },
      }),
    }),
    DatabaseModule,
    TerminusModule,
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    TaskEvents,
    MetricsRegistry,
    RateLimiter,
    { provide: APP_FILTER, useClass: ErrorsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [TaskEvents, MetricsRegistry, RateLimiter],
})
export class CoreModule {}

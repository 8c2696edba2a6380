import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { APP_FILTER, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { appConfig } from './config/app.config';
import { databaseConfig } from './config/database.config';
import { secretsConfig } from './config/secrets.config';
import { httpConfig } from './config/http.config';
import { DatabaseModule } from './database/database.module';
import { Sql } from './database/sql';
import { TaskEvents } from './events/task-events';
import { TaskEventSubscribers } from './events/task-event-subscribers';
import { HealthController } from './health/health.controller';
import { MetricsController, MetricsRegistry } from './health/metrics';
import { ErrorsFilter } from './http/errors.filter';
import { PublicUrl } from './http/public-url';
import { createValidationPipe } from './http/validation.pipe';
import { loggerParams } from './logging/log-output';
import { Secrets } from './secrets/secrets';
import { RateLimiter } from './rate-limit/rate-limiter';

/** Config, logging, database, the error envelope and validation: what every feature library stands on. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, databaseConfig, secretsConfig, httpConfig] }),
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: ConfigType<typeof appConfig>) => loggerParams(app),
    }),
    DatabaseModule,
    TerminusModule,
    DiscoveryModule,
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    TaskEvents,
    TaskEventSubscribers,
    MetricsRegistry,
    Sql,
    RateLimiter,
    Secrets,
    PublicUrl,
    { provide: APP_FILTER, useClass: ErrorsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [TaskEvents, MetricsRegistry, Sql, Secrets, PublicUrl, RateLimiter],
})
export class CoreModule {}

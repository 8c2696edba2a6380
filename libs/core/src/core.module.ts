import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigType } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { appConfig } from './config/app.config';
import { databaseConfig } from './config/database.config';
import { DatabaseModule } from './database/database.module';
import { TaskEvents } from './events/task-events';
import { HealthController } from './health/health.controller';
import { MetricsController, MetricsRegistry } from './health/metrics';
import { ErrorsFilter } from './http/errors.filter';
import { createValidationPipe } from './http/validation.pipe';
import { loggerParams } from './logging/log-output';

/** Config, logging, database, the error envelope and validation: what every feature library stands on. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, databaseConfig] }),
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: ConfigType<typeof appConfig>) => loggerParams(app),
    }),
    DatabaseModule,
    TerminusModule,
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    TaskEvents,
    MetricsRegistry,
    { provide: APP_FILTER, useClass: ErrorsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [TaskEvents, MetricsRegistry],
})
export class CoreModule {}

import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ConfigModule } from '@nestjs/config';
import { MikroORM } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { DatabaseConfig, databaseConfig } from '../config/database.config';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { applyMigrations } from './migrate';
import { ormOptions } from './orm-options';
import { requestContextHook } from './request-context.hook';

/** Where the database is: a configured PostgreSQL, or the embedded one started here. */
@Injectable()
export class DatabaseLocation implements OnApplicationShutdown {
  constructor(
    readonly url: string,
    readonly description: string,
    readonly embedded?: EmbeddedPostgres,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}

function describe(url: string): string {
  const parsed = new URL(url);
  return `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

async function locateDatabase(config: DatabaseConfig): Promise<DatabaseLocation> {
  const logger = new Logger('Database');
  let location: DatabaseLocation;
  if (config.url) {
    location = new DatabaseLocation(config.url, describe(config.url));
  } else {
    const embedded = await startEmbeddedPostgres(config.dataDir, config.poolMax + 5);
    location = new DatabaseLocation(embedded.url, `embedded PGlite in ${embedded.dataDir}`, embedded);
  }
  const orm = await MikroORM.init(ormOptions(location.url, 1));
  try {
    const applied = await applyMigrations(orm, location.url);
    logger.log(`${location.description}; migrations applied now: ${applied.length}`);
  } finally {
    await orm.close();
  }
  return location;
}

@Module({
  imports: [ConfigModule.forFeature(databaseConfig)],
  providers: [{ provide: DatabaseLocation, inject: [databaseConfig.KEY], useFactory: locateDatabase }],
  exports: [DatabaseLocation],
})
class DatabaseLocationModule {}

@Global()
@Module({
  imports: [
    DatabaseLocationModule,
    MikroOrmModule.forRootAsync({
      imports: [DatabaseLocationModule, ConfigModule.forFeature(databaseConfig)],
      driver: PostgreSqlDriver,
      inject: [DatabaseLocation, databaseConfig.KEY],
      useFactory: (location: DatabaseLocation, config: DatabaseConfig) => ({
        // One connection to the embedded database: pglite-socket 0.2.17 serves every connection from one session and
        // interleaves their protocol messages outside transactions (electric-sql/pglite#1046): concurrent queries
        // would bind each other's statements. PGlite runs one statement at a time anyway, so nothing is lost.
        ...ormOptions(location.url, location.embedded ? 1 : config.poolMax),
        autoLoadEntities: true,
        // Ours instead (requestContextHook): the same context, with the fork made on first use.
        registerRequestContext: false,
      }),
    }),
  ],
  exports: [DatabaseLocationModule],
})
export class DatabaseModule implements OnModuleInit {
  constructor(
    @Inject(DatabaseLocation) readonly location: DatabaseLocation,
    private readonly orm: MikroORM,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Every request runs in its own ORM context (none without an HTTP server: scripts and CLI commands). */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onRequest', requestContextHook(this.orm));
  }
}

import 'reflect-metadata';
import { Controller, Get, Module, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { listTasks } from './baseline-lists';

/**
 * The framework's own floor for the task lists: the baseline's SQL and items (baseline-lists.ts) answered from a bare
 * Nest application on Fastify, the gateway's HTTP stack, with no auth, validation, logging or link signing.
 * `node nest-floor-server.js --port P --database-url U --pool N`
 */
const { values: args } = parseArgs({
  options: { port: { type: 'string' }, 'database-url': { type: 'string' }, pool: { type: 'string', default: '10' } },
});
const pool = new Pool({ connectionString: args['database-url'], max: Number(args.pool) });

const urlOf = (request: FastifyRequest) => new URL(request.url, 'http://floor');

@Controller()
class ListsController {
  @Get('health')
  health() {
    return { success: true, message: '' };
  }

  @Get('api/mj')
  all(@Req() request: FastifyRequest) {
    return listTasks(pool, urlOf(request), true);
  }

  @Get('api/mj/self')
  own(@Req() request: FastifyRequest) {
    return listTasks(pool, urlOf(request), false);
  }
}

@Module({ controllers: [ListsController] })
class FloorModule {}

async function main() {
  const app = await NestFactory.create(FloorModule, new FastifyAdapter(), { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(Number(args.port), '127.0.0.1');
}

void main();

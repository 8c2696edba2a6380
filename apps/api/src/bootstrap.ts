import { INestApplication, Logger } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AppEnv, corsOptionsFor, corsOrigins, EnvelopeFastifyAdapter, readEnv, readHttpConfig } from '@app/core';
import { speedModeRewrite } from '@app/relay';
import { serveConsole } from './console';
import { secureTransport, serverOptions } from './https';
import { buildOpenApiDocument } from './openapi';

/**
 * The HTTP server: Fastify (its router and replies cost a third of Express's CPU per request here). Body limit,
 * proxy trust and request ids are server options, so they are read from the environment before the app exists.
 */
export function createHttpAdapter(env: AppEnv = readEnv(AppEnv), http = readHttpConfig()): EnvelopeFastifyAdapter {
  if (http.warning) new Logger('Transport').warn(http.warning);
  return new EnvelopeFastifyAdapter({
    ...serverOptions(http),
    bodyLimit: env.BODY_LIMIT_MB * 1024 * 1024,
    trustProxy: env.TRUST_PROXY,
    rewriteUrl: speedModeRewrite,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // As Express routed: `/api/mj/` is `/api/mj`, and paths match whatever their case.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 500 },
  });
}

/** Everything main.ts and the e2e tests both need on top of the module and its server: docs, console, shutdown hooks. */
export function configureApp(app: INestApplication, env: AppEnv = readEnv(AppEnv)): INestApplication {
  app.enableShutdownHooks();
  secureTransport(app);
  const origins = corsOrigins(env);
  // Off unless CORS_ORIGINS names origins: browsers reach the API from the console's own origin.
  if (origins.length) app.enableCors(corsOptionsFor(origins) as never);
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  serveConsole(app);
  return app;
}

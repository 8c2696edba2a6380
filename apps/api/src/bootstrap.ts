import { INestApplication } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { appConfig, bodyParsers } from '@app/core';
import { speedModePrefix } from '@app/relay';
import { serveConsole } from './console';
import { buildOpenApiDocument } from './openapi';

/** Everything main.ts and the e2e tests both need on top of the module: body limits, proxy trust, docs. */
export function configureApp(app: INestApplication): INestApplication {
  const express = app as NestExpressApplication;
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  express.use(speedModePrefix);
  express.use(...bodyParsers(config.BODY_LIMIT_MB));
  express.set('trust proxy', config.TRUST_PROXY);
  express.disable('x-powered-by');
  // Hashing every JSON answer for an ETag costs more than the lists' query; media set their own.
  express.set('etag', false);
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  serveConsole(app);
  return app;
}

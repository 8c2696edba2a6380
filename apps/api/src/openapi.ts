import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Midjourney task gateway')
    .setDescription(
      'Dashboard API (`/api/*`, answers in the envelope `{success, message, data}`) and the midjourney-proxy ' +
        'relay (`/mj/*`) for API clients. Dashboard routes take `Authorization: Bearer <token>` from `/api/auth/login`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A dashboard JWT from /api/auth/login, or an sk-… API key on the relay' })
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'mj-api-secret', description: 'An sk-… API key, as midjourney-proxy clients send it' },
      'mj-api-secret',
    )
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controller, method) => method,
  });
}

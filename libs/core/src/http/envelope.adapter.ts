import { StreamableFile } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { RAW_RESPONSE } from './api-envelope.decorator';

/** What a route handler returned, as the API answers it: `{success: true, message: "", data}`. */
function envelope(response: FastifyReply | ServerResponse, body: unknown, statusCode?: number): unknown {
  if (!('request' in response) || body instanceof StreamableFile) return body;
  if (response.request.routeOptions.config?.[RAW_RESPONSE as keyof typeof response.request.routeOptions.config]) return body;
  if ((statusCode ?? response.statusCode) >= 400) return body;
  return body === undefined ? { success: true, message: '' } : { success: true, message: '', data: body };
}

/**
 * The HTTP server, wrapping every route's answer in the envelope (but @RawResponse routes) where Nest hands it to
 * Fastify. A global interceptor would do the same at the cost of an RxJS pipeline per request, about a tenth of
 * the CPU of a list request. Errors get their envelope from ErrorsFilter.
 */
export class EnvelopeFastifyAdapter extends FastifyAdapter {
  override reply(response: FastifyReply | ServerResponse, body: unknown, statusCode?: number): FastifyReply {
    return super.reply(response, envelope(response, body, statusCode), statusCode);
  }
}

import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Header,
  Inject,
  Injectable,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type HttpConfig, httpConfig } from '../config/http.config';
import { RawResponse } from '../http/api-envelope.decorator';

/** The process's Prometheus registry; feature libraries add their metrics to it. */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** With METRICS_TOKEN set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(httpConfig.KEY) config: HttpConfig) {
    this.expected = config.metricsToken ? digest(config.metricsToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (token && timingSafeEqual(digest(token), this.expected)) return true;
    throw new UnauthorizedException('Metrics need Authorization: Bearer <METRICS_TOKEN>');
  }
}

@ApiExcludeController()
@Controller('metrics')
@UseGuards(MetricsTokenGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @RawResponse()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  getMetrics(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

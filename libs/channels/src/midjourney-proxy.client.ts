import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Agent, Dispatcher, request } from 'undici';
import type { SubmitResultVO, Task as UpstreamTask } from '@app/mj-protocol';
import { channelsConfig } from './config/channels.config';
import {
  MIDJOURNEY_PROXY,
  type ProbeResult,
  type UpstreamKind,
  UpstreamKindProvider,
  type UpstreamTarget,
  UpstreamError,
} from './upstream-kind';

interface RawAnswer {
  status: number;
  text: string;
  latencyMs: number;
}

function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/**
 * The built-in upstream kind: the HTTP client that talks to midjourney-proxy upstreams. Timeouts, connection limits and
 * error kinds live here.
 */
@Injectable()
@UpstreamKindProvider(MIDJOURNEY_PROXY)
export class MidjourneyProxyClient implements UpstreamKind, OnApplicationShutdown {
  private readonly agent: Dispatcher;

  constructor(@Inject(channelsConfig.KEY) private readonly config: ConfigType<typeof channelsConfig>) {
    this.agent = new Agent({
      connections: config.connections,
      connect: { timeout: config.connectTimeoutMs },
      keepAliveTimeout: 10_000,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  /** POST a submit body; answers the upstream's SubmitResultVO (any code) or throws UpstreamError. */
  async submit(target: UpstreamTarget, path: string, body: unknown): Promise<SubmitResultVO> {
    const answer = await this.send(target, 'POST', path, body, this.config.submitTimeoutMs);
    const parsed = this.parse(answer);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || typeof (parsed as SubmitResultVO).code !== 'number') {
      throw new UpstreamError('garbage', `unexpected answer from upstream (HTTP ${answer.status})`, answer.status);
    }
    return parsed as SubmitResultVO;
  }

  /** `POST /mj/task/list-by-condition`; unknown ids are simply absent from the answer. */
  async listByCondition(target: UpstreamTarget, ids: string[], timeoutMs = this.config.pollTimeoutMs): Promise<UpstreamTask[]> {
    const answer = await this.send(target, 'POST', '/mj/task/list-by-condition', { ids }, timeoutMs);
    const parsed = this.parse(answer);
    if (!Array.isArray(parsed)) throw new UpstreamError('garbage', 'list-by-condition did not answer an array', answer.status);
    return parsed as UpstreamTask[];
  }

  /** `GET /mj/task/{id}/image-seed`, passed through as the upstream answered it. */
  async imageSeed(target: UpstreamTarget, mjId: string): Promise<{ status: number; body: unknown }> {
    const answer = await this.send(
      target,
      'GET',
      `/mj/task/${encodeURIComponent(mjId)}/image-seed`,
      undefined,
      this.config.pollTimeoutMs,
      true,
    );
    if (answer.text.length === 0) throw new UpstreamError('empty', 'empty answer from upstream', answer.status);
    try {
      return { status: answer.status, body: JSON.parse(answer.text) };
    } catch {
      throw new UpstreamError('garbage', 'upstream answered something that is not JSON', answer.status);
    }
  }

  /** Reachability, authentication and latency of a channel, by an empty list-by-condition. */
  async probe(target: UpstreamTarget): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const answer = await this.send(target, 'POST', '/mj/task/list-by-condition', { ids: [] }, this.config.pollTimeoutMs, true);
      const latency = Math.round(performance.now() - started);
      if (answer.status === 401 || answer.status === 403) {
        return {
          reachable: true,
          authorized: false,
          latency_ms: latency,
          status: answer.status,
          message: 'The upstream refused the secret',
        };
      }
      const ok = answer.status === 200 && Array.isArray(this.tryParse(answer.text));
      return {
        reachable: true,
        authorized: ok,
        latency_ms: latency,
        status: answer.status,
        message: ok ? 'OK' : `Unexpected answer (HTTP ${answer.status}); is this a midjourney-proxy?`,
      };
    } catch (error) {
      const latency = Math.round(performance.now() - started);
      return { reachable: false, authorized: false, latency_ms: latency, status: 0, message: (error as Error).message };
    }
  }

  private async send(
    target: UpstreamTarget,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    timeoutMs: number,
    anyStatus = false,
  ): Promise<RawAnswer> {
    const started = performance.now();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (target.secret) headers['mj-api-secret'] = target.secret;
    let status: number;
    let text: string;
    try {
      const res = await request(joinUrl(target.baseUrl, path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      const name = (error as Error).name;
      const code = (error as { code?: string }).code ?? '';
      if (name === 'TimeoutError' || name === 'AbortError' || /TIMEOUT/.test(code)) {
        throw new UpstreamError('timeout', `upstream did not answer within ${timeoutMs} ms`);
      }
      // The reason, never the upstream's address: these messages reach clients.
      throw new UpstreamError(
        'transport',
        `upstream unreachable (${code || (error as Error).message.replace(/\S*\d+\.\d+\.\d+\.\d+\S*|\S*:\/\/\S*|\S+:\d+\b/g, '<upstream>')})`,
      );
    }
    if (!anyStatus && status !== 200) {
      throw new UpstreamError('http', `upstream answered HTTP ${status}`, status);
    }
    return { status, text, latencyMs: performance.now() - started };
  }

  private parse(answer: RawAnswer): unknown {
    if (answer.text.length === 0) throw new UpstreamError('empty', 'empty answer from upstream', answer.status);
    const parsed = this.tryParse(answer.text);
    if (parsed === undefined) throw new UpstreamError('garbage', 'upstream answered something that is not JSON', answer.status);
    return parsed;
  }

  private tryParse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }
}

import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import type { Task } from '@app/mj-protocol';
import { toJson } from './json';

const NOTIFY_TIMEOUT_MS = 10_000;

/** POSTs the Task JSON to notify hooks: one attempt, no retry, answers and errors ignored (as OSS). */
export class Notifier {
  sent = 0;
  failed = 0;
  private readonly inFlight = new Set<ClientRequest>();

  constructor(private readonly floatTimes: () => boolean) {}

  send(hook: string, task: Task): void {
    let url: URL;
    try {
      url = new URL(hook);
    } catch {
      this.failed++;
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      this.failed++;
      return;
    }
    const body = Buffer.from(toJson(task, this.floatTimes()));
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      agent: false,
      timeout: NOTIFY_TIMEOUT_MS,
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    });
    this.inFlight.add(request);
    request.on('response', (response) => {
      const ok = (response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300;
      if (ok) this.sent++;
      else this.failed++;
      response.resume();
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => this.failed++);
    request.on('close', () => this.inFlight.delete(request));
    request.end(body);
  }

  close(): void {
    for (const request of this.inFlight) request.destroy();
    this.inFlight.clear();
  }
}

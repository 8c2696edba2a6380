import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { createTestApp, TestApp } from './app';
import { buildServer, startGatewayProcess } from './cluster';
import { createTestDatabase, type TestDatabase } from './database';
import { until } from './upstream';

/** A fresh self-signed certificate for localhost and 127.0.0.1, written as PEM files (openssl, as an operator would). */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

const fingerprint = (pem: string) => new X509Certificate(readFileSync(pem)).fingerprint256;

/** The certificate a new TLS connection to the port is handed. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      const served = socket.getPeerX509Certificate()!.fingerprint256;
      socket.end();
      resolve(served);
    });
    socket.on('error', reject);
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function fetchOver(get: typeof httpGet | typeof httpsGet, url: string, options: Record<string, unknown> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = (get as typeof httpsGet)(url, { agent: false, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('HTTPS served by the gateway itself', () => {
  let t: TestApp;
  let port: number;
  let redirectPort: number;
  let files: { cert: string; key: string };
  const dir = mkdtempSync(join(tmpdir(), 'mj-tls-'));

  beforeAll(async () => {
    files = selfSigned(dir, 'live');
    redirectPort = await freePort();
    t = await createTestApp({ env: { TLS_CERT_FILE: files.cert, TLS_KEY_FILE: files.key, HTTP_REDIRECT_PORT: String(redirectPort) } });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(() => t.close());

  it('answers over HTTPS with its certificate, HSTS and the security headers', async () => {
    const res = await fetchOver(httpsGet, `https://localhost:${port}/api/health`, { ca: readFileSync(files.cert) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ success: true, data: { status: 'ok' } });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(await servedFingerprint(port)).toBe(fingerprint(files.cert));
  });

  it('redirects plain HTTP on HTTP_REDIRECT_PORT to the same path over HTTPS', async () => {
    const res = await fetchOver(httpGet, `http://127.0.0.1:${redirectPort}/api/mj/self?p=2`);
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe(`https://127.0.0.1:${port}/api/mj/self?p=2`);
  });

  it('serves a renewed certificate once its files change, without a restart', async () => {
    const renewed = selfSigned(dir, 'renewed');
    expect(fingerprint(renewed.cert)).not.toBe(fingerprint(files.cert));
    // As certbot does: new files moved into place.
    renameSync(renewed.key, files.key);
    renameSync(renewed.cert, files.cert);
    const expected = fingerprint(files.cert);
    await until(async () => (await servedFingerprint(port)) === expected, 15000, 200);
  });
});

describe('plain HTTP: HSTS only behind a trusting proxy, /metrics behind its token, slow clients cut off', () => {
  let t: TestApp;
  const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'true', METRICS_TOKEN, HTTP_HEADERS_TIMEOUT_MS: '1000' } });
  });

  afterAll(() => t.close());

  it('sends HSTS only on requests that came over HTTPS (X-Forwarded-Proto from the trusted proxy)', async () => {
    const plain = await t.http.get('/api/health').expect(200);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    expect(plain.headers['content-security-policy']).toContain("default-src 'self'");
    const proxied = await t.http.get('/api/health').set('X-Forwarded-Proto', 'https').expect(200);
    expect(proxied.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('serves the Swagger UI and its assets under the security headers', async () => {
    const page = await t.http.get('/api/docs').expect(200);
    expect(page.text).toContain('swagger-ui-init.js');
    expect(page.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    await t.http.get('/api/docs/swagger-ui-init.js').expect(200);
  });

  it('answers /metrics only with METRICS_TOKEN as a bearer token', async () => {
    for (const header of [undefined, 'Bearer wrong-token', `Basic ${METRICS_TOKEN}`]) {
      const req = t.http.get('/metrics');
      const res = await (header ? req.set('Authorization', header) : req);
      expect([res.status, res.body]).toEqual([401, { success: false, message: 'Metrics need Authorization: Bearer <METRICS_TOKEN>' }]);
    }
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.text).toContain('mj_tasks');
  });

  it('closes a connection that sends its headers too slowly (slowloris), and one that sends nothing', async () => {
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const open = (trickle: boolean) =>
      new Promise<number>((resolve) => {
        const started = Date.now();
        const socket = connect(port, '127.0.0.1', () => {
          if (!trickle) return;
          socket.write('GET /api/health HTTP/1.1\r\nHost: localhost\r\n');
          let n = 0;
          const timer = setInterval(
            () => socket.write(`X-Slow-${(n += 1)}: ${createHash('md5').update(String(n)).digest('hex')}\r\n`),
            200,
          );
          socket.once('close', () => clearInterval(timer));
        });
        socket.on('error', () => undefined);
        socket.on('data', () => undefined);
        socket.once('close', () => resolve(Date.now() - started));
        // Never left open by the test itself: a connection still open after 10 s fails below.
        setTimeout(() => socket.destroy(), 10000).unref();
      });
    const [slow, silent] = await Promise.all([open(true), open(false)]);
    expect(slow).toBeLessThan(9000);
    expect(silent).toBeLessThan(9000);
    // A normal request is still answered.
    await t.http.get('/api/health').expect(200);
  });
});

describe('production start-up refuses what would expose tokens', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    buildServer();
    db = await createTestDatabase();
  });

  afterAll(() => db.drop());

  /** Starts the built gateway with `env`; resolves with its exit code and output once it exits or starts listening. */
  const boot = async (env: Record<string, string>): Promise<{ started: boolean; output: string; stop: () => Promise<void> }> => {
    const base = {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      JWT_SECRET: 'production-secret-of-this-test-0123456789',
      ADMIN_PASSWORD: 'admin-password-123',
    };
    try {
      const gateway = await startGatewayProcess({ ...base, ...env });
      return { started: true, output: gateway.output(), stop: gateway.stop };
    } catch (error) {
      return { started: false, output: (error as Error).message, stop: async () => undefined };
    }
  };

  it('refuses plain HTTP in production, saying why and how', async () => {
    const plain = await boot({});
    expect(plain.started).toBe(false);
    expect(plain.output).toContain('Invalid configuration: NODE_ENV is production but the gateway would listen on plain HTTP');
    expect(plain.output).toContain('TLS_CERT_FILE and TLS_KEY_FILE');
    expect(plain.output).toContain('TRUST_PROXY=true');
    const publicUrl = await boot({ TRUST_PROXY: 'true', PUBLIC_URL: 'http://mj.example.com' });
    expect(publicUrl.started).toBe(false);
    expect(publicUrl.output).toContain('PUBLIC_URL (http://mj.example.com) is plain HTTP');
  });

  it('starts behind a trusted proxy, and with ALLOW_INSECURE_HTTP=true only with a warning', async () => {
    const proxied = await boot({ TRUST_PROXY: 'true', PUBLIC_URL: 'https://mj.example.com' });
    expect(proxied.started).toBe(true);
    await proxied.stop();
    const insecure = await boot({ ALLOW_INSECURE_HTTP: 'true', LOG_LEVEL: 'warn' });
    expect(insecure.started).toBe(true);
    expect(insecure.output).toMatch(/ALLOW_INSECURE_HTTP=true: the gateway would listen on plain HTTP .* in production/);
    await insecure.stop();
  });

  it('refuses an allowlist entry that names no port', async () => {
    const bare = await boot({ TRUST_PROXY: 'true', MEDIA_FETCH_ALLOWLIST: '127.0.0.1' });
    expect(bare.started).toBe(false);
    expect(bare.output).toContain(
      'Invalid configuration: MEDIA_FETCH_ALLOWLIST has an invalid entry "127.0.0.1" names no port, so it would open every port',
    );
  });
});

import { proxyConfig } from './proxy.config';

function configWith(env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return proxyConfig();
  } finally {
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('proxy config', () => {
  it('has safe defaults: forwarding on, 24 h links, 50 MB cap, a local store under DATA_DIR', () => {
    expect(configWith({ DATA_DIR: '/var/lib/mj/' })).toMatchObject({
      forward: true,
      urlTtlSeconds: 86400,
      maxBytes: 50 * 1024 * 1024,
      allowlist: [],
      store: 'local',
      storeDir: '/var/lib/mj/media',
      archive: { enabled: true, concurrency: 2, attempts: 8 },
    });
  });

  it('reads switches and the allowlist', () => {
    const config = configWith({
      MJ_FORWARD_URL: 'false',
      MEDIA_ARCHIVE_ENABLED: '0',
      MEDIA_FETCH_ALLOWLIST: ' sim:8081, 10.1.0.0/16:80 ,',
    });
    expect(config).toMatchObject({ forward: false, allowlist: ['sim:8081', '10.1.0.0/16:80'], archive: { enabled: false } });
    expect(configWith({ MEDIA_STORE: 'off' }).archive.enabled).toBe(false);
  });

  it.each([
    [{ MEDIA_FETCH_ALLOWLIST: 'http://sim' }, /MEDIA_FETCH_ALLOWLIST has an invalid entry "http:\/\/sim"/],
    [
      { MEDIA_FETCH_ALLOWLIST: '127.0.0.1' },
      /MEDIA_FETCH_ALLOWLIST has an invalid entry "127.0.0.1" names no port, so it would open every port/,
    ],
    [{ MEDIA_FETCH_ALLOWLIST: 'sim:8081,10.0.0.0/8' }, /MEDIA_FETCH_ALLOWLIST has an invalid entry "10.0.0.0\/8" names no port/],
    [{ MEDIA_STORE: 's3' }, /S3_BUCKET is required when MEDIA_STORE=s3/],
    [{ MEDIA_STORE: 'ftp' }, /MEDIA_STORE/],
    [{ MEDIA_URL_TTL_S: '10' }, /MEDIA_URL_TTL_S/],
  ])('refuses %j at boot, naming the variable', (env, message) => {
    expect(() => configWith(env)).toThrow(message);
  });

  it('builds the S3 settings when asked for', () => {
    expect(configWith({ MEDIA_STORE: 's3', S3_BUCKET: 'media', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'true' }).s3).toEqual(
      {
        endpoint: 'http://minio:9000',
        bucket: 'media',
        region: 'us-east-1',
        accessKeyId: undefined,
        secretAccessKey: undefined,
        forcePathStyle: true,
      },
    );
  });
});

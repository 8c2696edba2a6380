import { AppEnv, corsOrigins } from './app.config';
import { readEnv } from './env';

describe('CORS_ORIGINS', () => {
  it('reads a list of origins, or *, and none when unset', () => {
    expect(corsOrigins(readEnv(AppEnv, { CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }))).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
    expect(corsOrigins(readEnv(AppEnv, { CORS_ORIGINS: '*' }))).toBe('*');
    expect(corsOrigins(readEnv(AppEnv, {}))).toEqual([]);
  });

  it.each(['a.example.com', 'https://a.example.com/path', 'https://a.example.com;https://b.example.com'])(
    'refuses %s at boot, naming it',
    (value) => {
      expect(() => readEnv(AppEnv, { CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS must be \* or a comma-separated list of origins/);
    },
  );
});

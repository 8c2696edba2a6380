import { ConfigError, optionsFromEnv } from '../src/config';
import { parseFaults } from '../src/faults';
import { modesOf, stripSimTokens } from '../src/modes';

describe('mj-simulator: configuration', () => {
  it('reads SIM_* variables', () => {
    expect(
      optionsFromEnv({ SIM_PORT: '9000', SIM_TASK_MS: '250', SIM_SECRET: 's', SIM_MODES: 'fail,slow', SIM_FAULTS: 'delay=5' }),
    ).toMatchObject({
      port: 9000,
      taskMs: 250,
      secret: 's',
      modes: ['fail', 'slow'],
      faults: 'delay=5',
    });
  });

  it.each([
    [{ SIM_PORT: 'eighty' }, 'SIM_PORT'],
    [{ SIM_PORT: '70000' }, 'SIM_PORT'],
    [{ SIM_TASK_MS: '0' }, 'SIM_TASK_MS'],
    [{ SIM_TASK_MS: '-5' }, 'SIM_TASK_MS'],
    [{ SIM_FAULTS: 'http500=1.5' }, 'SIM_FAULTS'],
    [{ SIM_FAULTS: 'boom=1' }, 'SIM_FAULTS'],
    [{ SIM_MODES: 'fail,explode' }, 'SIM_MODES'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => optionsFromEnv(env)).toThrow(ConfigError);
    expect(() => optionsFromEnv(env)).toThrow(new RegExp(`^${variable}: `));
  });

  it('parses fault specs', () => {
    expect(parseFaults('http500=0.05, garbage=0.02,empty=0.01,delay=1500,floattimes=0.1')).toEqual({
      http500: 0.05,
      garbage: 0.02,
      empty: 0.01,
      delay: 1500,
      floattimes: 0.1,
    });
    expect(parseFaults('')).toEqual({ http500: 0, garbage: 0, empty: 0, delay: 0, floattimes: 0 });
  });

  it('finds --sim-* tokens anywhere in a prompt and strips them for promptEn', () => {
    expect([...modesOf('cat --sim-v7 --ar 3:2 --SIM-SLOW --sim-unknown', ['fail'])].sort()).toEqual(['fail', 'slow', 'v7']);
    expect(stripSimTokens('cat --sim-v7 --ar 3:2 --sim-slow')).toBe('cat --ar 3:2');
    expect(modesOf('cat --sim-v7x', []).size).toBe(0);
  });
});

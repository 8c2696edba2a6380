import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { readEnv } from './env';

class SampleEnv {
  @IsBoolean()
  FEATURE: boolean = true;

  @IsInt()
  @Min(1)
  @Max(10)
  SIZE: number = 5;
}

describe('readEnv', () => {
  it.each([['0', false], ['false', false], ['off', false], ['1', true], ['TRUE', true], ['yes', true]])('reads %s as %s', (value, expected) => {
    expect(readEnv(SampleEnv, { FEATURE: value }).FEATURE).toBe(expected);
  });

  it('keeps defaults for unset and empty variables, and converts numbers', () => {
    expect(readEnv(SampleEnv, { FEATURE: '', SIZE: '7' })).toEqual({ FEATURE: true, SIZE: 7 });
  });

  it('names the variable that is wrong', () => {
    expect(() => readEnv(SampleEnv, { FEATURE: 'maybe' })).toThrow(/FEATURE/);
    expect(() => readEnv(SampleEnv, { SIZE: '11' })).toThrow(/Invalid configuration: SIZE must not be greater than 10/);
    expect(() => readEnv(SampleEnv, { SIZE: 'ten' })).toThrow(/SIZE/);
  });
});

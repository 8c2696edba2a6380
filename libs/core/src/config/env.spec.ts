import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { InvalidEnvironmentError, readEnv } from './env';

class SampleEnv {
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  API_SECRET?: string;

  @IsOptional()
  @Matches(/^postgres:/, { message: 'must be a postgres:// URL' })
  DB_URL?: string;

  @IsBoolean()
  FEATURE: boolean = true;

  @IsInt()
  @Min(1)
  @Max(10)
  SIZE: number = 5;
}

describe('readEnv', () => {
  it.each([
    ['0', false],
    ['false', false],
    ['off', false],
    ['1', true],
    ['TRUE', true],
    ['yes', true],
  ])('reads %s as %s', (value, expected) => {
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

  it('says what the variable got, in one line', () => {
    expect(() => readEnv(SampleEnv, { SIZE: 'ten' })).toThrow(/^Invalid configuration: SIZE .+; got "ten"$/);
    expect(() => readEnv(SampleEnv, { FEATURE: 'maybe' })).toThrow(
      'Invalid configuration: FEATURE must be true or false (also 1/0, yes/no, on/off); got "maybe"',
    );
  });

  it('never shows a secret or a password inside a URL', () => {
    expect(() => readEnv(SampleEnv, { API_SECRET: 'hunter2' })).toThrow(
      'Invalid configuration: API_SECRET must be at least 32 characters; got 7 characters (value hidden)',
    );
    expect(() => readEnv(SampleEnv, { DB_URL: 'mysql://me:pw@db/x' })).toThrow('got "mysql://me:***@db/x"');
  });

  it('says when a required variable is not set', () => {
    expect(new InvalidEnvironmentError('JWT_SECRET', 'is required when NODE_ENV=production', undefined).message).toBe(
      'Invalid configuration: JWT_SECRET is required when NODE_ENV=production; got nothing (it is not set)',
    );
  });
});

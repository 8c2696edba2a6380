import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ListAllTasksQuery, ListMyTasksQuery } from './dto/list-tasks.query.dto';
import { toMilliseconds, toTaskFilter } from './mj.service';

function parse<T extends object>(type: new () => T, query: Record<string, unknown>): { value: T; errors: string[] } {
  const value = plainToInstance(type, query);
  const errors = validateSync(value, { whitelist: true, stopAtFirstError: true }).map((e) => e.property);
  return { value, errors };
}

describe('task list query parsing', () => {
  it('applies the defaults', () => {
    const { value, errors } = parse(ListMyTasksQuery, {});
    expect(errors).toEqual([]);
    expect(value).toMatchObject({ p: 1, page_size: 20 });
  });

  it("reads digit strings as integers and accepts the seed's string channel_id", () => {
    const { value, errors } = parse(ListAllTasksQuery, { p: '3', page_size: '50', channel_id: '3', start_timestamp: '1640908800' });
    expect(errors).toEqual([]);
    expect(value).toMatchObject({ p: 3, page_size: 50, channel_id: 3, start_timestamp: 1640908800 });
  });

  it.each([
    [{ p: '0' }, 'p'],
    [{ p: '2.5' }, 'p'],
    [{ p: '1e3' }, 'p'],
    [{ page_size: '' }, 'page_size'],
    [{ start_timestamp: '-1' }, 'start_timestamp'],
    [{ end_timestamp: '99999999999999999' }, 'end_timestamp'],
    [{ channel_id: 'three' }, 'channel_id'],
    [{ status: 'success' }, 'status'],
    [{ mj_id: ['a', 'b'] }, 'mj_id'],
  ])('rejects %j naming %s', (query, field) => {
    expect(parse(ListAllTasksQuery, query).errors).toEqual([field]);
  });

  it('reads a filter sent empty, or as a cleared control sends it, as no filter', () => {
    const { value, errors } = parse(ListAllTasksQuery, {
      mj_id: '',
      channel_id: '',
      user_id: 'undefined',
      start_timestamp: 'NaN',
      end_timestamp: 'null',
      status: '',
      action: ' ',
    });
    expect(errors).toEqual([]);
    expect(toTaskFilter(value)).toEqual({});
  });

  it('reads timestamps as seconds below 10^12 and as milliseconds from there', () => {
    expect(toMilliseconds(1_640_908_800)).toBe(1_640_908_800_000);
    expect(toMilliseconds(1_640_908_800_123)).toBe(1_640_908_800_123);
    expect(toMilliseconds(999_999_999_999)).toBe(999_999_999_999_000);
  });

  it('makes an end given in seconds cover its whole second, and an end in ms exact', () => {
    expect(toTaskFilter({ p: 1, page_size: 20, end_timestamp: 1_640_908_800 })).toEqual({ toMs: 1_640_908_800_999 });
    expect(toTaskFilter({ p: 1, page_size: 20, end_timestamp: 1_640_908_800_000 })).toEqual({ toMs: 1_640_908_800_000 });
  });

  it('rejects a start after the end, naming start_timestamp', () => {
    expect(() => toTaskFilter({ p: 1, page_size: 20, start_timestamp: 20, end_timestamp: 10 })).toThrow(/start_timestamp/);
  });
});

import { BadRequestError } from './domain-error';
import { IdParam, PageQuery } from './page.query';
import { createValidationPipe } from './validation.pipe';

class OtherQuery extends PageQuery {}

describe('the validation pipe', () => {
  const pipe = createValidationPipe();
  const query = (metatype: new () => object, value: object) => pipe.transform(value, { type: 'query', metatype });
  const params = (value: object) => pipe.transform(value, { type: 'param', metatype: IdParam });

  it('converts a query, and hands out a fresh copy of a remembered one each time', async () => {
    const first = (await query(PageQuery, { p: '3', page_size: '50' })) as PageQuery;
    expect(first).toBeInstanceOf(PageQuery);
    expect({ ...first }).toEqual({ p: 3, page_size: 50 });
    first.p = 99;
    const again = (await query(PageQuery, { p: '3', page_size: '50' })) as PageQuery;
    expect(again).not.toBe(first);
    expect(again).toBeInstanceOf(PageQuery);
    expect({ ...again }).toEqual({ p: 3, page_size: 50 });
    expect(await query(OtherQuery, { p: '3', page_size: '50' })).toBeInstanceOf(OtherQuery);
  });

  it('refuses a bad query every time, naming the parameter', async () => {
    for (let i = 0; i < 2; i++) {
      const attempt = query(PageQuery, { p: 'x' });
      await expect(attempt).rejects.toBeInstanceOf(BadRequestError);
      await expect(attempt).rejects.toThrow(/^p must be an integer >= 1$/);
    }
  });

  it('converts path parameters, remembered the same way, and refuses bad ones every time', async () => {
    const first = (await params({ id: '7' })) as IdParam;
    expect(first).toBeInstanceOf(IdParam);
    expect(first.id).toBe(7);
    first.id = 8;
    expect(((await params({ id: '7' })) as IdParam).id).toBe(7);
    expect(((await params({ id: '9' })) as IdParam).id).toBe(9);
    for (let i = 0; i < 2; i++) await expect(params({ id: '0' })).rejects.toThrow(/^id must be a positive integer$/);
  });
});

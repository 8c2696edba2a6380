import { BadRequestError } from './domain-error';
import { PageQuery } from './page.query';
import { createValidationPipe } from './validation.pipe';

class OtherQuery extends PageQuery {}

describe('the validation pipe', () => {
  const pipe = createValidationPipe();
  const query = (metatype: new () => object, value: object) => pipe.transform(value, { type: 'query', metatype });

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
});

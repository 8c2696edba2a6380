import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;

/** Query values arrive as strings; only plain digit strings become numbers, so anything else fails validation by name. */
export const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : value;

/** What a cleared form control sends for a filter: consoles send every filter, these when it is unused. */
const CLEARED = new Set(['', 'nan', 'null', 'undefined']);

/** A filter present but empty (or `NaN`, `null`, `undefined`) is no filter; any other value is kept for validation. */
export const toFilter = ({ value }: { value: unknown }) =>
  typeof value === 'string' && CLEARED.has(value.trim().toLowerCase()) ? undefined : value;

/** An optional integer filter: cleared means absent, digits become a number, anything else fails by name. */
export const toIntegerFilter = ({ value }: { value: unknown }) => toInteger({ value: toFilter({ value }) });

/**
 * `p` and `page_size` as every list of the dashboard API takes them. @IsInt comes last: decorators apply bottom-up, so
 * the type is checked first and `p=x` is told it must be an integer, not that it is too large.
 */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1, example: 1 })
  @IsOptional()
  @Transform(toInteger)
  @Min(1, { message: 'p must be an integer >= 1' })
  @Max(10_000_000, { message: 'p must be at most 10000000' })
  @IsInt({ message: 'p must be an integer >= 1' })
  p: number = 1;

  @ApiPropertyOptional({
    minimum: 1,
    default: 20,
    example: 20,
    description: `Values above ${MAX_PAGE_SIZE} are capped at ${MAX_PAGE_SIZE}`,
  })
  @IsOptional()
  @Transform(toInteger)
  @Min(1, { message: 'page_size must be an integer >= 1' })
  @IsInt({ message: 'page_size must be an integer >= 1' })
  page_size: number = 20;
}

/** The page a query asks for, with the size capped. */
export function pageWindow(query: PageQuery): { page: number; pageSize: number; offset: number } {
  const pageSize = Math.min(query.page_size, MAX_PAGE_SIZE);
  return { page: query.p, pageSize, offset: (query.p - 1) * pageSize };
}

/** `:id` in a route: a positive 32-bit integer, else a 400 naming it. */
export class IdParam {
  @ApiProperty({ example: 2 })
  @Type(() => Number)
  @Min(1, { message: 'id must be a positive integer' })
  @Max(2147483647, { message: 'id must be a positive integer' })
  @IsInt({ message: 'id must be a positive integer' })
  id: number;
}

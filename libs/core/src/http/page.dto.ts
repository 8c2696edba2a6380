import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/** The shape of every list answer: `{items, total, page, page_size}`, documented with the item's own schema. */
export function PageOf<T>(item: Type<T>) {
  class Page {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ example: 42, description: 'How many match the filters, all pages together' })
    total: number;

    @ApiProperty({ example: 1 })
    page: number;

    @ApiProperty({ example: 20, description: 'The page size applied (requests above 100 are capped)' })
    page_size: number;
  }
  return Page;
}

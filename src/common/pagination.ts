import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,12}$/.test(value) ? Number(value) : value);

/** `page` from 1, `pageSize` 1..200 (default 50), as API.md fixes for every list. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'page must be an integer' })
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'pageSize must be an integer' })
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function pageOf(q: PageQueryDto): { page: number; pageSize: number; offset: number } {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 50;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export { toInt as queryInt };

/**
 * The documented shape of a list answer, `{ items, page, pageSize, total }` (API.md), for one item class:
 * `@ApiOkResponse({ type: PageDto(UserDto) })` documents a schema `UserPageDto`. One class per item class (memoized),
 * so two routes listing the same items share one schema. A list that says a little more (e.g. a count of items
 * withheld) extends it: `class AmendmentListDto extends PageDto(AmendmentDto) { ... }`.
 */
const pageClasses = new Map<Type<unknown>, Type<Page<unknown>>>();

export function PageDto<T>(item: Type<T>): Type<Page<T>> {
  const known = pageClasses.get(item);
  if (known) return known as Type<Page<T>>;
  class PageOf implements Page<T> {
    @ApiProperty({ type: [item] }) items: T[];
    @ApiProperty({ type: 'integer', minimum: 1, description: 'The page asked for, from 1' }) page: number;
    @ApiProperty({ type: 'integer', minimum: 1, maximum: 200, description: 'Items per page (1..200, default 50)' }) pageSize: number;
    @ApiProperty({ type: 'integer', minimum: 0, description: 'Items matching the filter, on every page' }) total: number;
  }
  Object.defineProperty(PageOf, 'name', { value: `${item.name.replace(/Dto$/, '')}PageDto` });
  pageClasses.set(item, PageOf as Type<Page<unknown>>);
  return PageOf;
}

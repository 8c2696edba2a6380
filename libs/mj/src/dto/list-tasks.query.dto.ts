import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, type ValidationArguments } from 'class-validator';
import { PageQuery, toFilter, toIntegerFilter } from '@app/core';
import { TASK_ACTIONS, TASK_STATUSES, type TaskStatus } from '@app/mj-protocol';

const TIMESTAMP_HELP = 'Unix seconds; a value >= 10^12 is read as milliseconds';
const MAX_TIMESTAMP = 9_999_999_999_999;
const CLEARED_HELP = 'Empty, `NaN`, `null` or `undefined` (what a cleared form control sends) means no filter.';

/**
 * The bounds of an integer filter, told as "must be an integer" while the value is not one: class-validator stops at
 * the first failing constraint, and which of @IsInt, @Min and @Max that is depends on the class hierarchy.
 */
const bound = (field: string, integer: string, outOfRange: string) => ({
  message: ({ value }: ValidationArguments) => (Number.isInteger(value) ? outOfRange : `${field} must be an integer${integer}`),
});

// Every filter: present but empty (or what a cleared control sends) means "no filter"; real consoles send them all.
export class ListMyTasksQuery extends PageQuery {
  @ApiPropertyOptional({ description: `Exact task id. ${CLEARED_HELP}`, example: '1712345678901234' })
  @IsOptional()
  @Transform(toFilter)
  @IsString({ message: 'mj_id must be a string' })
  @MaxLength(64, { message: 'mj_id must be at most 64 characters' })
  mj_id?: string;

  @ApiPropertyOptional({ description: `Tasks submitted at or after this time. ${TIMESTAMP_HELP}. ${CLEARED_HELP}`, example: 1640908800 })
  @IsOptional()
  @Transform(toIntegerFilter)
  @IsInt({ message: 'start_timestamp must be an integer (Unix seconds or milliseconds)' })
  @Min(0, bound('start_timestamp', ' (Unix seconds or milliseconds)', 'start_timestamp must be >= 0'))
  @Max(MAX_TIMESTAMP, bound('start_timestamp', ' (Unix seconds or milliseconds)', 'start_timestamp is out of range'))
  start_timestamp?: number;

  @ApiPropertyOptional({ description: `Tasks submitted at or before this time. ${TIMESTAMP_HELP}. ${CLEARED_HELP}`, example: 1640995200 })
  @IsOptional()
  @Transform(toIntegerFilter)
  @IsInt({ message: 'end_timestamp must be an integer (Unix seconds or milliseconds)' })
  @Min(0, bound('end_timestamp', ' (Unix seconds or milliseconds)', 'end_timestamp must be >= 0'))
  @Max(MAX_TIMESTAMP, bound('end_timestamp', ' (Unix seconds or milliseconds)', 'end_timestamp is out of range'))
  end_timestamp?: number;

  @ApiPropertyOptional({ enum: TASK_STATUSES, description: CLEARED_HELP })
  @IsOptional()
  @Transform(toFilter)
  @IsIn(TASK_STATUSES, { message: `status must be one of: ${TASK_STATUSES.join(', ')}` })
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: TASK_ACTIONS, example: 'IMAGINE', description: CLEARED_HELP })
  @IsOptional()
  @Transform(toFilter)
  @IsIn(TASK_ACTIONS, { message: 'action must be a task action such as IMAGINE, UPSCALE, VARIATION or VIDEO' })
  action?: string;
}

export class ListAllTasksQuery extends ListMyTasksQuery {
  @ApiPropertyOptional({ description: `Channel id (a numeric string is accepted). ${CLEARED_HELP}`, example: 1 })
  @IsOptional()
  @Transform(toIntegerFilter)
  @IsInt({ message: 'channel_id must be an integer >= 0' })
  @Min(0, bound('channel_id', ' >= 0', 'channel_id must be an integer >= 0'))
  @Max(2147483647, bound('channel_id', ' >= 0', 'channel_id is out of range'))
  channel_id?: number;

  @ApiPropertyOptional({ description: `Owner's user id. ${CLEARED_HELP}`, example: 2 })
  @IsOptional()
  @Transform(toIntegerFilter)
  @IsInt({ message: 'user_id must be an integer >= 1' })
  @Min(1, bound('user_id', ' >= 1', 'user_id must be an integer >= 1'))
  @Max(2147483647, bound('user_id', ' >= 1', 'user_id is out of range'))
  user_id?: number;
}

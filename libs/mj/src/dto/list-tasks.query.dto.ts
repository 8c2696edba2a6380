import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery, toInteger } from '@app/core';
import { TASK_ACTIONS, TASK_STATUSES, type TaskStatus } from '@app/mj-protocol';

const TIMESTAMP_HELP = 'Unix seconds; a value >= 10^12 is read as milliseconds';
const MAX_TIMESTAMP = 9_999_999_999_999;

export class ListMyTasksQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Exact upstream task id', example: '1712345678901234' })
  @IsOptional()
  @IsString({ message: 'mj_id must be a string' })
  @MinLength(1, { message: 'mj_id must not be empty' })
  @MaxLength(64, { message: 'mj_id must be at most 64 characters' })
  mj_id?: string;

  @ApiPropertyOptional({ description: `Tasks submitted at or after this time. ${TIMESTAMP_HELP}`, example: 1640908800 })
  @IsOptional()
  @Transform(toInteger)
  @Min(0, { message: 'start_timestamp must be >= 0' })
  @Max(MAX_TIMESTAMP, { message: 'start_timestamp is out of range' })
  @IsInt({ message: 'start_timestamp must be an integer (Unix seconds or milliseconds)' })
  start_timestamp?: number;

  @ApiPropertyOptional({ description: `Tasks submitted at or before this time. ${TIMESTAMP_HELP}`, example: 1640995200 })
  @IsOptional()
  @Transform(toInteger)
  @Min(0, { message: 'end_timestamp must be >= 0' })
  @Max(MAX_TIMESTAMP, { message: 'end_timestamp is out of range' })
  @IsInt({ message: 'end_timestamp must be an integer (Unix seconds or milliseconds)' })
  end_timestamp?: number;

  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES, { message: `status must be one of: ${TASK_STATUSES.join(', ')}` })
  status?: TaskStatus;

  @ApiPropertyOptional({ enum: TASK_ACTIONS, example: 'IMAGINE' })
  @IsOptional()
  @IsIn(TASK_ACTIONS, { message: 'action must be a task action such as IMAGINE, UPSCALE, VARIATION or VIDEO' })
  action?: string;
}

export class ListAllTasksQuery extends ListMyTasksQuery {
  @ApiPropertyOptional({ description: 'Channel id (a numeric string is accepted)', example: 1 })
  @IsOptional()
  @Transform(toInteger)
  @Min(0, { message: 'channel_id must be an integer >= 0' })
  @Max(2147483647, { message: 'channel_id is out of range' })
  @IsInt({ message: 'channel_id must be an integer >= 0' })
  channel_id?: number;

  @ApiPropertyOptional({ description: 'Owner\'s user id', example: 2 })
  @IsOptional()
  @Transform(toInteger)
  @Min(1, { message: 'user_id must be an integer >= 1' })
  @Max(2147483647, { message: 'user_id is out of range' })
  @IsInt({ message: 'user_id must be an integer >= 1' })
  user_id?: number;
}

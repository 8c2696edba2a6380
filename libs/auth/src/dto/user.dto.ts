import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageOf, PageQuery } from '@app/core';

const MODES = ['fast', 'relax', 'turbo'] as const;
import { ROLES, type Role, type User, USER_STATUSES, type UserStatus } from '../users/user.entity';

const USERNAME = /^[A-Za-z0-9_.-]{3,64}$/;
const USERNAME_MESSAGE = 'username must be 3-64 letters, digits, _ . or -';

export class UserDto {
  @ApiProperty({ example: 2 })
  id: number;

  @ApiProperty({ example: 'alice' })
  username: string;

  @ApiProperty({ enum: ROLES, example: 'user' })
  role: Role;

  @ApiProperty({ enum: USER_STATUSES, example: 'enabled' })
  status: UserStatus;

  @ApiProperty({ example: 500000, description: 'Quota balance (500,000 = 1 USD at default prices)' })
  quota: number;

  @ApiProperty({
    enum: MODES,
    nullable: true,
    example: null,
    description: "Speed mode of the user's tasks when neither route nor key names one",
  })
  default_mode: 'fast' | 'relax' | 'turbo' | null;

  @ApiProperty({
    example: null,
    nullable: true,
    type: Number,
    description: 'Most unfinished (queued + running) tasks; null = the default (QUEUE_USER_CAP)',
  })
  max_tasks: number | null;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  created_at: number;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  updated_at: number;
}

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    status: user.status,
    quota: user.quota,
    default_mode: user.defaultMode ?? null,
    max_tasks: user.maxTasks ?? null,
    created_at: Math.floor(user.createdAt.getTime() / 1000),
    updated_at: Math.floor(user.updatedAt.getTime() / 1000),
  };
}

export class CreateUserDto {
  @ApiProperty({ example: 'alice' })
  @IsString({ message: 'username must be a string' })
  @Matches(USERNAME, { message: USERNAME_MESSAGE })
  username: string;

  @ApiProperty({ example: 'a-long-password', minLength: 8 })
  @IsString({ message: 'password must be a string' })
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @MaxLength(256, { message: 'password must be at most 256 characters' })
  password: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'user' })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ enum: USER_STATUSES, default: 'enabled' })
  @IsOptional()
  @IsIn(USER_STATUSES, { message: `status must be one of: ${USER_STATUSES.join(', ')}` })
  status?: UserStatus;

  @ApiPropertyOptional({ example: 500000, description: 'Starting balance, recorded in the ledger as an admin adjustment' })
  @IsOptional()
  @IsInt({ message: 'quota must be an integer' })
  @Min(0, { message: 'quota must be >= 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'quota is too large' })
  quota?: number;

  @ApiPropertyOptional({ enum: MODES, description: "Speed mode of the user's tasks when neither route nor key names one" })
  @IsOptional()
  @IsIn(MODES, { message: `default_mode must be one of: ${MODES.join(', ')}` })
  default_mode?: 'fast' | 'relax' | 'turbo';
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ enum: USER_STATUSES })
  @IsOptional()
  @IsIn(USER_STATUSES, { message: `status must be one of: ${USER_STATUSES.join(', ')}` })
  status?: UserStatus;

  @ApiPropertyOptional({ example: 1000000, description: 'New balance; the difference is recorded in the ledger' })
  @IsOptional()
  @IsInt({ message: 'quota must be an integer' })
  @Min(0, { message: 'quota must be >= 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'quota is too large' })
  quota?: number;

  @ApiPropertyOptional({
    enum: MODES,
    nullable: true,
    description: "Speed mode of the user's tasks when neither route nor key names one; null clears it",
  })
  @IsOptional()
  @IsIn(MODES, { message: `default_mode must be one of: ${MODES.join(', ')}` })
  default_mode?: 'fast' | 'relax' | 'turbo' | null;

  @ApiPropertyOptional({
    example: 50,
    nullable: true,
    description: 'Most unfinished (queued + running) tasks; null = the default (QUEUE_USER_CAP)',
  })
  @IsOptional()
  @IsInt({ message: 'max_tasks must be an integer between 1 and 1000000, or null' })
  @Min(1, { message: 'max_tasks must be an integer between 1 and 1000000, or null' })
  @Max(1000000, { message: 'max_tasks must be an integer between 1 and 1000000, or null' })
  max_tasks?: number | null;

  @ApiPropertyOptional({ example: 'a-new-long-password', minLength: 8, description: "Also revokes the user's tokens" })
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @MaxLength(256, { message: 'password must be at most 256 characters' })
  password?: string;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the username' })
  @IsOptional()
  @IsString({ message: 'username must be a string' })
  @MaxLength(64, { message: 'username must be at most 64 characters' })
  username?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({ enum: USER_STATUSES })
  @IsOptional()
  @IsIn(USER_STATUSES, { message: `status must be one of: ${USER_STATUSES.join(', ')}` })
  status?: UserStatus;
}

export class UserPageDto extends PageOf(UserDto) {}

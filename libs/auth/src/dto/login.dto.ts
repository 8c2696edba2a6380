import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../users/user.entity';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString({ message: 'username must be a string' })
  @MinLength(1, { message: 'username is required' })
  @MaxLength(64, { message: 'username must be at most 64 characters' })
  username: string;

  @ApiProperty({ example: 'change-me-please' })
  @IsString({ message: 'password must be a string' })
  @MinLength(1, { message: 'password is required' })
  @MaxLength(256, { message: 'password must be at most 256 characters' })
  password: string;
}

export class SessionUserDto {
  @ApiProperty({ example: 1 })
  id: number;

  @ApiProperty({ example: 'admin' })
  username: string;

  @ApiProperty({ enum: ROLES, example: 'admin' })
  role: Role;
}

export class LoginResultDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' })
  access_token: string;

  @ApiProperty({ example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ example: 604800, description: 'Seconds until the token expires' })
  expires_in: number;

  @ApiProperty({ type: SessionUserDto })
  user: SessionUserDto;
}

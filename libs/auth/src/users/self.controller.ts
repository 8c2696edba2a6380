import { Controller, Get, HttpStatus } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiEnvelope, ApiErrors } from '@app/core';
import { Auth, Authenticated, type AuthUser } from '@app/core';
import { UserDto } from '../dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/user')
export class SelfController {
  constructor(private readonly users: UsersService) {}

  @Get('self')
  @Authenticated()
  @ApiOperation({ summary: "The caller's profile and quota balance" })
  @ApiEnvelope(UserDto)
  @ApiErrors(HttpStatus.NOT_FOUND)
  getSelf(@Auth() auth: AuthUser): Promise<UserDto> {
    return this.users.get(auth.id);
  }
}

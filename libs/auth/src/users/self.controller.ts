import { Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
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

  @Post('self/revoke-links')
  @Authenticated()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Revokes every durable media link of the caller's tasks",
    description:
      'For a leak: every link the relay handed out so far (`?sig=…` without `exp`) stops working within 5 s on every ' +
      'instance; fetch answers new ones.',
  })
  @ApiEnvelope(null)
  @ApiErrors(HttpStatus.NOT_FOUND)
  revokeMyLinks(@Auth() auth: AuthUser): Promise<void> {
    return this.users.revokeLinks(auth.id);
  }
}

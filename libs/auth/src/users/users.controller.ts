import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiEnvelope, ApiErrors, Auth, Authenticated, type AuthUser, IdParam } from '@app/core';
import { AdjustQuotaDto } from '@app/billing';
import { CreateUserDto, ListUsersQuery, UpdateUserDto, UserDto, UserPageDto } from '../dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/users')
@Authenticated({ admin: true })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users (admin)' })
  @ApiEnvelope(UserPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listUsers(@Query() query: ListUsersQuery): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiEnvelope(UserDto, { status: HttpStatus.CREATED })
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.CONFLICT)
  createUser(@Auth() auth: AuthUser, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(auth, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user (admin)' })
  @ApiEnvelope(UserDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  getUser(@Param() params: IdParam): Promise<UserDto> {
    return this.users.get(params.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change role, status, balance or password (admin)' })
  @ApiEnvelope(UserDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  updateUser(@Auth() auth: AuthUser, @Param() params: IdParam, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.users.update(auth, params.id, dto);
  }

  @Post(':id/quota')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Add to or take from a balance, with a reason, through the ledger (admin)' })
  @ApiEnvelope(UserDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  adjustUserQuota(@Auth() auth: AuthUser, @Param() params: IdParam, @Body() dto: AdjustQuotaDto): Promise<UserDto> {
    return this.users.adjustQuota(auth, params.id, dto);
  }

  @Post(':id/revoke-links')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Revokes every durable media link of a user's tasks (admin)",
    description: 'Links handed out so far stop working within 5 s on every instance; later answers carry new ones.',
  })
  @ApiEnvelope(null)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  revokeUserLinks(@Param() params: IdParam): Promise<void> {
    return this.users.revokeLinks(params.id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Delete a user (admin); their tokens stop working at once' })
  @ApiEnvelope(null)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  deleteUser(@Auth() auth: AuthUser, @Param() params: IdParam): Promise<void> {
    return this.users.remove(auth, params.id);
  }
}

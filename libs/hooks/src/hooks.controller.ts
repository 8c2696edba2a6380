import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiEnvelope, ApiErrors, Auth, Authenticated, type AuthUser, IdParam, RequestOrigin } from '@app/core';
import {
  HookDeliveryDto,
  HookDeliveryPageDto,
  HookSecretDto,
  HookTestDto,
  KeyHookDto,
  ListHookDeliveriesQuery,
  SetKeyHookDto,
} from './dto/hooks.dto';
import { HooksService } from './hooks.service';

@ApiTags('hooks')
@Controller('api/hooks')
@Authenticated()
export class HooksController {
  constructor(private readonly hooks: HooksService) {}

  @Get('deliveries')
  @ApiOperation({ summary: "Callback deliveries, newest first, with each attempt: the caller's own (an admin sees everyone's)" })
  @ApiEnvelope(HookDeliveryPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listHookDeliveries(@Auth() auth: AuthUser, @Query() query: ListHookDeliveriesQuery): Promise<HookDeliveryPageDto> {
    return this.hooks.list(auth, query);
  }

  @Post('deliveries/:id/redeliver')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Send a delivery again now, with a fresh retry schedule (same X-MJ-Event-Id)' })
  @ApiEnvelope(HookDeliveryDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  redeliverHook(@Auth() auth: AuthUser, @Param() params: IdParam): Promise<HookDeliveryDto> {
    return this.hooks.redeliver(auth, params.id);
  }
}

/** A key's callback settings, beside the key routes of libs/auth. */
@ApiTags('tokens')
@Controller('api/tokens')
@Authenticated()
export class HookKeysController {
  constructor(private readonly hooks: HooksService) {}

  @Put(':id/hook')
  @ApiOperation({ summary: "Set (or, with '', remove) the key's default callback URL; the target is checked now" })
  @ApiEnvelope(KeyHookDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  setTokenHook(@Auth() auth: AuthUser, @Param() params: IdParam, @Body() dto: SetKeyHookDto): Promise<KeyHookDto> {
    return this.hooks.setKeyHook(auth, params.id, dto);
  }

  @Post(':id/hook-secret')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Rotate the key's hook secret; the new one is in this answer only" })
  @ApiEnvelope(HookSecretDto)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  rotateTokenHookSecret(@Auth() auth: AuthUser, @Param() params: IdParam): Promise<HookSecretDto> {
    return this.hooks.rotateSecret(auth, params.id);
  }

  @Post(':id/hook-test')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Send a test event to the key's hook (or to url); watch it in /api/hooks/deliveries" })
  @ApiEnvelope(HookDeliveryDto, { status: HttpStatus.ACCEPTED })
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  testTokenHook(
    @Auth() auth: AuthUser,
    @Param() params: IdParam,
    @Body() dto: HookTestDto,
    @RequestOrigin() origin: string,
  ): Promise<HookDeliveryDto> {
    return this.hooks.sendTest(auth, params.id, dto, origin);
  }
}

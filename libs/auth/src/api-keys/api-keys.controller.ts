import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiEnvelope, ApiErrors, Auth, Authenticated, type AuthUser, IdParam, PageQuery } from '@app/core';
import { ApiKeyPageDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('tokens')
@Controller('api/tokens')
@Authenticated()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: "The caller's API keys for the relay" })
  @ApiEnvelope(ApiKeyPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listTokens(@Auth() auth: AuthUser, @Query() query: PageQuery): Promise<ApiKeyPageDto> {
    return this.keys.list(auth.id, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key; the sk-… key is in this answer only' })
  @ApiEnvelope(CreatedApiKeyDto, { status: HttpStatus.CREATED })
  @ApiErrors(HttpStatus.BAD_REQUEST)
  createToken(@Auth() auth: AuthUser, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(auth.id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  @ApiEnvelope(null)
  @ApiErrors(HttpStatus.BAD_REQUEST, HttpStatus.NOT_FOUND)
  deleteToken(@Auth() auth: AuthUser, @Param() params: IdParam): Promise<void> {
    return this.keys.revoke(auth.id, params.id);
  }
}

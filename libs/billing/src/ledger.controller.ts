import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, type AuthUser } from '@app/core';
import { ApiEnvelope, ApiErrors, PageQuery } from '@app/core';
import { LedgerPageDto, ListLedgerQuery } from './dto/ledger.dto';
import { LedgerService } from './ledger.service';

@ApiTags('billing')
@Controller('api/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @Authenticated({ admin: true })
  @ApiOperation({ summary: 'Every quota movement, newest first (admin)' })
  @ApiEnvelope(LedgerPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listLedger(@Query() query: ListLedgerQuery): Promise<LedgerPageDto> {
    return this.ledger.list(query);
  }

  @Get('self')
  @Authenticated()
  @ApiOperation({ summary: "The caller's own quota movements, newest first" })
  @ApiEnvelope(LedgerPageDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  listMyLedger(@Auth() auth: AuthUser, @Query() query: PageQuery): Promise<LedgerPageDto> {
    return this.ledger.list({ ...query, user_id: auth.id });
  }
}

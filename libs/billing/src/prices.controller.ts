import { Body, Controller, Get, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@app/core';
import { ApiEnvelope, ApiErrors } from '@app/core';
import { PriceActionParam, PriceDto, PriceListDto, SetPriceDto } from './dto/ledger.dto';
import { LedgerService } from './ledger.service';

@ApiTags('billing')
@Controller('api/prices')
export class PricesController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Quota per submit, by action' })
  @ApiEnvelope(PriceListDto)
  listPrices(): Promise<PriceListDto> {
    return this.ledger.prices();
  }

  @Put(':action')
  @Authenticated({ admin: true })
  @ApiOperation({ summary: 'Set the price of an action (admin)' })
  @ApiEnvelope(PriceDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  setPrice(@Param() params: PriceActionParam, @Body() dto: SetPriceDto): Promise<PriceDto> {
    return this.ledger.setPrice(params.action, dto.quota);
  }
}

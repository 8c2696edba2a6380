import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '@app/core';
import { ApiEnvelope, ApiErrors } from '@app/core';
import {
  ModePriceDto,
  ModePriceListDto,
  PriceActionParam,
  PriceDto,
  PriceListDto,
  PriceModeParam,
  PricePreviewDto,
  PricePreviewQuery,
  SetPriceDto,
} from './dto/ledger.dto';
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

  @Get('modes')
  @Authenticated()
  @ApiOperation({ summary: 'Prices per action × speed mode that an admin set (any other cell costs the action’s price)' })
  @ApiEnvelope(ModePriceListDto)
  listModePrices(): Promise<ModePriceListDto> {
    return this.ledger.modePrices();
  }

  @Get('preview')
  @Authenticated()
  @ApiOperation({ summary: 'What a submit of an action in a speed mode will cost' })
  @ApiEnvelope(PricePreviewDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  previewPrice(@Query() query: PricePreviewQuery): Promise<PricePreviewDto> {
    return this.ledger.preview(query.action, query.mode);
  }

  @Put(':action/:mode')
  @Authenticated({ admin: true })
  @ApiOperation({ summary: 'Set the price of an action in one speed mode (admin)' })
  @ApiEnvelope(ModePriceDto)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  setModePrice(@Param() params: PriceModeParam, @Body() dto: SetPriceDto): Promise<ModePriceDto> {
    return this.ledger.setModePrice(params.action, params.mode, dto.quota);
  }

  @Delete(':action/:mode')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ admin: true })
  @ApiOperation({ summary: 'Remove the price of an action in one speed mode: it costs the action’s price again (admin)' })
  @ApiEnvelope(null)
  @ApiErrors(HttpStatus.BAD_REQUEST)
  removeModePrice(@Param() params: PriceModeParam): Promise<void> {
    return this.ledger.removeModePrice(params.action, params.mode);
  }
}

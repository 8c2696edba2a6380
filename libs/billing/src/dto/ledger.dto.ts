import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, NotEquals } from 'class-validator';
import { PageOf, PageQuery, toInteger } from '@app/core';
import { LEDGER_KINDS, type LedgerKind } from '../ledger-entry.entity';
import { DEFAULT_PRICES } from '../prices';

export class LedgerEntryDto {
  @ApiProperty({ example: 12 })
  id: number;

  @ApiProperty({ example: 2 })
  user_id: number;

  @ApiProperty({ example: 41, description: 'The task the movement belongs to; 0 for adjustments' })
  task_id: number;

  @ApiProperty({ enum: LEDGER_KINDS, example: 'hold' })
  kind: LedgerKind;

  @ApiProperty({ example: -50000, description: 'Signed: a debit is negative' })
  amount: number;

  @ApiProperty({ example: 450000, description: 'The balance right after this movement' })
  balance_after: number;

  @ApiProperty({ example: 'IMAGINE submitted' })
  reason: string;

  @ApiProperty({ example: 1, description: 'The admin who made an adjustment; 0 otherwise' })
  actor_id: number;

  @ApiProperty({ example: 1764061200, description: 'Unix seconds' })
  created_at: number;
}

export class LedgerPageDto extends PageOf(LedgerEntryDto) {}

/** @IsInt comes last in each field: decorators apply bottom-up, so `user_id=x` is told it must be an integer. */
export class ListLedgerQuery extends PageQuery {
  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @Transform(toInteger)
  @Min(1, { message: 'user_id must be an integer >= 1' })
  @Max(2147483647, { message: 'user_id is out of range' })
  @IsInt({ message: 'user_id must be an integer >= 1' })
  user_id?: number;

  @ApiPropertyOptional({ example: 41 })
  @IsOptional()
  @Transform(toInteger)
  @Min(1, { message: 'task_id must be an integer >= 1' })
  @Max(2147483647, { message: 'task_id is out of range' })
  @IsInt({ message: 'task_id must be an integer >= 1' })
  task_id?: number;

  @ApiPropertyOptional({ enum: LEDGER_KINDS })
  @IsOptional()
  @IsIn(LEDGER_KINDS, { message: `kind must be one of: ${LEDGER_KINDS.join(', ')}` })
  kind?: LedgerKind;
}

export class AdjustQuotaDto {
  @ApiProperty({ example: 1000000, description: 'Signed amount to add (negative to take away)' })
  @NotEquals(0, { message: 'amount must be a non-zero integer' })
  @Min(-Number.MAX_SAFE_INTEGER, { message: 'amount is out of range' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'amount is out of range' })
  @IsInt({ message: 'amount must be a non-zero integer' })
  amount: number;

  @ApiProperty({ example: 'top-up, invoice 2026-114' })
  @IsString({ message: 'reason must be a string' })
  @MinLength(1, { message: 'reason is required' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  reason: string;
}

export class BalanceDto {
  @ApiProperty({ example: 1500000 })
  quota: number;
}

export class PriceDto {
  @ApiProperty({ example: 'IMAGINE' })
  action: string;

  @ApiProperty({ example: 50000, description: 'Quota per submit' })
  quota: number;

  @ApiProperty({ example: false, description: 'Whether an admin set it (else the default)' })
  custom: boolean;
}

export class PriceListDto {
  @ApiProperty({ type: [PriceDto] })
  items: PriceDto[];
}

export class SetPriceDto {
  @ApiProperty({ example: 60000 })
  @Min(0, { message: 'quota must be an integer >= 0' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'quota is out of range' })
  @IsInt({ message: 'quota must be an integer >= 0' })
  quota: number;
}

export class PriceActionParam {
  @ApiProperty({ example: 'IMAGINE' })
  // Only actions the gateway bills: a typo would otherwise become a price nothing ever charges.
  @IsIn(Object.keys(DEFAULT_PRICES), { message: `action must be one of: ${Object.keys(DEFAULT_PRICES).join(', ')}` })
  action: string;
}

export const PRICE_MODES = ['fast', 'relax', 'turbo'] as const;

export class ModePriceDto {
  @ApiProperty({ example: 'IMAGINE' })
  action: string;

  @ApiProperty({ enum: PRICE_MODES, example: 'relax' })
  mode: string;

  @ApiProperty({ example: 30000, description: 'Quota per submit in this mode' })
  quota: number;
}

export class ModePriceListDto {
  @ApiProperty({ type: [ModePriceDto], description: 'The cells an admin set; any other action × mode costs the action’s price' })
  items: ModePriceDto[];
}

export class PriceModeParam extends PriceActionParam {
  @ApiProperty({ enum: PRICE_MODES, example: 'relax' })
  @IsIn(PRICE_MODES, { message: `mode must be one of: ${PRICE_MODES.join(', ')}` })
  mode: string;
}

export class PricePreviewQuery {
  @ApiProperty({ example: 'IMAGINE' })
  @IsIn(Object.keys(DEFAULT_PRICES), { message: `action must be one of: ${Object.keys(DEFAULT_PRICES).join(', ')}` })
  action: string;

  @ApiProperty({ enum: PRICE_MODES, example: 'relax' })
  @IsIn(PRICE_MODES, { message: `mode must be one of: ${PRICE_MODES.join(', ')}` })
  mode: string;
}

export class PricePreviewDto {
  @ApiProperty({ example: 'IMAGINE' })
  action: string;

  @ApiProperty({ enum: PRICE_MODES, example: 'relax' })
  mode: string;

  @ApiProperty({ example: 30000, description: 'What a submit of this action in this mode holds now' })
  price: number;
}

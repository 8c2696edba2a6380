import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { BillingService } from './billing.service';
import { LedgerEntry } from './ledger-entry.entity';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';
import { PricesController } from './prices.controller';

@Module({
  imports: [MikroOrmModule.forFeature([LedgerEntry])],
  controllers: [LedgerController, PricesController],
  providers: [BillingService, LedgerService],
  exports: [BillingService],
})
export class BillingModule {}

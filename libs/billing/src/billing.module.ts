import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { BillingService } from './billing.service';
import { LedgerEntry } from './ledger-entry.entity';

@Module({
  imports: [MikroOrmModule.forFeature([LedgerEntry])],
  providers: [BillingService],
  exports: [BillingService],
})
export class BillingModule {}

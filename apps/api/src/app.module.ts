import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { BillingModule } from '@app/billing';
import { CoreModule } from '@app/core';
import { MjModule } from '@app/mj';

/** Wires the feature libraries; each owns its routes. */
@Module({
  imports: [CoreModule, AuthModule, BillingModule, MjModule],
})
export class AppModule {}

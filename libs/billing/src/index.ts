export * from './billing.module';
export * from './billing.service';
export * from './ledger-entry.entity';

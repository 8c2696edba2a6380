export * from './billing.errors';
export * from './billing.module';
export * from './billing.service';
export * from './ledger-entry.entity';
export * from './prices';
export * from './dto/ledger.dto';

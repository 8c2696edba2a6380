export * from './auth.module';
export * from './auth.guard';
export * from './config/auth.config';
export * from './users/user.entity';
export * from './users/users.service';
export * from './users/password';
export * from './api-keys/api-key.entity';
export * from './api-keys/api-keys.service';

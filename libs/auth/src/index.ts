export * from './auth.module';
export * from './auth.guard';
export * from './authenticated.decorator';
export * from './config/auth.config';
export * from './users/user.entity';
export * from './users/users.service';
export * from './users/password';

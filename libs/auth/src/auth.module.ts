import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { BillingModule } from '@app/billing';
import { ApiKey } from './api-keys/api-key.entity';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AdminBootstrap } from './admin-bootstrap.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { Secrets } from '@app/core';
import { authConfig } from './config/auth.config';
import { JwtStrategy } from './jwt.strategy';
import { LoginRateLimitGuard } from './login-rate-limit.guard';
import { SelfController } from './users/self.controller';
import { User } from './users/user.entity';
import { UserLookup } from './users/user-lookup';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

@Module({
  imports: [
    ConfigModule.forFeature(authConfig),
    MikroOrmModule.forFeature([User, ApiKey]),
    BillingModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [Secrets],
      useFactory: (secrets: Secrets) => ({
        secret: secrets.keyFor('jwt'),
        signOptions: { algorithm: 'HS256' },
      }),
    }),
  ],
  controllers: [AuthController, SelfController, UsersController, ApiKeysController],
  providers: [
    AuthService,
    ApiKeysService,
    UsersService,
    UserLookup,
    JwtStrategy,
    AdminBootstrap,
    LoginRateLimitGuard,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UsersService, UserLookup, ApiKeysService],
})
export class AuthModule {}

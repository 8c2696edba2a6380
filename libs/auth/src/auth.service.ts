import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { authConfig } from './config/auth.config';
import { LoginDto, LoginResultDto } from './dto/login.dto';
import type { TokenClaims } from './jwt.strategy';
import { setPasswordHashConcurrency, verifyPassword } from './users/password';
import { UserRepository } from './users/user.repository';

// Verifying against a real hash when the user is unknown keeps the answer time the same either way.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$OoSs4puqL/zbGXbU8KzlsA$/WHIWt7NRd8LgeO8eXfIZia6h9br6NFU/U5PNvIuuZs';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {
    setPasswordHashConcurrency(config.passwordHashConcurrency);
  }

  async login(dto: LoginDto): Promise<LoginResultDto> {
    const user = await this.users.findActiveByUsername(dto.username);
    const valid = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, dto.password);
    if (!user || !valid) throw new UnauthorizedException('Wrong username or password');
    if (user.status !== 'enabled') throw new UnauthorizedException('This user is disabled');
    const claims: TokenClaims = { sub: user.id, tv: user.tokenVersion };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.jwtExpiresInSeconds });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.config.jwtExpiresInSeconds,
      user: { id: user.id, username: user.username, role: user.role },
    };
  }
}

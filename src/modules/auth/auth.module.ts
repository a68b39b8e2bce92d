import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/configuration';
import { OutboxModule } from '../outbox/outbox.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenVerifier } from './access-token-verifier';
import { AUTH_THROTTLERS, AuthThrottlerGuard, emailTracker } from './auth-throttler.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthResolver } from './graphql/auth.resolver';
import { RefreshCookie } from './refresh-cookie';
import { resolveJwtKeys } from './jwt-keys';
import { RateLimitStorage } from './rate-limit.storage';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RolesGuard } from './roles.guard';
import { SessionsService } from './sessions.service';
import { SessionTokens } from './session-tokens';
import { SessionRegistry } from './sessions/session-registry';
import { SessionEntity } from './sessions/session.entity';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsResolver } from './sessions/sessions.resolver';
import { RecoveryCodeEntity } from './two-factor/recovery-code.entity';
import { SecretBox } from './two-factor/secret-box';
import { TwoFactorChallengeEntity } from './two-factor/two-factor-challenge.entity';
import { TwoFactorController } from './two-factor/two-factor.controller';
import { TwoFactorEntity } from './two-factor/two-factor.entity';
import { TwoFactorLogin } from './two-factor/two-factor-login.service';
import { TwoFactorRepository } from './two-factor/two-factor.repository';
import { TwoFactorService } from './two-factor/two-factor.service';

@Module({
  imports: [
    UsersModule,
    OutboxModule,
    TypeOrmModule.forFeature([
      RefreshTokenEntity,
      SessionEntity,
      TwoFactorEntity,
      RecoveryCodeEntity,
      TwoFactorChallengeEntity,
    ]),
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const jwt = config.get('jwt', { infer: true });
        const keys = resolveJwtKeys({ jwt, dataDir: config.get('dataDir', { infer: true }) });
        return {
          privateKey: keys.signingKey,
          publicKey: keys.verificationKey,
          signOptions: {
            algorithm: keys.algorithm,
            issuer: jwt.issuer,
            audience: jwt.audience,
            expiresIn: jwt.accessTtlSeconds,
          },
          verifyOptions: {
            algorithms: [keys.algorithm],
            issuer: jwt.issuer,
            audience: jwt.audience,
          },
        };
      },
    }),
    ThrottlerModule.forRootAsync({
      inject: [ConfigService, RateLimitStorage],
      useFactory: (config: ConfigService<AppConfig, true>, storage: RateLimitStorage) => {
        const { rateLimit, rateWindowSeconds } = config.get('auth', { infer: true });
        const ttl = rateWindowSeconds * 1000;
        return {
          storage,
          throttlers: [
            { name: AUTH_THROTTLERS.ip, limit: rateLimit, ttl },
            { name: AUTH_THROTTLERS.email, limit: rateLimit, ttl, getTracker: emailTracker },
          ],
        };
      },
    }),
  ],
  controllers: [AuthController, SessionsController, TwoFactorController],
  providers: [
    AuthService,
    SessionsService,
    AccessTokenVerifier,
    RefreshTokensRepository,
    SessionsRepository,
    SessionRegistry,
    SessionTokens,
    SecretBox,
    TwoFactorRepository,
    TwoFactorService,
    TwoFactorLogin,
    AuthThrottlerGuard,
    RefreshCookie,
    AuthResolver,
    SessionsResolver,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AccessTokenVerifier],
})
export class AuthModule {}

import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/configuration';
import { UsersModule } from '../users/users.module';
import { AccessTokenVerifier } from './access-token-verifier';
import { AUTH_THROTTLERS, AuthThrottlerGuard, emailTracker } from './auth-throttler.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JWT_KEYS, JwtKeys, resolveJwtKeys } from './jwt-keys';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { RateLimitModule } from './rate-limit.module';
import { RateLimitStorage } from './rate-limit.storage';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RolesGuard } from './roles.guard';

const jwtKeysProvider = {
  provide: JWT_KEYS,
  inject: [ConfigService],
  useFactory: (config: ConfigService<AppConfig, true>): JwtKeys =>
    resolveJwtKeys({
      jwt: config.get('jwt', { infer: true }),
      dataDir: config.get('dataDir', { infer: true }),
    }),
};

@Module({
  imports: [
    UsersModule,
    PassportModule,
    TypeOrmModule.forFeature([RefreshTokenEntity]),
    JwtModule.registerAsync({
      extraProviders: [jwtKeysProvider],
      inject: [JWT_KEYS, ConfigService],
      useFactory: (keys: JwtKeys, config: ConfigService<AppConfig, true>) => {
        const jwt = config.get('jwt', { infer: true });
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
      imports: [RateLimitModule],
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
  controllers: [AuthController],
  providers: [
    jwtKeysProvider,
    AuthService,
    AccessTokenVerifier,
    RefreshTokensRepository,
    JwtStrategy,
    AuthThrottlerGuard,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AccessTokenVerifier],
})
export class AuthModule {}

import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { JwtService } from '@nestjs/jwt';
import { AuthUser } from '../../common/auth/role';
import { AppConfig, loadConfig } from '../../config/configuration';
import type { TransactionRunner } from '../../database/transaction-runner';
import type { NewOutboxEvent } from '../outbox/outbox.event';
import type { OutboxRepository } from '../outbox/outbox.repository';
import type { SessionsCutOff } from '../users/sessions-cut-off';
import { ActiveAccount, UsersService } from '../users/users.service';
import { AuthService, isChallenge, type LoginResult } from './auth.service';
import { TokensDto } from './dto/auth.dto';
import { RefreshTokenEntity } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionTokens } from './session-tokens';
import { SessionsService } from './sessions.service';
import type { SessionRegistry } from './sessions/session-registry';
import type { TwoFactorLogin } from './two-factor/two-factor-login.service';

/** Session rows kept in memory: which are live. */
class FakeSessionRegistry {
  readonly live = new Map<string, string>();
  open(input: { id: string; userId: string }): Promise<void> {
    this.live.set(input.id, input.userId);
    return Promise.resolve();
  }
  touch(): Promise<void> {
    return Promise.resolve();
  }
  endIn(_m: EntityManager, id: string): Promise<void> {
    this.live.delete(id);
    return Promise.resolve();
  }
  forget(): Promise<void> {
    return Promise.resolve();
  }
  isLive(id: string, userId: string): Promise<boolean> {
    return Promise.resolve(this.live.get(id) === userId);
  }
}

const client = { ip: '203.0.113.7', userAgent: 'jest' };

const tokensOf = (result: LoginResult): TokensDto => {
  if (isChallenge(result)) throw new Error('unexpected two-factor challenge');
  return result;
};

/** In-memory stand-in with the same conditional semantics as the SQL repository. */
class FakeRefreshTokens implements Pick<RefreshTokensRepository, keyof RefreshTokensRepository> {
  rows: RefreshTokenEntity[] = [];
  findByHash(hash: string): Promise<RefreshTokenEntity | null> {
    return Promise.resolve(this.rows.find((r) => r.tokenHash === hash) ?? null);
  }
  insert(token: RefreshTokenEntity): Promise<void> {
    this.rows.push({ ...token });
    return Promise.resolve();
  }
  markUsedIfFresh(id: string, at: Date): Promise<boolean> {
    const row = this.rows.find((r) => r.id === id && !r.usedAt && !r.revokedAt);
    if (row) row.usedAt = at;
    return Promise.resolve(Boolean(row));
  }
  revokeFamily(_m: EntityManager, familyId: string, at: Date): Promise<number> {
    const open = this.rows.filter((r) => r.familyId === familyId && !r.revokedAt);
    open.forEach((r) => (r.revokedAt = at));
    return Promise.resolve(open.length);
  }
  countRevoked(_m: EntityManager, familyId: string): Promise<number> {
    return Promise.resolve(this.rows.filter((r) => r.familyId === familyId && r.revokedAt).length);
  }
  openFamiliesOf(_m: EntityManager, userId: string): Promise<string[]> {
    const open = this.rows.filter((r) => r.userId === userId && !r.revokedAt);
    return Promise.resolve([...new Set(open.map((r) => r.familyId))]);
  }
}

/** Runs the unit of work at once; the fake repositories ignore the manager. */
const inline = {
  run: <T>(work: (m: EntityManager) => Promise<T>) => work({} as EntityManager),
} as TransactionRunner;

const alice: AuthUser = {
  id: '3f1c1f1e-2f47-4f8e-9d4b-6c1f0a6f8b11',
  email: 'alice@example.test',
  role: 'user',
};

describe('AuthService and its sessions', () => {
  let tokens: FakeRefreshTokens;
  let appended: NewOutboxEvent[];
  let accounts: Map<string, ActiveAccount>;
  let service: AuthService;
  let config: AppConfig;

  beforeEach(() => {
    config = loadConfig({ JWT_SECRET: 's'.repeat(40), REFRESH_TOKEN_TTL: '3600' });
    tokens = new FakeRefreshTokens();
    appended = [];
    let attached: SessionsCutOff | null = null;
    accounts = new Map([[alice.id, { user: alice, sessionsValidAfter: null }]]);
    const users = {
      verifyCredentials: (email: string, password: string) =>
        Promise.resolve(email === alice.email && password === 'right-password' ? alice : null),
      findActiveAccount: (id: string) => Promise.resolve(accounts.get(id) ?? null),
      attachSessions: (sessions: SessionsCutOff) => (attached = sessions),
      cutOffSessions: async (id: string) => {
        const account = accounts.get(id);
        if (account) account.sessionsValidAfter = Date.now();
        await attached?.endAllIn({} as EntityManager, id, new Date(), 'logout-all');
      },
    } as unknown as UsersService;
    const jwt = new JwtService({
      secret: config.jwt.secret ?? '',
      signOptions: { expiresIn: 900 },
    });
    const settings = new ConfigService<AppConfig, true>(config);
    const sessions = new SessionsService(
      users,
      tokens as unknown as RefreshTokensRepository,
      inline,
      {
        append: (_m: EntityManager, event: NewOutboxEvent) => {
          appended.push(event);
          return Promise.resolve();
        },
      } as unknown as OutboxRepository,
      new FakeSessionRegistry() as unknown as SessionRegistry,
      settings,
    );
    const twoFactorOff = { challengeFor: () => Promise.resolve(null) } as unknown as TwoFactorLogin;
    service = new AuthService(
      users,
      sessions,
      new SessionTokens(sessions, jwt, settings),
      twoFactorOff,
      settings,
    );
  });

  const signIn = async (): Promise<TokensDto> =>
    tokensOf(await service.login(alice.email, 'right-password', client));
  const refusedRefresh = (refreshToken: string): Promise<void> =>
    expect(service.refresh(refreshToken, client)).rejects.toMatchObject({
      code: 'refresh_token_invalid',
    });

  it('login stores only a hash of the refresh token', async () => {
    const issued = await signIn();
    expect(tokens.rows).toHaveLength(1);
    expect(tokens.rows[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(tokens.rows)).not.toContain(issued.refreshToken);
    expect(issued.refreshExpiresIn).toBe(3600);
  });

  it('login refuses wrong credentials with invalid_credentials', async () => {
    await expect(service.login(alice.email, 'wrong', client)).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    await expect(
      service.login('nobody@example.test', 'right-password', client),
    ).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
  });

  it('refresh rotates within the same family and marks the old token used', async () => {
    const first = await signIn();
    const second = await service.refresh(first.refreshToken, client);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(tokens.rows).toHaveLength(2);
    expect(new Set(tokens.rows.map((r) => r.familyId)).size).toBe(1);
    expect(tokens.rows[0]?.usedAt).toBeInstanceOf(Date);
  });

  it('reuse of a used token revokes every token of the family', async () => {
    const first = await signIn();
    const second = await service.refresh(first.refreshToken, client);
    await refusedRefresh(first.refreshToken);
    expect(tokens.rows.every((r) => r.revokedAt instanceof Date)).toBe(true);
    await refusedRefresh(second.refreshToken);
    // One event for the family: the second refusal found nothing left to revoke.
    expect(appended).toEqual([
      {
        type: 'session.revoked',
        aggregateId: tokens.rows[0]?.familyId,
        version: 2,
        payload: { familyId: tokens.rows[0]?.familyId, userId: alice.id, reason: 'reuse-detected' },
      },
    ]);
  });

  it('refuses an expired refresh token', async () => {
    const first = await signIn();
    const row = tokens.rows[0];
    if (row) row.expiresAt = new Date(Date.now() - 1000);
    await refusedRefresh(first.refreshToken);
  });

  it('refuses refresh for a deactivated user and ends the family', async () => {
    const first = await signIn();
    accounts.delete(alice.id);
    await refusedRefresh(first.refreshToken);
    expect(tokens.rows[0]?.revokedAt).toBeInstanceOf(Date);
  });

  it('logout revokes only the presented family; logout-all revokes every family', async () => {
    const a = await signIn();
    const b = await signIn();
    await service.logout(a.refreshToken);
    await refusedRefresh(a.refreshToken);
    const b2 = await service.refresh(b.refreshToken, client);
    await service.logoutAll(alice);
    await refusedRefresh(b2.refreshToken);
    const [familyA, familyB] = [tokens.rows[0]?.familyId, tokens.rows[1]?.familyId];
    expect(appended.map((e) => [e.aggregateId, e.version, e.payload])).toEqual([
      [familyA, 1, { familyId: familyA, userId: alice.id, reason: 'logout' }],
      [familyB, 2, { familyId: familyB, userId: alice.id, reason: 'logout-all' }],
    ]);
    expect(JSON.stringify(appended)).not.toMatch(/tokenHash|[0-9a-f]{64}/);
  });

  it('refuses a refresh token issued before the sessions cut-off and ends its family', async () => {
    const first = await signIn();
    const row = tokens.rows[0];
    if (row) row.createdAt = new Date(Date.now() - 60_000);
    accounts.set(alice.id, { user: alice, sessionsValidAfter: Date.now() - 1000 });
    await refusedRefresh(first.refreshToken);
    expect(tokens.rows[0]?.revokedAt).toBeInstanceOf(Date);
  });

  it('logout-all moves the sessions cut-off as well as revoking refresh tokens', async () => {
    await signIn();
    await service.logoutAll(alice);
    expect(accounts.get(alice.id)?.sessionsValidAfter).toEqual(expect.any(Number));
    expect(tokens.rows.every((r) => r.revokedAt instanceof Date)).toBe(true);
  });

  it('logout without a token does nothing', async () => {
    await signIn();
    await service.logout(undefined);
    expect(tokens.rows[0]?.revokedAt).toBeNull();
  });

  it('access tokens carry the user id as sub and expire', async () => {
    const issued = await signIn();
    const claims = new JwtService().decode<{ sub: string; exp: number; iat: number }>(
      issued.accessToken,
    );
    expect(claims.sub).toBe(alice.id);
    expect(claims.exp - claims.iat).toBe(900);
  });
});

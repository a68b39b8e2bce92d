import { ConfigService } from '@nestjs/config';
import { JwtService, JwtSignOptions } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { AuthUser } from '../../common/auth/role';
import { AppConfig, loadConfig } from '../../config/configuration';
import type { TransactionRunner } from '../../database/transaction-runner';
import type { OutboxRepository } from '../outbox/outbox.repository';
import { ActiveAccount, UsersService } from '../users/users.service';
import { AccessTokenVerifier } from './access-token-verifier';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionsService } from './sessions.service';
import type { SessionRegistry } from './sessions/session-registry';

const alice: AuthUser = {
  id: '6b0f7a52-8c1e-4d7a-9f3b-2a4c5d6e7f80',
  email: 'alice@example.test',
  role: 'user',
};

const config: AppConfig = loadConfig({ JWT_SECRET: 'k'.repeat(40) });
const { issuer, audience } = config.jwt;
const secret = config.jwt.secret ?? '';
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Signs claims as Keel does (valid for 300 s unless the claims set `exp`), with any option
 * overridden: another key, issuer, audience or algorithm.
 */
function sign(claims: Record<string, unknown>, options: JwtSignOptions = {}): string {
  const lifetime = 'exp' in claims ? {} : { expiresIn: 300 };
  return new JwtService().sign(claims, {
    secret,
    algorithm: 'HS256',
    issuer,
    audience,
    ...lifetime,
    ...options,
  });
}

const withoutExp = (): string =>
  new JwtService().sign({ sub: alice.id }, { secret, algorithm: 'HS256', issuer, audience });

describe('AccessTokenVerifier', () => {
  let accounts: Map<string, ActiveAccount>;
  let verifier: AccessTokenVerifier;

  let liveSessions: Set<string>;

  beforeEach(() => {
    liveSessions = new Set(['live-session']);
    accounts = new Map([[alice.id, { user: alice, sessionsValidAfter: null }]]);
    const users = {
      findActiveAccount: (id: string) => Promise.resolve(accounts.get(id) ?? null),
      attachSessions: () => undefined,
    } as unknown as UsersService;
    const sessions = new SessionsService(
      users,
      {} as RefreshTokensRepository,
      {} as TransactionRunner,
      {} as OutboxRepository,
      {
        isLive: (id: string, userId: string) =>
          Promise.resolve(userId === alice.id && liveSessions.has(id)),
      } as unknown as SessionRegistry,
      new ConfigService<AppConfig, true>(config),
    );
    const jwt = new JwtService({
      secret,
      verifyOptions: { algorithms: ['HS256'], issuer, audience },
    });
    verifier = new AccessTokenVerifier(jwt, sessions);
  });

  it('accepts a valid token with its user, iat and exp', async () => {
    const iat = nowSeconds();
    const check = await verifier.verify(sign({ sub: alice.id, iat }));
    expect(check).toEqual({ ok: true, user: alice, issuedAt: iat, expiresAt: iat + 300 });
  });

  it('tells an expired token apart from an invalid one', async () => {
    const expired = sign({ sub: alice.id, exp: nowSeconds() - 10 });
    expect(await verifier.verify(expired)).toEqual({ ok: false, reason: 'token_expired' });
  });

  it.each<[string, () => string]>([
    ['another key', () => sign({ sub: alice.id }, { secret: randomBytes(32).toString('hex') })],
    ['another issuer', () => sign({ sub: alice.id }, { issuer: 'someone-else' })],
    ['another audience', () => sign({ sub: alice.id }, { audience: 'someone-else' })],
    ['another algorithm', () => sign({ sub: alice.id }, { algorithm: 'HS512' })],
    ['no exp', withoutExp],
    ['no iat', () => sign({ sub: alice.id, exp: nowSeconds() + 60 }, { noTimestamp: true })],
    ['a sub that is not a string', () => sign({ sub: 42 })],
    ['an unknown user', () => sign({ sub: '00000000-0000-4000-8000-000000000000' })],
    ['garbage', () => 'not.a.token'],
  ])('refuses a token with %s as unauthorized', async (_label, token) => {
    expect(await verifier.verify(token())).toEqual({ ok: false, reason: 'unauthorized' });
  });

  it('refuses a token of a deactivated account', async () => {
    const token = sign({ sub: alice.id });
    accounts.delete(alice.id);
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'unauthorized' });
    expect(await verifier.recheck(alice, nowSeconds())).toBeNull();
  });

  it('compares iat with the sessions cut-off in whole seconds', async () => {
    const iat = nowSeconds() - 5;
    const token = sign({ sub: alice.id, iat });
    // A cut-off later within the same second as iat: the token may have been issued after it.
    accounts.set(alice.id, { user: alice, sessionsValidAfter: iat * 1000 + 999 });
    expect(await verifier.verify(token)).toMatchObject({ ok: true });
    expect(await verifier.recheck(alice, iat)).toEqual(alice);
    accounts.set(alice.id, { user: alice, sessionsValidAfter: (iat + 1) * 1000 });
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'unauthorized' });
    expect(await verifier.recheck(alice, iat)).toBeNull();
  });

  it('accepts a token of a live session with its session id, and refuses it once the session ended', async () => {
    const iat = nowSeconds();
    const token = sign({ sub: alice.id, iat, sid: 'live-session' });
    const withSession = { ...alice, sessionId: 'live-session' };
    expect(await verifier.verify(token)).toEqual({
      ok: true,
      user: withSession,
      issuedAt: iat,
      expiresAt: iat + 300,
    });
    expect(await verifier.recheck(withSession, iat)).toEqual(withSession);
    liveSessions.delete('live-session');
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'unauthorized' });
    expect(await verifier.recheck(withSession, iat)).toBeNull();
  });

  it('refuses a token whose sid is not a string', async () => {
    expect(await verifier.verify(sign({ sub: alice.id, sid: 42 }))).toEqual({
      ok: false,
      reason: 'unauthorized',
    });
  });

  describe('authenticate (an Authorization header)', () => {
    it.each(['Bearer', 'bearer', 'BEARER'])(
      'reads the token after the %s scheme',
      async (scheme) => {
        const check = await verifier.authenticate(`${scheme} ${sign({ sub: alice.id })}`);
        expect(check).toMatchObject({ ok: true, user: alice });
      },
    );

    it.each<[string, (token: string) => unknown]>([
      ['no header', () => undefined],
      ['a token without a scheme', (token) => token],
      ['another scheme', (token) => `Basic ${token}`],
      ['an empty Bearer', () => 'Bearer '],
      ['a repeated header', (token) => [`Bearer ${token}`]],
    ])('refuses %s as unauthorized', async (_label, header) => {
      const check = await verifier.authenticate(header(sign({ sub: alice.id })));
      expect(check).toEqual({ ok: false, reason: 'unauthorized' });
    });

    it('requireUser answers the user, or token_expired / token_invalid', async () => {
      await expect(verifier.requireUser(`Bearer ${sign({ sub: alice.id })}`)).resolves.toEqual(
        alice,
      );
      const expired = sign({ sub: alice.id, exp: nowSeconds() - 10 });
      await expect(verifier.requireUser(`Bearer ${expired}`)).rejects.toMatchObject({
        code: 'token_expired',
      });
      await expect(verifier.requireUser(undefined)).rejects.toMatchObject({
        code: 'token_invalid',
      });
    });
  });
});

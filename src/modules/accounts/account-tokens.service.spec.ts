import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AccountTokenEntity } from './account-token.entity';
import { AccountTokenInvalid } from './account.exceptions';
import type { AccountTokensRepository } from './account-tokens.repository';
import { AccountTokensService } from './account-tokens.service';

/** The repository's contract in memory: spendIfUsable is the conditional UPDATE. */
class FakeTokens {
  readonly rows: AccountTokenEntity[] = [];

  insert(token: AccountTokenEntity): Promise<void> {
    this.rows.push({ ...token });
    return Promise.resolve();
  }

  findByHash(_m: EntityManager, hash: string): Promise<AccountTokenEntity | null> {
    return Promise.resolve(this.rows.find((r) => r.tokenHash === hash) ?? null);
  }

  spendIfUsable(_m: EntityManager, id: string, now: Date): Promise<boolean> {
    const row = this.rows.find((r) => r.id === id);
    if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime())
      return Promise.resolve(false);
    row.usedAt = now;
    return Promise.resolve(true);
  }

  spendOthers(
    _m: EntityManager,
    token: { userId: string; purpose: string; id: string },
    now: Date,
  ): Promise<void> {
    for (const r of this.rows) {
      if (
        r.userId === token.userId &&
        r.purpose === token.purpose &&
        r.id !== token.id &&
        !r.usedAt
      )
        r.usedAt = now;
    }
    return Promise.resolve();
  }
}

describe('AccountTokensService', () => {
  const m = {} as EntityManager;
  let fake: FakeTokens;
  let tokens: AccountTokensService;

  beforeEach(() => {
    fake = new FakeTokens();
    tokens = new AccountTokensService(fake as unknown as AccountTokensRepository);
  });

  const issue = (purpose: AccountTokenEntity['purpose'] = 'password-reset', ttlSeconds = 3600) =>
    tokens.issue({ purpose, userId: 'u1', ttlSeconds });

  it('issues 32 random bytes as base64url and stores only their SHA-256', async () => {
    const token = await issue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await issue()).not.toBe(token);
    expect(fake.rows[0]?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(fake.rows)).not.toContain(token);
  });

  it('spends a token once, for its purpose only', async () => {
    const token = await issue('password-reset');
    await expect(
      tokens.spend(m, { purpose: 'verify-email', token, now: new Date() }),
    ).rejects.toBeInstanceOf(AccountTokenInvalid);
    await expect(
      tokens.spend(m, { purpose: 'password-reset', token, now: new Date() }),
    ).resolves.toEqual({ userId: 'u1', newEmail: null });
    await expect(
      tokens.spend(m, { purpose: 'password-reset', token, now: new Date() }),
    ).rejects.toBeInstanceOf(AccountTokenInvalid);
  });

  it('refuses an expired token and an unknown one', async () => {
    const token = await issue('password-reset', 60);
    const later = new Date(Date.now() + 61_000);
    await expect(
      tokens.spend(m, { purpose: 'password-reset', token, now: later }),
    ).rejects.toBeInstanceOf(AccountTokenInvalid);
    await expect(
      tokens.spend(m, { purpose: 'password-reset', token: 'x'.repeat(43), now: new Date() }),
    ).rejects.toBeInstanceOf(AccountTokenInvalid);
  });

  it('using one token spends the user’s other tokens of that purpose, not of others', async () => {
    const first = await issue('password-reset');
    const second = await issue('password-reset');
    const verify = await issue('verify-email');
    await tokens.spend(m, { purpose: 'password-reset', token: second, now: new Date() });
    await expect(
      tokens.spend(m, { purpose: 'password-reset', token: first, now: new Date() }),
    ).rejects.toBeInstanceOf(AccountTokenInvalid);
    await expect(
      tokens.spend(m, { purpose: 'verify-email', token: verify, now: new Date() }),
    ).resolves.toMatchObject({ userId: 'u1' });
  });
});

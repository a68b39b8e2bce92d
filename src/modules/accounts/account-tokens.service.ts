import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AccountTokenEntity } from './account-token.entity';
import type { AccountTokenPurpose } from './account-token-purpose';
import { AccountTokenInvalid } from './account.exceptions';
import { AccountTokensRepository } from './account-tokens.repository';

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/** A spent token: whose it was and, for email-change, the address it confirms. */
export interface SpentToken {
  userId: string;
  newEmail: string | null;
}

/**
 * The tokens mailed as links: 32 random bytes (base64url), stored only as their SHA-256, one
 * purpose each, single use, short-lived. The rules of a token live here and nowhere else.
 */
@Injectable()
export class AccountTokensService {
  constructor(private readonly tokens: AccountTokensRepository) {}

  /** Issues a token and returns it; only its hash is kept. */
  async issue(input: {
    purpose: AccountTokenPurpose;
    userId: string;
    ttlSeconds: number;
    newEmail?: string;
  }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.tokens.insert(
      Object.assign(new AccountTokenEntity(), {
        id: randomUUID(),
        purpose: input.purpose,
        userId: input.userId,
        tokenHash: sha256(token).toString('hex'),
        newEmail: input.newEmail ?? null,
        expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
        usedAt: null,
        createdAt: now,
      }),
    );
    return token;
  }

  /**
   * Spends a token for `purpose` in the caller's transaction (the change it authorises rolls back
   * with it). Unknown, expired, used or other-purpose tokens all throw AccountTokenInvalid.
   */
  async spend(
    m: EntityManager,
    input: { purpose: AccountTokenPurpose; token: string; now: Date },
  ): Promise<SpentToken> {
    const hash = sha256(input.token);
    const found = await this.tokens.findByHash(m, hash.toString('hex'));
    // The row was found by its hash; comparing again in constant time costs nothing and keeps the
    // check independent of how the database compares strings.
    if (!found || !timingSafeEqual(Buffer.from(found.tokenHash, 'hex'), hash)) {
      throw new AccountTokenInvalid();
    }
    if (found.purpose !== input.purpose) throw new AccountTokenInvalid();
    if (!(await this.tokens.spendIfUsable(m, found.id, input.now))) {
      throw new AccountTokenInvalid();
    }
    await this.tokens.spendOthers(m, found, input.now);
    return { userId: found.userId, newEmail: found.newEmail };
  }
}

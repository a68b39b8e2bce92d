import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppCache } from '../../cache/app-cache.service';
import { AuthUser, Role } from '../../common/auth/role';
import type { AppConfig } from '../../config/configuration';
import { isForeignKeyViolation, isUniqueViolation } from '../../database/query-errors';
import { TransactionRunner } from '../../database/transaction-runner';
import { OutboxRepository } from '../outbox/outbox.repository';
import { Page } from '../../common/pagination/cursor';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import type { UserProfileDto } from './dto/user-profile.dto';
import { UserDto } from './dto/user.dto';
import { PasswordHasher } from './password-hasher.service';
import { toUserDto } from './user.mapper';
import { UserEntity } from './user.entity';
import {
  CannotChangeOwnAdminAccess,
  EmailTaken,
  UserOwnsItems,
  UserNotFound,
  WrongCurrentPassword,
} from './user.exceptions';
import type { UserEventPayload, UserEventType, UserField } from './user.events';
import type { SessionsCutOff } from './sessions-cut-off';
import { UsersRepository } from './users.repository';

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export interface NewUser {
  email: string;
  password: string;
  displayName: string;
  role?: Role;
}

const authUserKey = (id: string): string => `auth-user:${id}`;
/** An account's public profile (Item.owner in GraphQL): dropped with authUserKey on every change. */
const profileKey = (id: string): string => `user-profile:${id}`;
const PROFILE_KEY_PREFIX = profileKey('');

const toAuthUser = (u: UserEntity): AuthUser => ({ id: u.id, email: u.email, role: u.role });

/** An active account as the sessions layer sees it: who it is and when its sessions were cut off. */
export interface ActiveAccount {
  user: AuthUser;
  /** Epoch ms; tokens issued earlier are no longer valid (null: no such cut-off). */
  sessionsValidAfter: number | null;
}

const toAccount = (u: UserEntity): ActiveAccount => ({
  user: toAuthUser(u),
  sessionsValidAfter: u.sessionsValidAfter ? u.sessionsValidAfter.getTime() : null,
});

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);
  private readonly cacheTtlMs: number;

  private sessions: SessionsCutOff | null = null;

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly cache: AppCache,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxRepository,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.cacheTtlMs = config.get('cache', { infer: true }).ttlSeconds * 1000;
  }

  /** Called once by the sessions layer: account changes that end sessions go through it. */
  attachSessions(sessions: SessionsCutOff): void {
    this.sessions = sessions;
  }

  /** The sessions layer attached at boot, for AccountChangesService's password reset. */
  get sessionsCutOff(): SessionsCutOff | null {
    return this.sessions;
  }

  async create(input: NewUser): Promise<UserDto> {
    const now = new Date();
    const user = Object.assign(new UserEntity(), {
      id: randomUUID(),
      email: normaliseEmail(input.email),
      passwordHash: await this.hasher.hash(input.password),
      displayName: input.displayName,
      role: input.role ?? 'user',
      isActive: true,
      emailVerified: false,
      emailVerifiedAt: null,
      sessionsValidAfter: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.tx.run(async (m) => {
        await this.users.insert(m, user);
        await this.appendEvent(m, 'user.registered', user, [], now);
      });
    } catch (error) {
      // The unique index decides: nothing, event included, was written.
      if (isUniqueViolation(error)) throw new EmailTaken();
      throw error;
    }
    this.logger.log({ event: 'user.created', userId: user.id, role: user.role });
    return toUserDto(user);
  }

  /**
   * Checks an email and password. Unknown email and wrong password are indistinguishable to the
   * caller, in answer and in time; a deactivated account does not sign in.
   */
  async verifyCredentials(email: string, password: string): Promise<AuthUser | null> {
    const user = await this.users.findByEmail(normaliseEmail(email));
    if (!user) return this.hasher.verifyDecoy(password).then(() => null);
    const ok = await this.hasher.verify(user.passwordHash, password);
    return ok && user.isActive ? toAuthUser(user) : null;
  }

  /**
   * The account, if it still exists and is active. Read for every authenticated request, so it is
   * cached; every change to a user invalidates the entry before the change is acknowledged.
   */
  async findActiveAccount(id: string): Promise<ActiveAccount | null> {
    return this.cache.getOrLoad(authUserKey(id), this.cacheTtlMs, async () => {
      const user = await this.users.findActiveById(id);
      return user ? toAccount(user) : null;
    });
  }

  /**
   * Ends every session of the account (logout-all): its refresh-token families are revoked and the
   * cut-off moves to now, so every token issued before stops working. One transaction.
   */
  async cutOffSessions(userId: string): Promise<void> {
    await this.tx.run(async (m) => {
      const user = await this.users.findForUpdate(m, userId);
      if (!user) throw new UserNotFound();
      user.sessionsValidAfter = new Date();
      await this.users.save(m, user);
      await this.sessions?.endAllIn(m, userId, user.sessionsValidAfter, 'logout-all');
    });
    await this.forgetCached(userId);
  }

  /**
   * Drops everything cached about an account (its auth state and its public profile), in this
   * process and, through the invalidation bus, in every other. Every account change calls it after
   * its transaction commits.
   */
  forgetCached(userId: string): Promise<void> {
    return this.cache.del(authUserKey(userId), profileKey(userId));
  }

  async getById(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFound();
    return toUserDto(user);
  }

  /**
   * A public profile this process holds in memory (the near cache profilesByIds fills), else
   * undefined: lets Item.owner answer without a promise per item.
   */
  cachedProfile(id: string): UserProfileDto | undefined {
    return this.cache.peekNear<UserProfileDto>(profileKey(id));
  }

  /**
   * Public profiles (id, display name) of the given users, by id; unknown ids are left out. Cached
   * (they change rarely and every page of items asks for them); the ones not cached are read in
   * one statement. Every change to an account drops its profile (updateMe, adminUpdate, adminDelete).
   */
  async profilesByIds(ids: string[]): Promise<Map<string, UserProfileDto>> {
    const byKey = await this.cache.getOrLoadMany<UserProfileDto>(
      ids.map(profileKey),
      this.cacheTtlMs,
      async (keys) => {
        const rows = await this.users.findByIds(
          keys.map((k) => k.slice(PROFILE_KEY_PREFIX.length)),
        );
        return new Map(
          rows.map((u) => [profileKey(u.id), { id: u.id, displayName: u.displayName }]),
        );
      },
    );
    return new Map([...byKey.values()].map((profile) => [profile.id, profile]));
  }

  list(query: { limit: number; cursor?: string }): Promise<Page<UserDto>> {
    return this.users
      .pageByCreatedAt(query)
      .then((page) => ({ data: page.data.map(toUserDto), nextCursor: page.nextCursor }));
  }

  async updateMe(userId: string, change: UpdateMeDto): Promise<UserDto> {
    const found = await this.users.findById(userId);
    if (!found) throw new UserNotFound();
    let passwordHash: string | null = null;
    if (change.password !== undefined) {
      const current = change.currentPassword ?? '';
      if (!(await this.hasher.verify(found.passwordHash, current)))
        throw new WrongCurrentPassword();
      passwordHash = await this.hasher.hash(change.password);
    }
    const saved = await this.tx.run(async (m) => {
      const user = await this.users.findForUpdate(m, userId);
      if (!user) throw new UserNotFound();
      const now = new Date();
      const changed: UserField[] = [];
      if (change.displayName !== undefined) {
        user.displayName = change.displayName;
        changed.push('displayName');
      }
      if (passwordHash !== null) {
        user.passwordHash = passwordHash;
        // A new password ends every session, this one included: whoever knew the old one is out.
        user.sessionsValidAfter = now;
        changed.push('password');
        await this.sessions?.endAllIn(m, userId, now, 'password-changed');
      }
      return this.saveChange(m, user, 'user.updated', changed, now);
    });
    await this.forgetCached(userId);
    return toUserDto(saved);
  }

  async adminUpdate(actor: AuthUser, id: string, change: AdminUpdateUserDto): Promise<UserDto> {
    const demotesSelf =
      actor.id === id && ((change.role && change.role !== 'admin') || change.isActive === false);
    const saved = await this.tx.run(async (m) => {
      const user = await this.users.findForUpdate(m, id);
      if (!user) throw new UserNotFound();
      if (demotesSelf) throw new CannotChangeOwnAdminAccess();
      const now = new Date();
      const deactivates = user.isActive && change.isActive === false;
      const changed: UserField[] = [];
      if (change.displayName !== undefined) {
        user.displayName = change.displayName;
        changed.push('displayName');
      }
      if (change.role !== undefined) {
        user.role = change.role;
        changed.push('role');
      }
      if (change.isActive !== undefined) {
        user.isActive = change.isActive;
        changed.push('isActive');
      }
      // A deactivated account's sessions end now, with their events, rather than at next use.
      if (deactivates) await this.sessions?.endAllIn(m, id, now, 'account-deactivated');
      const type = deactivates ? 'user.deactivated' : 'user.updated';
      return this.saveChange(m, user, type, changed, now);
    });
    await this.forgetCached(id);
    this.logger.log({ event: 'user.updated_by_admin', userId: id, by: actor.id });
    return toUserDto(saved);
  }

  async adminDelete(actor: AuthUser, id: string): Promise<void> {
    if (actor.id === id) throw new CannotChangeOwnAdminAccess();
    try {
      await this.tx.run(async (m) => {
        const user = await this.users.findForUpdate(m, id);
        if (!user) throw new UserNotFound();
        const now = new Date();
        await this.sessions?.endAllIn(m, id, now, 'account-deleted');
        await this.users.delete(m, id);
        user.version += 1;
        await this.appendEvent(m, 'user.deleted', user, [], now);
      });
    } catch (error) {
      // Items reference their owner: the delete and everything with it rolled back.
      if (isForeignKeyViolation(error)) throw new UserOwnsItems();
      throw error;
    }
    await this.forgetCached(id);
    this.logger.log({ event: 'user.deleted', userId: id, by: actor.id });
  }

  /**
   * Saves a changed user with its next version and the event saying so, in the caller's
   * transaction. Every change of an account goes through here (this service's and the account
   * flows' in AccountChangesService).
   */
  async saveChange(
    m: EntityManager,
    user: UserEntity,
    type: UserEventType,
    changed: UserField[],
    at: Date,
  ): Promise<UserEntity> {
    user.version += 1;
    user.updatedAt = at;
    const saved = await this.users.save(m, user);
    await this.appendEvent(m, type, saved, changed, at);
    return saved;
  }

  private appendEvent(
    m: EntityManager,
    type: UserEventType,
    user: UserEntity,
    changed: UserField[],
    at: Date,
  ): Promise<void> {
    const payload: UserEventPayload = { user: toUserDto(user), changed };
    return this.outbox.append(
      m,
      { type, aggregateId: user.id, version: user.version, payload },
      at,
    );
  }

  /** First-boot admin from ADMIN_EMAIL/ADMIN_PASSWORD: created once, never overwritten. */
  async ensureAdmin(admin: { email: string; password: string }): Promise<void> {
    const existing = await this.users.findByEmail(normaliseEmail(admin.email));
    if (existing) {
      if (existing.role !== 'admin') {
        this.logger.warn({
          event: 'admin.bootstrap.skipped',
          reason: 'email belongs to a non-admin user',
        });
      }
      return;
    }
    try {
      await this.create({ ...admin, displayName: 'Administrator', role: 'admin' });
      this.logger.log({ event: 'admin.bootstrap.created' });
    } catch (error) {
      // Another process booting at the same time created it first: that is the outcome we want.
      if (!(error instanceof EmailTaken)) throw error;
    }
  }
}

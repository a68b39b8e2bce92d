import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { AppCache } from '../../cache/app-cache.service';
import { AuthUser, Role } from '../../common/auth/role';
import type { AppConfig } from '../../config/configuration';
import { isForeignKeyViolation } from '../../database/query-errors';
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
import { UsersRepository } from './users.repository';

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export interface NewUser {
  email: string;
  password: string;
  displayName: string;
  role?: Role;
}

const authUserKey = (id: string): string => `auth-user:${id}`;

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

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly cache: AppCache,
    @Inject(ConfigService) config: ConfigService<AppConfig, true>,
  ) {
    this.cacheTtlMs = config.get('cache', { infer: true }).ttlSeconds * 1000;
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
      sessionsValidAfter: null,
      createdAt: now,
      updatedAt: now,
    });
    if (!(await this.users.insertIfEmailFree(user))) throw new EmailTaken();
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
    const cached = await this.cache.get<ActiveAccount>(authUserKey(id));
    if (cached) return cached;
    const user = await this.users.findActiveById(id);
    if (!user) return null;
    const account = toAccount(user);
    await this.cache.set(authUserKey(id), account, this.cacheTtlMs);
    return account;
  }

  /** Moves the account's sessions cut-off to now: every token issued before stops working. */
  async cutOffSessions(userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFound();
    user.sessionsValidAfter = new Date();
    await this.users.save(user);
    await this.cache.del(authUserKey(userId));
  }

  async getById(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFound();
    return toUserDto(user);
  }

  /** Public profiles (id, display name) of the given users, by id; unknown ids are left out. */
  async profilesByIds(ids: string[]): Promise<Map<string, UserProfileDto>> {
    const rows = await this.users.findByIds(ids);
    return new Map(rows.map((u) => [u.id, { id: u.id, displayName: u.displayName }]));
  }

  list(query: { limit: number; cursor?: string }): Promise<Page<UserDto>> {
    return this.users
      .pageByCreatedAt(query)
      .then((page) => ({ data: page.data.map(toUserDto), nextCursor: page.nextCursor }));
  }

  async updateMe(userId: string, change: UpdateMeDto): Promise<UserDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFound();
    if (change.password !== undefined) {
      const current = change.currentPassword ?? '';
      if (!(await this.hasher.verify(user.passwordHash, current))) throw new WrongCurrentPassword();
      user.passwordHash = await this.hasher.hash(change.password);
      // A new password ends every session, this one included: whoever knew the old one is out.
      user.sessionsValidAfter = new Date();
    }
    if (change.displayName !== undefined) user.displayName = change.displayName;
    user.updatedAt = new Date();
    const saved = await this.users.save(user);
    await this.cache.del(authUserKey(userId));
    return toUserDto(saved);
  }

  async adminUpdate(actor: AuthUser, id: string, change: AdminUpdateUserDto): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFound();
    const demotesSelf =
      actor.id === id && ((change.role && change.role !== 'admin') || change.isActive === false);
    if (demotesSelf) throw new CannotChangeOwnAdminAccess();
    if (change.displayName !== undefined) user.displayName = change.displayName;
    if (change.role !== undefined) user.role = change.role;
    if (change.isActive !== undefined) user.isActive = change.isActive;
    user.updatedAt = new Date();
    const saved = await this.users.save(user);
    await this.cache.del(authUserKey(id));
    this.logger.log({ event: 'user.updated_by_admin', userId: id, by: actor.id });
    return toUserDto(saved);
  }

  async adminDelete(actor: AuthUser, id: string): Promise<void> {
    if (actor.id === id) throw new CannotChangeOwnAdminAccess();
    let deleted: boolean;
    try {
      deleted = await this.users.deleteById(id);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new UserOwnsItems();
      throw error;
    }
    if (!deleted) throw new UserNotFound();
    await this.cache.del(authUserKey(id));
    this.logger.log({ event: 'user.deleted', userId: id, by: actor.id });
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

import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { AuthUser, Role } from '../../common/auth/role';
import { Page } from '../../common/pagination/cursor';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { UserDto } from './dto/user.dto';
import { PasswordHasher } from './password-hasher.service';
import { toUserDto } from './user.mapper';
import { UserEntity } from './user.entity';
import {
  CannotChangeOwnAdminAccess,
  EmailTaken,
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

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

const toAuthUser = (u: UserEntity): AuthUser => ({ id: u.id, email: u.email, role: u.role });

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(input: NewUser): Promise<UserDto> {
    const now = new Date();
    const user = Object.assign(new UserEntity(), {
      id: randomUUID(),
      email: normaliseEmail(input.email),
      passwordHash: await this.hasher.hash(input.password),
      displayName: input.displayName,
      role: input.role ?? 'user',
      isActive: true,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.users.insert(user);
    } catch (error) {
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

  /** The user behind a token, if the account still exists and is active. */
  async findActiveAuthUser(id: string): Promise<AuthUser | null> {
    const user = await this.users.findActiveById(id);
    return user ? toAuthUser(user) : null;
  }

  async getById(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFound();
    return toUserDto(user);
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
    }
    if (change.displayName !== undefined) user.displayName = change.displayName;
    user.updatedAt = new Date();
    return toUserDto(await this.users.save(user));
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
    this.logger.log({ event: 'user.updated_by_admin', userId: id, by: actor.id });
    return toUserDto(saved);
  }

  async adminDelete(actor: AuthUser, id: string): Promise<void> {
    if (actor.id === id) throw new CannotChangeOwnAdminAccess();
    if (!(await this.users.deleteById(id))) throw new UserNotFound();
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

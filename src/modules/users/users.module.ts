import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxModule } from '../outbox/outbox.module';
import { AccountChangesService } from './account-changes.service';
import { AdminBootstrap } from './admin.bootstrap';
import { PasswordHasher } from './password-hasher.service';
import { UserEntity } from './user.entity';
import { ItemOwnerResolver } from './graphql/item-owner.resolver';
import { UserProfilesLoader } from './graphql/user-profiles.loader';
import { UsersResolver } from './graphql/users.resolver';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), OutboxModule],
  controllers: [UsersController],
  providers: [
    UsersRepository,
    UsersService,
    PasswordHasher,
    AdminBootstrap,
    UsersResolver,
    ItemOwnerResolver,
    UserProfilesLoader,
    AccountChangesService,
  ],
  exports: [UsersService, AccountChangesService],
})
export class UsersModule {}

import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { UsersModule } from '../users/users.module';
import { AccountMailModule } from './account-mail.module';
import { AccountPagesController } from './account-pages.controller';
import { AccountPagesService } from './account-pages.service';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';

/**
 * Account flows that go through mail: email verification, password reset, email change; their
 * JSON routes and the pages their links open. The mail queue and its jobs are AccountMailModule's
 * (also run by the worker process).
 */
@Module({})
export class AccountsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AccountsModule,
      imports: [UsersModule, AccountMailModule.forRoot(config)],
      controllers: [AccountsController, AccountPagesController],
      providers: [AccountsService, AccountPagesService],
    };
  }
}

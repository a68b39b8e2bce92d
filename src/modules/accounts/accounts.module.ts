import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/configuration';
import { mailQueueBinding } from '../../infrastructure/profile.providers';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AccountLinks } from './account-links';
import { AccountPagesController } from './account-pages.controller';
import { AccountPagesService } from './account-pages.service';
import { AccountTokenEntity } from './account-token.entity';
import { AccountTokensRepository } from './account-tokens.repository';
import { AccountTokensService } from './account-tokens.service';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { AccountMailProcessor } from './mail-queue/account-mail.processor';
import { MAIL_QUEUE } from './mail-queue/mail.job';
import { UserRegisteredMailHandler } from './user-registered-mail.handler';

/**
 * Account flows that go through mail: email verification, password reset, email change, their
 * JSON routes and the pages their links open, the account tokens, and the mail queue (Bull on
 * Redis or in process, the profile's choice) whose jobs AccountMailProcessor runs.
 */
@Module({})
export class AccountsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queue = mailQueueBinding(config);
    return {
      module: AccountsModule,
      imports: [
        UsersModule,
        MailModule.forRoot(config),
        TypeOrmModule.forFeature([AccountTokenEntity]),
        ...queue.imports,
      ],
      controllers: [AccountsController, AccountPagesController],
      providers: [
        AccountTokensRepository,
        AccountTokensService,
        AccountsService,
        AccountPagesService,
        AccountLinks,
        AccountMailProcessor,
        UserRegisteredMailHandler,
        queue.provider,
      ],
      exports: [MAIL_QUEUE],
    };
  }
}

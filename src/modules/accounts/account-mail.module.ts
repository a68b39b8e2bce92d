import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/configuration';
import { mailQueueBinding } from '../../infrastructure/profile.providers';
import { MailModule } from '../mail/mail.module';
import { UsersModule } from '../users/users.module';
import { AccountLinks } from './account-links';
import { AccountTokenEntity } from './account-token.entity';
import { AccountTokensRepository } from './account-tokens.repository';
import { AccountTokensService } from './account-tokens.service';
import { AccountMailProcessor } from './mail-queue/account-mail.processor';
import { MAIL_QUEUE } from './mail-queue/mail.job';
import { UserRegisteredMailHandler } from './user-registered-mail.handler';

/**
 * The background half of the account flows, run by the API (WORKERS=inline) and by the worker
 * process alike: the mail queue (Bull on Redis or in process, the profile's choice), the job
 * processor that issues tokens and sends the mails, the sign-up handler, and the tokens.
 */
@Module({})
export class AccountMailModule {
  static forRoot(config: AppConfig): DynamicModule {
    const queue = mailQueueBinding(config);
    const mail = MailModule.forRoot(config);
    return {
      module: AccountMailModule,
      imports: [
        UsersModule,
        mail,
        TypeOrmModule.forFeature([AccountTokenEntity]),
        ...queue.imports,
      ],
      providers: [
        AccountTokensRepository,
        AccountTokensService,
        AccountLinks,
        AccountMailProcessor,
        UserRegisteredMailHandler,
        queue.provider,
      ],
      exports: [MAIL_QUEUE, AccountTokensService, mail],
    };
  }
}

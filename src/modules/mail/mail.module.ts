import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { FileMailer } from './file.mailer';
import { MailService } from './mail.service';
import { Mailer } from './mailer';
import { SmtpMailer } from './smtp.mailer';
import { TemplateRenderer } from './template-renderer';

/**
 * Templates (mail and pages) and outgoing mail. MAIL_URL decides the Mailer: SMTP, or .eml files
 * in DATA_DIR/mail. Mails are sent from the mail queue's jobs (see modules/accounts), never from a
 * request.
 */
@Module({})
export class MailModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MailModule,
      providers: [
        TemplateRenderer,
        MailService,
        { provide: Mailer, useClass: config.mail.url ? SmtpMailer : FileMailer },
      ],
      exports: [TemplateRenderer, MailService],
    };
  }
}

import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { AppConfig } from '../../config/configuration';
import { Mailer, type OutgoingMail, toMessage } from './mailer';

/** A server that does not answer within these fails the attempt (the queue retries it). */
const CONNECT_TIMEOUT_MS = 5000;
const SOCKET_TIMEOUT_MS = 15_000;

/** MAIL_URL set: nodemailer's SMTP transport. */
@Injectable()
export class SmtpMailer extends Mailer implements OnModuleDestroy {
  private readonly logger = new Logger(SmtpMailer.name);
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    super();
    const mail = config.get('mail', { infer: true });
    this.from = mail.from;
    const options: SMTPTransport.Options = {
      url: mail.url ?? '',
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    };
    this.transport = createTransport(options);
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = (await this.transport.sendMail(toMessage(this.from, mail))) as {
      messageId?: string;
    };
    this.logger.log({ event: 'mail.sent', subject: mail.subject, messageId: info.messageId });
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}

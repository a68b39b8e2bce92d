import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import type { AppConfig } from '../../config/configuration';
import { Mailer, type OutgoingMail, toMessage } from './mailer';

/**
 * MAIL_URL unset (embedded profile): each mail is written to DATA_DIR/mail as an .eml file (any
 * mail client opens it) and its link is logged, so a newcomer can follow it without a mail server.
 */
@Injectable()
export class FileMailer extends Mailer {
  private readonly logger = new Logger(FileMailer.name);
  private readonly transport: Transporter;
  private readonly from: string;
  private readonly dir: string;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    super();
    const mail = config.get('mail', { infer: true });
    this.from = mail.from;
    this.dir = mail.dir;
    this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = (await this.transport.sendMail(toMessage(this.from, mail))) as { message: Buffer };
    await mkdir(this.dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = join(this.dir, `${stamp}-${randomUUID().slice(0, 8)}.eml`);
    await writeFile(file, info.message);
    this.logger.log({
      event: 'mail.written',
      to: mail.to,
      subject: mail.subject,
      file,
      link: mail.link ?? null,
    });
  }
}

import { Injectable } from '@nestjs/common';
import { Mailer } from './mailer';
import { TemplateRenderer } from './template-renderer';
import type { MailTemplateName, MailTemplates } from './templates';

/** Renders a mail template and hands the result to the Mailer (SMTP or .eml file). */
@Injectable()
export class MailService {
  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly mailer: Mailer,
  ) {}

  async send<K extends MailTemplateName>(mail: {
    to: string;
    template: K;
    data: MailTemplates[K];
    link?: string;
  }): Promise<void> {
    const rendered = this.renderer.mail(mail.template, mail.data);
    await this.mailer.send({ to: mail.to, ...rendered, link: mail.link });
  }
}

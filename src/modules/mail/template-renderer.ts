import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAIL_SUBJECTS,
  MAIL_TEMPLATE_NAMES,
  PAGE_TEMPLATE_NAMES,
  type MailTemplateName,
  type MailTemplates,
  type PageTemplateName,
  type PageTemplates,
} from './templates';

/** src/templates when run by ts-jest/ts-node, dist/templates in the build (nest-cli assets). */
export const TEMPLATES_DIR = join(__dirname, '..', '..', 'templates');

export const APP_NAME = 'Keel';

type Compiled = Handlebars.TemplateDelegate;

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/**
 * The one template engine, for mail (HTML and text from the same data, one layout each) and for
 * the pages a mail link opens. Everything is compiled once, when the module is created; HTML is
 * escaped by default and strict mode makes a variable missing from the data an error.
 */
@Injectable()
export class TemplateRenderer {
  private readonly hbs = Handlebars.create();
  private readonly mailLayout: { html: Compiled; text: Compiled };
  private readonly pageLayout: Compiled;
  private readonly mails = new Map<MailTemplateName, { html: Compiled; text: Compiled }>();
  private readonly pages = new Map<PageTemplateName, Compiled>();

  constructor() {
    this.mailLayout = {
      html: this.compile('layouts/mail.html.hbs', 'html'),
      text: this.compile('layouts/mail.text.hbs', 'text'),
    };
    this.pageLayout = this.compile('layouts/page.hbs', 'html');
    for (const name of MAIL_TEMPLATE_NAMES) {
      this.mails.set(name, {
        html: this.compile(`mail/${name}.html.hbs`, 'html'),
        text: this.compile(`mail/${name}.text.hbs`, 'text'),
      });
    }
    for (const name of PAGE_TEMPLATE_NAMES) {
      this.pages.set(name, this.compile(`pages/${name}.hbs`, 'html'));
    }
  }

  mail<K extends MailTemplateName>(name: K, data: MailTemplates[K]): RenderedMail {
    const template = this.mails.get(name);
    if (!template) throw new Error(`no mail template ${name}`);
    const subject = MAIL_SUBJECTS[name];
    const common = { appName: APP_NAME, subject };
    return {
      subject,
      html: this.mailLayout.html({
        ...common,
        body: new this.hbs.SafeString(template.html(data)),
      }),
      text: this.mailLayout.text({ ...common, body: template.text(data).trim() }).trim() + '\n',
    };
  }

  page<K extends PageTemplateName>(name: K, title: string, data: PageTemplates[K]): string {
    const template = this.pages.get(name);
    if (!template) throw new Error(`no page template ${name}`);
    return this.pageLayout({
      appName: APP_NAME,
      title,
      body: new this.hbs.SafeString(template(data)),
    });
  }

  private compile(file: string, kind: 'html' | 'text'): Compiled {
    const source = readFileSync(join(TEMPLATES_DIR, file), 'utf8');
    // Precompile now (compile() alone defers to the first render): a syntax error stops boot.
    const template = this.hbs.compile(source, { strict: true, noEscape: kind === 'text' });
    this.hbs.precompile(source, { strict: true });
    return template;
  }
}

import type Mail from 'nodemailer/lib/mailer';

/** A mail ready to send. `link` is the one link it carries, logged by the .eml mailer. */
export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  link?: string;
}

/**
 * Sends one mail or throws (the mail queue retries the job). Bound by MailModule: SMTP when
 * MAIL_URL is set, otherwise .eml files in DATA_DIR/mail.
 */
export abstract class Mailer {
  abstract send(mail: OutgoingMail): Promise<void>;
}

/** The nodemailer message of a mail, the same for every transport (SMTP or .eml file). */
export function toMessage(from: string, mail: OutgoingMail): Mail.Options {
  return { from, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text };
}

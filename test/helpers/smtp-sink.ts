import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './eventually';

export const SUBJECTS = {
  verify: 'Verify your email address',
  reset: 'Reset your password',
  change: 'Confirm your new email address',
  notice: 'Your email address is being changed',
} as const;

/** A mail the test SMTP server received, parsed. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server for tests (smtp-server) on 127.0.0.1: it accepts every mail, parses it with
 * mailparser and keeps it. Point MAIL_URL at `url`.
 */
export class SmtpSink {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly mails: ReceivedMail[],
  ) {}

  static async start(port = 0): Promise<SmtpSink> {
    const received: ReceivedMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (parsed) => {
            const to = [parsed.to ?? []]
              .flat()
              .flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
            received.push({
              to,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    return new SmtpSink(server, bound, received);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The mails sent to this address so far (with this subject, if given). */
  to(address: string, subject?: string): ReceivedMail[] {
    return this.mails.filter(
      (m) =>
        m.to.includes(address.toLowerCase()) && (subject === undefined || m.subject === subject),
    );
  }

  /**
   * Waits for the `count`-th mail (1 = the first) to this address with this subject and returns
   * it. Mails of different jobs may arrive in any order: pick them by subject.
   */
  async waitFor(
    address: string,
    subject: string,
    { count = 1, timeoutMs = 20_000 }: { count?: number; timeoutMs?: number } = {},
  ): Promise<ReceivedMail> {
    return eventually(
      () => {
        const mails = this.to(address, subject);
        if (mails.length < count) {
          throw new Error(`${mails.length} mail(s) "${subject}" to ${address} so far`);
        }
        return mails[count - 1];
      },
      { timeoutMs, intervalMs: 25 },
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The link to an account page in a mail's text, and its token. */
export function linkIn(mail: ReceivedMail | string): { url: string; path: string; token: string } {
  const text = typeof mail === 'string' ? mail : mail.text;
  const match = /(https?:\/\/\S+?)(\/account\/[a-z-]+)\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no account link in: ${text}`);
  return { url: match[0], path: `${match[2]}?token=${match[3]}`, token: match[3] };
}

import { MAIL_QUEUE, type MailQueue } from '../../src/modules/accounts/mail-queue/mail.job';
import { eventually } from './eventually';
import type { TestApp } from './test-app';

/** The app's mail queue (Bull or in process). */
export function mailQueue(t: TestApp): MailQueue {
  return t.app.get<MailQueue>(MAIL_QUEUE, { strict: false });
}

/** Until the mail queue has nothing waiting, running or delayed (every job done or failed). */
export async function waitForIdleMailQueue(t: TestApp, timeoutMs = 20_000): Promise<void> {
  await eventually(
    async () => {
      const c = await mailQueue(t).counts();
      if (c.waiting + c.active + c.delayed > 0) throw new Error(JSON.stringify(c));
    },
    { timeoutMs },
  );
}

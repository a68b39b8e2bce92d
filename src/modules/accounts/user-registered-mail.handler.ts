import { Inject, Injectable } from '@nestjs/common';
import { type DomainEventHandler, OnDomainEvent } from '../outbox/domain-event-handler';
import type { UserEvent } from '../users/user.events';
import { MAIL_QUEUE, type MailQueue } from './mail-queue/mail.job';

/**
 * Sign-up → verification mail. Through the outbox: the event is committed with the account, so a
 * crash between the commit and the enqueue loses nothing (the relay delivers it again), and the
 * job id (the event's id) makes a redelivery enqueue nothing new.
 */
@Injectable()
@OnDomainEvent('user.registered')
export class UserRegisteredMailHandler implements DomainEventHandler<'user.registered'> {
  constructor(@Inject(MAIL_QUEUE) private readonly queue: MailQueue) {}

  async handle(event: UserEvent & { type: 'user.registered' }): Promise<void> {
    await this.queue.enqueue(
      { kind: 'verify-email', userId: event.aggregateId },
      `verify-email:${event.id}`,
    );
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { AppConfig } from '../../config/configuration';

export type BrokerState = 'connecting' | 'connected' | 'disconnected';

const MAX_BACKOFF_MS = 30_000;
/** A publish not confirmed within this long fails; the relay retries the row (same id). */
const CONFIRM_TIMEOUT_MS = 10_000;

/** The broker's host:port, for logs and health (the URL may hold a password). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured host';
  }
}

/**
 * The one RabbitMQ connection of a process, with a confirm channel on which the durable topic
 * exchange is declared. Never blocks boot: a broker that is down, unreachable or refuses the
 * credentials is retried with exponential backoff (1 s … 30 s), logged once per change of state,
 * and reported by `/health/ready` as degraded. While disconnected, `publish` fails at once (the
 * relay leaves the rows pending), so nothing is buffered in memory. That is why this uses
 * amqp-connection-manager directly rather than @golevelup/nestjs-rabbitmq (a wrapper over it):
 * Keel only publishes, the outbox is the buffer, and golevelup's in-memory buffering across a
 * reconnect would hide from the relay which rows the broker really confirmed.
 */
@Injectable()
export class BrokerConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(BrokerConnection.name);
  private manager: AmqpConnectionManager | null = null;
  private channel: ChannelWrapper | null = null;
  private failures = 0;
  private closed = false;
  /** Ends the wait before the next attempt at once (shutdown must not wait for the backoff). */
  private cancelWait: () => void = () => undefined;
  private readonly connectListeners: Array<() => void> = [];
  state: BrokerState = 'connecting';
  lastError: string | null = null;
  readonly host: string;

  constructor(private readonly settings: NonNullable<AppConfig['rabbitmq']>) {
    this.host = hostOf(settings.url);
  }

  get exchange(): string {
    return this.settings.exchange;
  }

  onModuleInit(): void {
    const url = this.settings.url;
    this.manager = amqp.connect(null, {
      // Called before every attempt: the wait between attempts grows while the broker stays away.
      findServers: async () => {
        if (this.failures > 0) {
          const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.failures - 1, 10));
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            this.cancelWait = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        if (this.closed) throw new Error('closed');
        return url;
      },
      reconnectTimeInSeconds: 0.1,
      heartbeatIntervalInSeconds: 5,
      connectionOptions: { timeout: 5000 },
    });
    this.manager.on('connect', () => {
      this.failures = 0;
      this.lastError = null;
      this.state = 'connected';
      this.logger.log({ event: 'events.broker_connected', host: this.host });
      for (const listener of this.connectListeners) listener();
    });
    this.manager.on('disconnect', ({ err }: { err?: Error }) => this.failed(err));
    this.manager.on('connectFailed', ({ err }: { err?: Error }) => this.failed(err));
    this.channel = this.manager.createChannel({
      confirm: true,
      setup: (channel: ConfirmChannel) =>
        channel.assertExchange(this.settings.exchange, 'topic', { durable: true }),
    });
    // Errors of the channel's setup surface through the connection events above.
    this.channel.on('error', () => undefined);
  }

  /** Called on every (re)connection: the relay drains what piled up meanwhile. */
  onConnect(listener: () => void): void {
    this.connectListeners.push(listener);
  }

  get connected(): boolean {
    return this.state === 'connected' && this.manager?.isConnected() === true;
  }

  /** Resolves once the broker confirmed the message (persistent, on the exchange). */
  async publish(
    routingKey: string,
    body: Buffer,
    options: { messageId: string; type: string; contentType: string; timestamp: number },
  ): Promise<void> {
    if (!this.channel || !this.connected)
      throw new Error(`RabbitMQ at ${this.host} is not connected`);
    await this.channel.publish(this.settings.exchange, routingKey, body, {
      ...options,
      persistent: true,
      timeout: CONFIRM_TIMEOUT_MS,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.cancelWait();
    await this.channel?.close().catch(() => undefined);
    await this.manager?.close().catch(() => undefined);
  }

  /** One log line per outage (not one per retry): a wrong password does not flood the logs. */
  private failed(err: Error | undefined): void {
    if (this.closed) return;
    this.failures += 1;
    const message = err?.message ?? 'connection closed';
    const wasUp = this.state !== 'disconnected';
    this.state = 'disconnected';
    this.lastError = message;
    if (wasUp) {
      this.logger.warn({
        event: 'events.broker_unavailable',
        host: this.host,
        error: message,
        note: 'events wait in the outbox; retrying with backoff',
      });
    }
  }
}

import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { onShutdownSignals } from './common/lifecycle/shutdown-signals';
import { ShutdownState } from './common/lifecycle/shutdown-state';
import { bootConfig } from './config/boot-config';
import { AppConfig, ConfigError, loadConfig } from './config/configuration';
import { WorkerModule } from './worker.module';

/**
 * The configuration of a worker process: the environment's, with the background work on whatever
 * WORKERS says (that variable is for API processes). Redis is required: without it the queue runs
 * in process and realtime events could not reach the API's sockets, so the embedded profile runs
 * everything in the API process (WORKERS=inline) instead.
 */
export function workerConfig(env: NodeJS.ProcessEnv): AppConfig {
  const config = loadConfig(env);
  if (!config.redis) {
    throw new ConfigError(
      'Invalid configuration: REDIS_URL: the worker process needs Redis (without it, run only the API with WORKERS=inline)',
    );
  }
  return { ...config, workers: 'inline' };
}

async function bootstrap(): Promise<void> {
  const config = bootConfig(workerConfig);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await app.init();

  // SIGTERM/SIGINT: the relay finishes its batch, Bull waits for the active jobs, a running reindex
  // job goes back to the queue, the pools close; exit 0, or 1 past SHUTDOWN_GRACE_MS.
  onShutdownSignals({
    graceMs: config.http.shutdownGraceMs,
    process: 'worker',
    stop: async () => {
      app.get(ShutdownState).begin();
      await app.close();
    },
  });
  process.stdout.write('Keel worker running (outbox relay, search-index queue, reindex jobs)\n');
}

if (require.main === module) void bootstrap();

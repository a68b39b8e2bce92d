import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { HttpDrain } from './common/lifecycle/http-drain';
import { onShutdownSignals } from './common/lifecycle/shutdown-signals';
import { ShutdownState } from './common/lifecycle/shutdown-state';
import { bootConfig } from './config/boot-config';
import { loadConfig } from './config/configuration';
import { RealtimeServer } from './modules/realtime/realtime-server';

/** Longest wait for sockets to go after `server:shutdown` before they are dropped. */
const SOCKETS_CLOSE_MS = 2000;

async function bootstrap(): Promise<void> {
  const config = bootConfig(loadConfig);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app);
  const http = new HttpDrain(app.getHttpServer());
  await app.listen(config.http.port, config.http.host);

  // SIGTERM/SIGINT: readiness turns false, new connections are refused, sockets are told and
  // closed, in-flight requests finish, then the modules stop in order (relay batch, active jobs,
  // reindex job back to the queue) and the pools close; exit 0, or 1 past SHUTDOWN_GRACE_MS.
  onShutdownSignals({
    graceMs: config.http.shutdownGraceMs,
    process: 'api',
    stop: async () => {
      app.get(ShutdownState).begin();
      http.stopAccepting();
      await app.get(RealtimeServer).closeSockets(SOCKETS_CLOSE_MS);
      await http.drained();
      await app.close();
    },
  });
  process.stdout.write(`Keel listening on http://localhost:${config.http.port} (docs: /docs)\n`);
}

void bootstrap();

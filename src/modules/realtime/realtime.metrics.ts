import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { RealtimeServer } from './realtime-server';

/** `keel_websocket_connections`: sockets connected to this process's /realtime namespace. */
@Injectable()
export class RealtimeMetrics {
  constructor(metrics: MetricsRegistry, server: RealtimeServer) {
    metrics.gauge(
      'keel_websocket_connections',
      'Authenticated socket.io connections to /realtime on this process',
      () => server.connectionCount(),
    );
  }
}

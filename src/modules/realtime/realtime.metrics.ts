import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { RealtimeServer } from './realtime-server';
import { MetricsRegistry } from '../metrics/metrics-registry';

/** `keel_websocket_connections`: sockets connected to this process's /realtime namespace. */
@Injectable()
export class RealtimeMetrics {
  constructor(metrics: MetricsRegistry, server: RealtimeServer) {
    const gauge: Gauge = new Gauge({
      name: 'keel_websocket_connections',
      help: 'Authenticated socket.io connections to /realtime on this process',
      registers: [metrics.registry],
      collect: () => gauge.set(server.connectionCount()),
    });
  }
}

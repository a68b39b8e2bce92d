import { createServer } from 'node:http';
import { connect } from 'node:net';
import { ConfigError, loadConfig } from '../../config/configuration';
import { applyServerTimeouts, checkingIntervalMs } from './server-timeouts';

describe('server timeouts', () => {
  it('defaults to 10 s for headers, 30 s for the request and 5 s keep-alive', () => {
    expect(loadConfig({}).http.timeouts).toEqual({
      headersMs: 10_000,
      requestMs: 30_000,
      keepAliveMs: 5000,
    });
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    const fail = (): unknown =>
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' });
    expect(fail).toThrow(ConfigError);
    expect(fail).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS: must not be larger than HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it.each([
    ['HTTP_HEADERS_TIMEOUT_MS', '50'],
    ['HTTP_REQUEST_TIMEOUT_MS', 'soon'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '0'],
  ])('rejects %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });

  it('checks deadlines at a tenth of the shortest one, between 50 ms and 1 s', () => {
    expect(checkingIntervalMs({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5000 })).toBe(
      1000,
    );
    expect(checkingIntervalMs({ headersMs: 1000, requestMs: 30_000, keepAliveMs: 5000 })).toBe(100);
    expect(checkingIntervalMs({ headersMs: 100, requestMs: 100, keepAliveMs: 100 })).toBe(50);
  });

  it('sets the deadlines on the server and closes a connection that sends nothing', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    applyServerTimeouts(server, { headersMs: 300, requestMs: 1000, keepAliveMs: 700 });
    expect(server.headersTimeout).toBe(300);
    expect(server.requestTimeout).toBe(1000);
    expect(server.keepAliveTimeout).toBe(700);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const silent = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => silent.once('close', () => resolve()));
      expect(silent.bytesRead).toBe(0);
    } finally {
      server.close();
    }
  });
});

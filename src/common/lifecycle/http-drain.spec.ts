import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { HttpDrain } from './http-drain';

/** A raw client connection: what it received so far, and whether the server closed it. */
interface Raw {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
}

function open(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () =>
      resolve({ socket, received: () => received, closed }),
    );
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
    socket.once('error', reject);
  });
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`;

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('condition not met');
}

describe('HttpDrain', () => {
  let server: Server;
  let drain: HttpDrain;
  let port: number;
  const held: ServerResponse[] = [];

  beforeEach(async () => {
    held.length = 0;
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/slow') held.push(res);
      else res.end('ok');
    });
    drain = new HttpDrain(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  it('refuses new connections but finishes the request in flight, with Connection: close', async () => {
    const client = await open(port);
    client.socket.write(get('/slow'));
    await until(() => held.length === 1);

    drain.stopAccepting();
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    let drained = false;
    const done = drain.drained().then(() => (drained = true));
    held[0]?.end('finished');
    await client.closed;
    await done;
    expect(drained).toBe(true);
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.received()).toMatch(/\r\nConnection: close\r\n/i);
    expect(client.received()).toMatch(/finished$/);
  });

  it('serves a request sent on an idle kept-alive connection after the drain began', async () => {
    const client = await open(port);
    client.socket.write(get('/fast'));
    await until(() => client.received().endsWith('ok'));

    drain.stopAccepting();
    const done = drain.drained();
    // The client was about to reuse its connection: it is answered, not reset.
    client.socket.write(get('/fast'));
    await client.closed;
    await done;
    const answers = client.received().match(/HTTP\/1\.1 200 /g) ?? [];
    expect(answers).toHaveLength(2);
    expect(client.received()).toMatch(/\r\nConnection: close\r\n[\s\S]*ok$/i);
  });

  it('closes a connection that stays idle after the drain began', async () => {
    const client = await open(port);
    client.socket.write(get('/fast'));
    await until(() => client.received().endsWith('ok'));
    drain.stopAccepting();
    await drain.drained();
    await client.closed;
    expect(client.socket.destroyed).toBe(true);
  });
});

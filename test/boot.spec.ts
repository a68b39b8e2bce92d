import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const MAIN = ['-r', 'ts-node/register', 'src/main.ts'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Boots src/main.ts as a user would (no test harness), in a throwaway working directory. */
describe('process boot', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-boot-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
    SQLITE_PATH: join(dir, 'keel.sqlite'),
    DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    ...extra,
  });

  it('stops with one clear line when a variable is invalid', () => {
    const run = spawnSync(process.execPath, MAIN, {
      cwd: ROOT,
      env: env({ PORT: 'eighty' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT: .*\(got "eighty"\)$/);
  });

  it('serves on PORT with nothing else configured, creates ./data, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, MAIN, {
      cwd: ROOT,
      env: env({ PORT: String(port) }),
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      const deadline = Date.now() + 45_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        status = await fetch(`http://127.0.0.1:${port}/health/ready`)
          .then((r) => r.status)
          .catch(() => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect({ status, stderr }).toEqual({ status: 200, stderr: expect.any(String) as string });
      const docs = await fetch(`http://127.0.0.1:${port}/docs`);
      expect(docs.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});

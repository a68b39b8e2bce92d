import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './helpers/free-port';

const ROOT = join(__dirname, '..');
const MAIN = ['-r', 'ts-node/register', 'src/main.ts'];

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

describe('request logs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('carry the request id on every line of a request and never credentials', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, MAIN, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        SQLITE_PATH: join(dir, 'keel.sqlite'),
        DATA_DIR: join(dir, 'data'),
        PORT: String(port),
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
      },
      stdio: 'pipe',
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const base = `http://127.0.0.1:${port}`;
    const password = 'very-secret-password-42';
    try {
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline) {
        const up = await fetch(`${base}/health/live`)
          .then((r) => r.ok)
          .catch(() => false);
        if (up) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const json = { 'content-type': 'application/json' };
      await fetch(`${base}/auth/register`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'logs@example.test', password, displayName: 'Logs' }),
      });
      const login = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { ...json, 'x-request-id': 'login-req-1' },
        body: JSON.stringify({ email: 'logs@example.test', password }),
      });
      const { accessToken, refreshToken } = (await login.json()) as {
        accessToken: string;
        refreshToken: string;
      };
      await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { ...json, 'x-request-id': 'failed-login-1' },
        body: JSON.stringify({ email: 'logs@example.test', password: 'wrong-password-x' }),
      });
      await fetch(`${base}/users/me`, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          cookie: `keel_refresh=${refreshToken}`,
          'x-request-id': 'me-req-1',
        },
      });
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
    const failed = lines.filter((l) => l.includes('failed-login-1'));
    expect(failed.some((l) => l.includes('auth.login.failed'))).toBe(true);
    expect(failed.length).toBeGreaterThanOrEqual(2); // the service's event and the request log
    expect(lines.some((l) => l.includes('me-req-1'))).toBe(true);
    for (const secret of [password, 'wrong-password-x']) expect(stdout).not.toContain(secret);
    expect(stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/); // no JWT
    expect(stdout).not.toContain('keel_refresh=');
  }, 60_000);
});

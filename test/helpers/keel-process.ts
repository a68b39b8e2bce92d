import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface KeelProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts src/main.ts or src/worker.ts as its own process (through ts-node: no build, dist/ left
 * alone) with exactly `env` plus PATH, in `cwd` (so a developer's .env cannot leak in), and waits
 * until it prints `readyLine`.
 */
export async function startKeelProcess(options: {
  entry: 'main' | 'worker';
  env: Record<string, string>;
  cwd: string;
  readyLine: string;
  timeoutMs?: number;
}): Promise<KeelProcess> {
  let output = '';
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      join(root, 'src', `${options.entry}.ts`),
    ],
    {
      cwd: options.cwd,
      env: {
        ...options.env,
        TS_NODE_PROJECT: join(root, 'tsconfig.json'),
        PATH: process.env.PATH ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.entry} did not start:\n${output}`)),
      options.timeoutMs ?? 90_000,
    );
    child.stdout?.on('data', () => {
      if (!output.includes(options.readyLine)) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${options.entry} exited at boot:\n${output}`));
    });
  });
  return { child, output: () => output, exited };
}

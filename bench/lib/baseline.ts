import { join } from 'node:path';
import { ManagedChild } from './child';
import { freePort, LOOPBACK, waitForOk } from './net';
import type { BenchSettings } from './settings';

export interface BaselineProcess {
  url: string;
  child: ManagedChild;
}

/** Starts one of bench/baselines/*.ts as its own Node process (through ts-node) on the loopback. */
export async function startBaseline(options: {
  name: string;
  script: string;
  env: Record<string, string>;
  settings: BenchSettings;
}): Promise<BaselineProcess> {
  const { settings } = options;
  const port = await freePort();
  const child = ManagedChild.start({
    name: options.name,
    args: ['-r', 'ts-node/register', join(settings.repoRoot, 'bench', 'baselines', options.script)],
    cwd: settings.repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      TS_NODE_PROJECT: join(settings.repoRoot, 'tsconfig.json'),
      PORT: String(port),
      ...options.env,
    },
  });
  const url = `http://${LOOPBACK}:${port}`;
  try {
    await waitForOk(`${url}/health`, child, 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { url, child };
}

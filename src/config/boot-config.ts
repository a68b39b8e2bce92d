import { existsSync } from 'node:fs';
import { AppConfig, ConfigError } from './configuration';

/**
 * The configuration a process starts with: `.env` (when present) under the real environment, read
 * by `load`. A bad variable ends the process with its one-line message rather than a stack trace.
 */
export function bootConfig(load: (env: NodeJS.ProcessEnv) => AppConfig): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return load(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

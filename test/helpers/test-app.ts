import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { AppConfig, loadConfig } from '../../src/config/configuration';
import { provisionInfra, TestInfra } from './test-database';

export const TEST_ADMIN = { email: 'admin@keel.test', password: 'admin-password-123' };

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  infra: TestInfra;
  /** supertest bound to the listening server */
  http: () => TestAgent;
  url: string;
  close(): Promise<void>;
}

/** The environment every test app starts from: test defaults, then the infra, then overrides. */
export function testEnv(
  infra: TestInfra,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    AUTH_RATE_LIMIT: '10000',
    AUTH_COOKIE_SECURE: 'false',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...infra.env,
    ...overrides,
  };
}

/** Starts the real application, as main.ts does, on this file's own database and a free port. */
export async function startApp(
  overrides: Record<string, string> = {},
  infra?: TestInfra,
): Promise<TestApp> {
  const ownInfra = infra ?? (await provisionInfra());
  const config = loadConfig(testEnv(ownInfra, overrides));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: false,
  });
  return serve(app, config, ownInfra, infra === undefined);
}

/** Applies main.ts's HTTP setup, listens on a free port and wraps the app for tests. */
export async function serve(
  app: NestExpressApplication,
  config: AppConfig,
  infra: TestInfra,
  ownsInfra: boolean,
): Promise<TestApp> {
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    infra,
    http: () => request(url),
    url,
    close: async () => {
      await app.close();
      if (ownsInfra) await infra.cleanup();
    },
  };
}

import type { ValueProvider } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { loadConfig } from '../../src/config/configuration';
import { testEnv, type TestApp } from './test-app';
import { provisionInfra, type TestInfra } from './test-database';

/** Providers to replace, by token, with a value (e.g. a fake SearchIndex). */
export interface AppOverrides {
  providers?: ValueProvider[];
}

/** Like startApp, with some providers replaced through Nest's testing module. */
export async function startAppWith(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
  infra?: TestInfra,
): Promise<TestApp> {
  const ownInfra = infra ?? (await provisionInfra());
  const config = loadConfig(testEnv(ownInfra, env));
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  for (const { provide, useValue } of overrides.providers ?? []) {
    builder = builder.overrideProvider(provide).useValue(useValue);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: false,
  });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    infra: ownInfra,
    http: () => request(url),
    url,
    close: async () => {
      await app.close();
      if (!infra) await ownInfra.cleanup();
    },
  };
}

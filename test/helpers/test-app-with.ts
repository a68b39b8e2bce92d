import type { Type, ValueProvider } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config/configuration';
import { serve, testEnv, type TestApp } from './test-app';
import { provisionInfra, type TestInfra } from './test-database';

/** Providers to replace, by token, with a value (e.g. a fake SearchIndex), and ones to add. */
export interface AppOverrides {
  providers?: ValueProvider[];
  /** Extra providers of the root module, e.g. an @OnDomainEvent handler that records events. */
  add?: Type[];
}

/** Like startApp, with some providers replaced through Nest's testing module. */
export async function startAppWith(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
  infra?: TestInfra,
): Promise<TestApp> {
  const ownInfra = infra ?? (await provisionInfra());
  const config = loadConfig(testEnv(ownInfra, env));
  let builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
    providers: overrides.add ?? [],
  });
  for (const { provide, useValue } of overrides.providers ?? []) {
    builder = builder.overrideProvider(provide).useValue(useValue);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: false,
  });
  return serve(app, config, ownInfra, infra === undefined);
}

import type { Express } from 'express';
import { reservedHandler } from '../../src/common/http/reserved-mount';
import { startApp, TestApp } from '../helpers/test-app';

interface RouterLayer {
  name: string;
  route?: unknown;
}

/**
 * Apollo answers /graphql from the place configureApp reserved before Nest's REST routes: a
 * GraphQL request does not walk Express's router past every route first (bench g1's fixed cost).
 */
describe('GraphQL mount', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('is filled in by the driver, in a place before the first REST route', () => {
    const server: Express = t.app.getHttpAdapter().getInstance();
    expect(reservedHandler(server, '/graphql')).not.toBeNull();
    const stack = (server as unknown as { router: { stack: RouterLayer[] } }).router.stack;
    const reserved = stack.findIndex((layer) => layer.name === 'reservedMount');
    const firstRoute = stack.findIndex((layer) => layer.route !== undefined);
    expect(reserved).toBeGreaterThanOrEqual(0);
    expect(firstRoute).toBeGreaterThan(reserved);
  });
});

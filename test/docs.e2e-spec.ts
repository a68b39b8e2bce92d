import SwaggerParser from '@apidevtools/swagger-parser';
import { startApp, TestApp } from './helpers/test-app';

interface Operation {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
  operationId: string;
}
type Spec = { paths: Record<string, Record<string, Operation>> };

const PUBLIC_OPERATIONS = new Set([
  'AuthController_register',
  'AuthController_login',
  'AuthController_refresh',
  'AuthController_logout',
  'AccountsController_verifyEmail',
  'AccountsController_forgotPassword',
  'AccountsController_resetPassword',
  'AccountsController_confirmEmailChange',
  'TwoFactorController_verify',
  'HealthController_live',
  'HealthController_ready',
]);

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let spec: Spec;
  beforeAll(async () => {
    t = await startApp();
    spec = (await t.http().get('/docs-json').expect(200)).body as Spec;
  });
  afterAll(() => t.close());

  it('is a valid OpenAPI document', async () => {
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeDefined();
  });

  it('documents every route the app serves', () => {
    const paths = Object.keys(spec.paths).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        '/auth/register',
        '/auth/login',
        '/auth/refresh',
        '/auth/logout',
        '/auth/logout-all',
        '/users/me',
        '/users',
        '/users/{id}',
        '/health/live',
        '/health/ready',
      ]),
    );
  });

  it('marks every protected route with bearer auth and a 401, and public ones without', () => {
    for (const methods of Object.values(spec.paths)) {
      for (const op of Object.values(methods)) {
        if (PUBLIC_OPERATIONS.has(op.operationId)) {
          expect({ op: op.operationId, security: op.security }).toEqual({
            op: op.operationId,
            security: undefined,
          });
        } else {
          expect({ op: op.operationId, security: op.security }).toEqual({
            op: op.operationId,
            security: [{ 'access-token': [] }],
          });
          expect(Object.keys(op.responses)).toContain('401');
        }
      }
    }
  });

  it('documents the error answers of routes that take input', () => {
    const register = spec.paths['/auth/register']?.post;
    expect(Object.keys(register?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '409', '415', '429']),
    );
    const adminPatch = spec.paths['/users/{id}']?.patch;
    expect(Object.keys(adminPatch?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404']),
    );
  });

  it('describes DTO properties through the CLI plugin (no hand-written decorators needed)', () => {
    const schemas = (
      spec as unknown as {
        components: {
          schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
        };
      }
    ).components.schemas;
    expect(Object.keys(schemas.RegisterDto?.properties ?? {}).sort()).toEqual([
      'displayName',
      'email',
      'password',
    ]);
    expect(schemas.RegisterDto?.required?.sort()).toEqual(['displayName', 'email', 'password']);
    expect(schemas.UserDto?.properties).not.toHaveProperty('passwordHash');
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http().get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
  });
});

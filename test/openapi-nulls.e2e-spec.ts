import type { Response } from 'supertest';
import type { Problem } from '../src/common/errors/problem';
import { buildUserInput } from './factories/user.factory';
import { SignedIn, signInAdmin, signUp } from './helpers/auth';
import { expectProblem } from './helpers/expect-problem';
import { createItem } from './helpers/items';
import { startApp, TestApp } from './helpers/test-app';

/**
 * The spec is the contract a generated client is built from: a property it does not mark nullable
 * must be refused as null, a query parameter it marks required must be refused when missing, and
 * one it leaves optional must not be needed. Every operation in /docs-json is walked, so a new
 * route with a body or a query is covered, or the test fails until it is.
 */

interface SchemaObject {
  $ref?: string;
  allOf?: SchemaObject[];
  properties?: Record<string, SchemaObject>;
  nullable?: boolean;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: SchemaObject }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject> };
}

type Method = 'get' | 'post' | 'patch' | 'delete';
type Caller = 'anonymous' | 'user' | 'admin';

interface Fixtures {
  user: SignedIn;
  admin: SignedIn;
  /** a user the admin may change */
  target: SignedIn;
  /** an item of `user` */
  itemId: string;
}

/** An operation's path with its parameters filled in, and an otherwise valid body or query. */
interface Case {
  as: Caller;
  path: (f: Fixtures) => string;
  valid: (f: Fixtures) => Record<string, unknown>;
}

const BODY_CASES: Record<string, Case> = {
  UsersController_updateMe: {
    as: 'user',
    path: () => '/users/me',
    valid: (f) => ({
      displayName: 'Null Walker',
      password: 'another-password-123',
      currentPassword: f.user.password,
    }),
  },
  UsersController_update: {
    as: 'admin',
    path: (f) => `/users/${f.target.id}`,
    valid: () => ({ displayName: 'Null Walker', role: 'user', isActive: true }),
  },
  AuthController_register: {
    as: 'anonymous',
    path: () => '/auth/register',
    valid: () => ({ ...buildUserInput() }),
  },
  AuthController_login: {
    as: 'anonymous',
    path: () => '/auth/login',
    valid: (f) => ({ email: f.user.email, password: f.user.password }),
  },
  AuthController_refresh: {
    as: 'anonymous',
    path: () => '/auth/refresh',
    valid: (f) => ({ refreshToken: f.user.refreshToken }),
  },
  AuthController_logout: {
    as: 'anonymous',
    path: () => '/auth/logout',
    valid: (f) => ({ refreshToken: f.user.refreshToken }),
  },
  AccountsController_verifyEmail: {
    as: 'anonymous',
    path: () => '/auth/verify-email',
    valid: () => ({ token: 'A'.repeat(43) }),
  },
  AccountsController_forgotPassword: {
    as: 'anonymous',
    path: () => '/auth/password/forgot',
    valid: () => ({ email: buildUserInput().email }),
  },
  AccountsController_resetPassword: {
    as: 'anonymous',
    path: () => '/auth/password/reset',
    valid: () => ({ token: 'A'.repeat(43), password: 'another-password-123' }),
  },
  AccountsController_requestEmailChange: {
    as: 'user',
    path: () => '/users/me/email',
    valid: (f) => ({ currentPassword: f.user.password, newEmail: buildUserInput().email }),
  },
  AccountsController_confirmEmailChange: {
    as: 'anonymous',
    path: () => '/auth/email/confirm',
    valid: () => ({ token: 'A'.repeat(43) }),
  },
  TwoFactorController_confirm: {
    as: 'user',
    path: () => '/auth/2fa/confirm',
    valid: () => ({ code: '123456' }),
  },
  TwoFactorController_disable: {
    as: 'user',
    path: () => '/auth/2fa/disable',
    valid: (f) => ({ password: f.user.password, code: '123456' }),
  },
  TwoFactorController_verify: {
    as: 'anonymous',
    path: () => '/auth/2fa/verify',
    valid: () => ({ challenge: 'x'.repeat(43), code: '123456' }),
  },
  ItemsController_create: {
    as: 'user',
    path: () => '/items',
    valid: () => ({ title: 'Null walk', body: 'text', tags: ['nulls'], status: 'draft' }),
  },
  ItemsController_update: {
    as: 'user',
    path: (f) => `/items/${f.itemId}`,
    valid: () => ({ title: 'Null walk', body: 'text', tags: ['nulls'], status: 'published' }),
  },
};

const QUERY_CASES: Record<string, Case> = {
  UsersController_list: { as: 'admin', path: () => '/users', valid: () => ({ limit: 5 }) },
  ItemsController_list: {
    as: 'user',
    path: () => '/items',
    valid: () => ({ limit: 5, status: 'draft', sort: 'title', order: 'asc', tag: 'nulls' }),
  },
  SearchController_items: {
    as: 'user',
    path: () => '/search/items',
    valid: () => ({ q: 'walk', limit: 5, status: 'draft', tag: 'nulls' }),
  },
  SearchController_suggest: {
    as: 'user',
    path: () => '/search/items/suggest',
    valid: () => ({ q: 'wa' }),
  },
};

function operations(spec: Spec): Array<Operation & { method: Method; path: string }> {
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ ...op, method: method as Method, path })),
  );
}

/** The top-level properties of a body schema, following $ref and allOf. */
function propertiesOf(spec: Spec, schema: SchemaObject): Record<string, SchemaObject> {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return propertiesOf(spec, spec.components.schemas[name]);
  }
  const inherited = (schema.allOf ?? []).map((part) => propertiesOf(spec, part));
  return Object.assign({}, ...inherited, schema.properties ?? {}) as Record<string, SchemaObject>;
}

const fieldsOf = (problem: Problem): string[] => (problem.errors ?? []).map((e) => e.field);

describe('the OpenAPI document and the server agree on null and required', () => {
  let t: TestApp;
  let spec: Spec;
  let fixtures: Fixtures;

  beforeAll(async () => {
    t = await startApp();
    spec = (await t.http().get('/docs-json').expect(200)).body as Spec;
    const user = await signUp(t.http);
    fixtures = {
      user,
      admin: await signInAdmin(t.http),
      target: await signUp(t.http),
      itemId: (await createItem(t.http, user.bearer, { title: 'Null walk' })).id,
    };
  });
  afterAll(() => t.close());

  function send(
    op: { method: Method; operationId: string },
    c: Case,
    options: { body?: Record<string, unknown>; query?: Record<string, unknown> },
  ): Promise<Response> {
    let req = t.http()[op.method](c.path(fixtures));
    const bearer = c.as === 'anonymous' ? undefined : fixtures[c.as].bearer;
    if (bearer) req = req.set('Authorization', bearer);
    if (options.query) req = req.query(options.query);
    return options.body ? req.send(options.body) : req;
  }

  it('has a case for every operation with a JSON body or query parameters, and no stale case', () => {
    const ops = operations(spec);
    const withBody = ops.filter((op) => op.requestBody?.content['application/json']);
    const withQuery = ops.filter((op) => (op.parameters ?? []).some((p) => p.in === 'query'));
    expect(withBody.map((op) => op.operationId).sort()).toEqual(Object.keys(BODY_CASES).sort());
    expect(withQuery.map((op) => op.operationId).sort()).toEqual(Object.keys(QUERY_CASES).sort());
  });

  it('refuses null with 400 validation_failed on that field, for every non-nullable property', async () => {
    let checked = 0;
    for (const op of operations(spec)) {
      const schema = op.requestBody?.content['application/json']?.schema;
      const c = BODY_CASES[op.operationId];
      if (!schema || !c) continue;
      const properties = propertiesOf(spec, schema);
      expect({ op: op.operationId, properties: Object.keys(properties).length > 0 }).toEqual({
        op: op.operationId,
        properties: true,
      });
      for (const [name, property] of Object.entries(properties)) {
        if (property.nullable) continue;
        const res = await send(op, c, { body: { ...c.valid(fixtures), [name]: null } });
        const problem = expectProblem(res, 400, 'validation_failed');
        // Only that field: the rest of the body is valid, so the null alone was refused.
        expect({ op: op.operationId, fields: [...new Set(fieldsOf(problem))] }).toEqual({
          op: op.operationId,
          fields: [name],
        });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('refuses a missing required query parameter, and needs none of the optional ones', async () => {
    for (const op of operations(spec)) {
      const c = QUERY_CASES[op.operationId];
      if (!c) continue;
      const query = (op.parameters ?? []).filter((p) => p.in === 'query');
      const required = query.filter((p) => p.required).map((p) => p.name);
      const valid = c.valid(fixtures);
      const onlyRequired = Object.fromEntries(required.map((name) => [name, valid[name]]));
      const minimal = await send(op, c, { query: onlyRequired });
      expect({ op: op.operationId, status: minimal.status }).toEqual({
        op: op.operationId,
        status: 200,
      });
      expect((await send(op, c, { query: valid })).status).toBe(200);
      for (const name of required) {
        const rest = Object.fromEntries(Object.entries(valid).filter(([key]) => key !== name));
        const problem = expectProblem(await send(op, c, { query: rest }), 400, 'validation_failed');
        expect(fieldsOf(problem)).toContain(name);
      }
    }
  });

  describe('the cases found by a generated client', () => {
    const admin = () => fixtures.admin.bearer;

    it('an admin’s PATCH /users/{id} with role null is 400 (was a 500 on MariaDB) and changes nothing', async () => {
      const res = await t
        .http()
        .patch(`/users/${fixtures.target.id}`)
        .set('Authorization', admin())
        .send({ role: null });
      expect(new Set(fieldsOf(expectProblem(res, 400, 'validation_failed')))).toEqual(
        new Set(['role']),
      );
      const after = await t
        .http()
        .get(`/users/${fixtures.target.id}`)
        .set('Authorization', admin())
        .expect(200);
      expect(after.body).toMatchObject({ role: 'user', isActive: true });
    });

    it('PATCH /users/me and PATCH /users/{id} that change nothing are 400 on body', async () => {
      const me = () => t.http().patch('/users/me').set('Authorization', fixtures.user.bearer);
      for (const res of [
        await me(),
        await me().send({}),
        await me().send({ currentPassword: fixtures.user.password }),
        await t.http().patch(`/users/${fixtures.target.id}`).set('Authorization', admin()).send({}),
      ]) {
        expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toEqual(['body']);
      }
    });

    it('POST /auth/logout without a body is what the spec says: optional, 204 (the cookie may carry the token)', async () => {
      const op = spec.paths['/auth/logout'].post;
      expect(op.requestBody?.required).not.toBe(true);
      await t.http().post('/auth/logout').expect(204);
    });

    it('PATCH /users/me with a real change still works', async () => {
      const res = await t
        .http()
        .patch('/users/me')
        .set('Authorization', fixtures.user.bearer)
        .send({ displayName: 'Still Works' })
        .expect(200);
      expect(res.body).toMatchObject({ displayName: 'Still Works' });
    });
  });
});

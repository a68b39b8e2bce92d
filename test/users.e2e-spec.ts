import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource, In } from 'typeorm';
import { UserEntity } from '../src/modules/users/user.entity';
import { buildUserInput } from './factories/user.factory';
import { login, signInAdmin, signUp, SignedIn, USER_KEYS } from './helpers/auth';
import { expectProblem } from './helpers/expect-problem';
import { fieldsOf } from './helpers/problem-shape';
import { startApp, TestApp } from './helpers/test-app';
import type { Problem } from '../src/common/errors/problem';

/** A supertest expectation: a problem+json answer with this status and code. */
const answers =
  (status: number, code: string) =>
  (res: Response): void => {
    expectProblem(res, status, code);
  };

interface UserBody {
  id: string;
  email: string;
  displayName: string;
  role: 'user' | 'admin';
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

interface UserPage {
  data: UserBody[];
  nextCursor: string | null;
}

/** A user as the API shows it: exactly the public fields, never the hash or anything like it. */
function expectPublicUser(value: unknown): UserBody {
  const user = value as UserBody;
  expect(Object.keys(user).sort()).toEqual(USER_KEYS);
  const text = JSON.stringify(user);
  expect(text).not.toMatch(/password/i);
  expect(text).not.toContain('$argon2');
  return user;
}

describe('users', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await startApp();
    admin = await signInAdmin(t.http);
  });
  afterAll(() => t.close());

  const me = (user: SignedIn) => t.http().get('/users/me').set('Authorization', user.bearer);
  const patchMe = (user: SignedIn, body: object) =>
    t.http().patch('/users/me').set('Authorization', user.bearer).send(body);
  const adminGet = (id: string) => t.http().get(`/users/${id}`).set('Authorization', admin.bearer);
  const adminPatch = (id: string, body: object) =>
    t.http().patch(`/users/${id}`).set('Authorization', admin.bearer).send(body);
  const adminDelete = (id: string) =>
    t.http().delete(`/users/${id}`).set('Authorization', admin.bearer);

  describe('GET /users/me', () => {
    it('returns the signed-in user with public fields only', async () => {
      const input = buildUserInput();
      await t.http().post('/auth/register').send(input).expect(201);
      const user = await login(t.http, input.email, input.password);
      const body = expectPublicUser((await me(user).expect(200)).body);
      expect(body).toMatchObject({
        id: user.id,
        email: input.email,
        displayName: input.displayName,
        role: 'user',
        isActive: true,
      });
    });

    it('requires an access token', async () => {
      expectProblem(await t.http().get('/users/me'), 401, 'token_invalid');
    });
  });

  describe('PATCH /users/me', () => {
    it('changes the display name, and the change persists', async () => {
      const user = await signUp(t.http);
      const res = await patchMe(user, { displayName: 'Grace Hopper' }).expect(200);
      expect(expectPublicUser(res.body).displayName).toBe('Grace Hopper');
      const after = expectPublicUser((await me(user).expect(200)).body);
      expect(after.displayName).toBe('Grace Hopper');
      expect((await adminGet(user.id).expect(200)).body).toMatchObject({
        displayName: 'Grace Hopper',
      });
    });

    it('refuses a wrong currentPassword with 400 on currentPassword and keeps the password', async () => {
      const user = await signUp(t.http);
      const res = await patchMe(user, {
        password: 'brand-new-password',
        currentPassword: 'not-my-password',
      });
      expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toContain('currentPassword');
      await t
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: 'brand-new-password' })
        .expect(answers(401, 'invalid_credentials'));
      await login(t.http, user.email, user.password);
    });

    it('refuses a password change without currentPassword and keeps the password', async () => {
      const user = await signUp(t.http);
      const res = await patchMe(user, { password: 'brand-new-password' });
      expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toContain('currentPassword');
      await t
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: 'brand-new-password' })
        .expect(answers(401, 'invalid_credentials'));
      await login(t.http, user.email, user.password);
    });

    it('changes the password with the right currentPassword: the old one stops working', async () => {
      const user = await signUp(t.http);
      const res = await patchMe(user, {
        password: 'brand-new-password',
        currentPassword: user.password,
      }).expect(200);
      expectPublicUser(res.body);
      const old = await t
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: user.password });
      expectProblem(old, 401, 'invalid_credentials');
      const again = await login(t.http, user.email, 'brand-new-password');
      expect(again.id).toBe(user.id);
    });

    it('applies the password policy to the new password', async () => {
      const user = await signUp(t.http);
      const res = await patchMe(user, { password: 'short', currentPassword: user.password });
      expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toContain('password');
      await login(t.http, user.email, user.password);
    });

    it.each([
      ['role', { role: 'admin' }],
      ['email', { email: 'someone-else@example.test' }],
      ['isActive', { isActive: false }],
    ])(
      'rejects %s in the body with 400 and changes nothing',
      async (field, extra: Record<string, unknown>) => {
        const user = await signUp(t.http);
        const before = expectPublicUser((await me(user).expect(200)).body);
        const res = await patchMe(user, { displayName: 'Changed Name', ...extra });
        expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toContain(field);

        const after = expectPublicUser((await me(user).expect(200)).body);
        expect(after).toMatchObject({
          role: 'user',
          email: before.email,
          isActive: true,
          displayName: before.displayName,
        });
        // Still a plain user where it matters.
        expectProblem(
          await t.http().get('/users').set('Authorization', user.bearer),
          403,
          'forbidden',
        );
      },
    );
  });

  describe('admin-only routes, as a normal user', () => {
    let user: SignedIn;
    let other: SignedIn;
    let otherBefore: UserBody;

    beforeAll(async () => {
      user = await signUp(t.http);
      other = await signUp(t.http);
      otherBefore = expectPublicUser((await me(other).expect(200)).body);
    });

    const as = (u: SignedIn, method: 'get' | 'patch' | 'delete', path: string) =>
      t.http()[method](path).set('Authorization', u.bearer);

    it('GET /users → 403 problem+json', async () => {
      const problem = expectProblem(await as(user, 'get', '/users'), 403, 'forbidden');
      expect(problem.instance).toBe('/users');
    });

    it('GET /users/:id → 403, for their own id and for another user', async () => {
      expectProblem(await as(user, 'get', `/users/${user.id}`), 403, 'forbidden');
      expectProblem(await as(user, 'get', `/users/${other.id}`), 403, 'forbidden');
    });

    it('PATCH /users/:id on their own id → 403 and their role is unchanged', async () => {
      const res = await as(user, 'patch', `/users/${user.id}`).send({ role: 'admin' });
      expectProblem(res, 403, 'forbidden');
      expect(expectPublicUser((await me(user).expect(200)).body).role).toBe('user');
      expectProblem(await as(user, 'get', '/users'), 403, 'forbidden');
    });

    it('PATCH /users/:id on another user → 403 and that user is unchanged', async () => {
      const res = await as(user, 'patch', `/users/${other.id}`).send({
        displayName: 'Hacked',
        role: 'admin',
        isActive: false,
      });
      expectProblem(res, 403, 'forbidden');
      const after = expectPublicUser((await me(other).expect(200)).body);
      expect(after).toEqual(otherBefore);
    });

    it('DELETE /users/:id on another user or themselves → 403 and both still exist', async () => {
      expectProblem(await as(user, 'delete', `/users/${other.id}`), 403, 'forbidden');
      expectProblem(await as(user, 'delete', `/users/${user.id}`), 403, 'forbidden');
      expect(expectPublicUser((await me(other).expect(200)).body)).toEqual(otherBefore);
      await adminGet(other.id).expect(200);
      await adminGet(user.id).expect(200);
      await me(user).expect(200);
    });
  });

  describe('GET /users (admin)', () => {
    it('pages with a cursor: every user exactly once, nextCursor null on the last page', async () => {
      // Created concurrently, so several may share a createdAt millisecond: the id breaks ties.
      const created = await Promise.all(
        Array.from({ length: 7 }, async () => {
          const res = await t.http().post('/auth/register').send(buildUserInput()).expect(201);
          return (res.body as UserBody).id;
        }),
      );

      const seen: string[] = [];
      const pages: UserPage[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = { limit: 3 };
        if (cursor !== null) query.cursor = cursor;
        const res = await t
          .http()
          .get('/users')
          .query(query)
          .set('Authorization', admin.bearer)
          .expect(200);
        const page = res.body as UserPage;
        page.data.forEach(expectPublicUser);
        pages.push(page);
        seen.push(...page.data.map((u) => u.id));
        cursor = page.nextCursor;
        expect(pages.length).toBeLessThan(100);
      } while (cursor !== null);

      expect(new Set(seen).size).toBe(seen.length);
      for (const id of created) expect(seen).toContain(id);
      // Admin + the users of the tests before + these 7: more than two pages.
      expect(pages.length).toBeGreaterThanOrEqual(3);
      for (const page of pages.slice(0, -1)) {
        expect(page.data).toHaveLength(3);
        expect(page.nextCursor).toEqual(expect.any(String));
      }
      const last = pages[pages.length - 1];
      expect(last?.nextCursor).toBeNull();
      expect(last?.data.length).toBeGreaterThanOrEqual(1);
      expect(last?.data.length).toBeLessThanOrEqual(3);

      // Oldest first, and the unpaged list holds the same users in the same order.
      const all = pages.flatMap((p) => p.data);
      const times = all.map((u) => Date.parse(u.createdAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const whole = await t
        .http()
        .get('/users')
        .query({ limit: 100 })
        .set('Authorization', admin.bearer)
        .expect(200);
      expect((whole.body as UserPage).data.map((u) => u.id)).toEqual(seen);
      expect((whole.body as UserPage).nextCursor).toBeNull();
    });

    it('breaks createdAt ties by id: users created in the same millisecond are each listed once', async () => {
      const created = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const res = await t.http().post('/auth/register').send(buildUserInput()).expect(201);
          return (res.body as UserBody).id;
        }),
      );
      // Force the tie the keyset must handle: several rows with the very same createdAt.
      await t.app
        .get(DataSource)
        .getRepository(UserEntity)
        .update({ id: In(created) }, { createdAt: new Date('2001-02-03T04:05:06.789Z') });

      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 100; i += 1) {
        const query: Record<string, string | number> = { limit: 2 };
        if (cursor !== null) query.cursor = cursor;
        const res = await t
          .http()
          .get('/users')
          .query(query)
          .set('Authorization', admin.bearer)
          .expect(200);
        const page = res.body as UserPage;
        seen.push(...page.data.map((u) => u.id));
        cursor = page.nextCursor;
        if (cursor === null) break;
      }
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      // The five tied users are the oldest rows now, listed first in id order.
      expect(seen.slice(0, 5)).toEqual([...created].sort());
    });

    it.each(['0', '101', '-1', 'abc', '2.5'])('refuses limit=%s with 400', async (limit) => {
      const res = await t.http().get('/users').query({ limit }).set('Authorization', admin.bearer);
      expect(fieldsOf(expectProblem(res, 400, 'validation_failed'))).toContain('limit');
    });

    it.each([
      ['garbage', 'not-a-cursor!!'],
      ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
      ['wrong shape', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
      ['bad date', Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url')],
    ])('refuses a %s cursor with 400 invalid_cursor', async (_label, cursor) => {
      const res = await t.http().get('/users').query({ cursor }).set('Authorization', admin.bearer);
      expectProblem(res, 400, 'invalid_cursor');
    });
  });

  describe('GET /users with a forged but well-formed cursor', () => {
    it.each([
      ['a far-future date', '+275760-09-13T00:00:00.000Z'],
      ['a negative year', '-000001-01-01T00:00:00.000Z'],
      ['year zero', '0000-01-01T00:00:00.000Z'],
    ])('answers with a page or invalid_cursor for %s, never a server error', async (_l, date) => {
      const cursor = Buffer.from(JSON.stringify([date, 'x'.repeat(300)])).toString('base64url');
      const res = await t.http().get('/users').query({ cursor }).set('Authorization', admin.bearer);
      expect([200, 400]).toContain(res.status);
      if (res.status === 400) expect((res.body as Problem).code).toBe('invalid_cursor');
    });
  });

  describe('GET /users/:id (admin)', () => {
    it('returns the user', async () => {
      const user = await signUp(t.http);
      const body = expectPublicUser((await adminGet(user.id).expect(200)).body);
      expect(body).toMatchObject({ id: user.id, email: user.email, role: 'user' });
    });

    it('answers 404 for an unknown uuid', async () => {
      const id = randomUUID();
      const problem = expectProblem(await adminGet(id), 404, 'not_found');
      expect(problem.instance).toBe(`/users/${id}`);
    });

    it('answers 400 for an id that is not a uuid', async () => {
      const problem = expectProblem(await adminGet('not-a-uuid'), 400, 'validation_failed');
      expect(fieldsOf(problem)).toEqual(['id']);
    });
  });

  describe('PATCH /users/:id (admin)', () => {
    it('promotes a user to admin, who can then list users', async () => {
      const user = await signUp(t.http);
      expectProblem(
        await t.http().get('/users').set('Authorization', user.bearer),
        403,
        'forbidden',
      );
      const res = await adminPatch(user.id, { role: 'admin' }).expect(200);
      expect(expectPublicUser(res.body).role).toBe('admin');
      expect((await adminGet(user.id).expect(200)).body).toMatchObject({ role: 'admin' });
      await t.http().get('/users').set('Authorization', user.bearer).expect(200);
    });

    it('deactivates a user: the flag is stored and their token stops working', async () => {
      const user = await signUp(t.http);
      const res = await adminPatch(user.id, { isActive: false }).expect(200);
      expect(expectPublicUser(res.body).isActive).toBe(false);
      expect((await adminGet(user.id).expect(200)).body).toMatchObject({ isActive: false });
      await me(user).expect(answers(401, 'token_invalid'));
    });

    it('refuses an unknown role, and email or password changes, with 400', async () => {
      const user = await signUp(t.http);
      for (const body of [{ role: 'superuser' }, { email: 'x@example.test' }, { password: 'p' }]) {
        expectProblem(await adminPatch(user.id, body), 400, 'validation_failed');
      }
      expect(expectPublicUser((await adminGet(user.id).expect(200)).body)).toMatchObject({
        role: 'user',
        email: user.email,
      });
      await login(t.http, user.email, user.password);
    });

    it('answers 404 for an unknown uuid and 400 for a non-uuid', async () => {
      expectProblem(await adminPatch(randomUUID(), { displayName: 'X' }), 404, 'not_found');
      expectProblem(await adminPatch('123', { displayName: 'X' }), 400, 'validation_failed');
    });
  });

  describe('an admin cannot lock themselves out', () => {
    it('demoting self → 409', async () => {
      expectProblem(
        await adminPatch(admin.id, { role: 'user' }),
        409,
        'cannot_change_own_admin_access',
      );
    });

    it('deactivating self → 409', async () => {
      expectProblem(
        await adminPatch(admin.id, { isActive: false }),
        409,
        'cannot_change_own_admin_access',
      );
    });

    it('deleting self → 409', async () => {
      expectProblem(await adminDelete(admin.id), 409, 'cannot_change_own_admin_access');
    });

    it('after those attempts the admin is still an active admin', async () => {
      await adminPatch(admin.id, { role: 'user' });
      await adminPatch(admin.id, { isActive: false });
      await adminDelete(admin.id);
      const body = expectPublicUser((await me(admin).expect(200)).body);
      expect(body).toMatchObject({ role: 'admin', isActive: true });
      await t.http().get('/users').set('Authorization', admin.bearer).expect(200);
    });
  });

  describe('DELETE /users/:id (admin)', () => {
    it('deletes: 204, then 404, and the user’s tokens stop working', async () => {
      const user = await signUp(t.http);
      const res = await adminDelete(user.id).expect(204);
      expect(res.text).toBe('');
      expectProblem(await adminGet(user.id), 404, 'not_found');
      expectProblem(await me(user), 401, 'token_invalid');
      await t
        .http()
        .post('/auth/refresh')
        .send({ refreshToken: user.refreshToken })
        .expect(answers(401, 'refresh_token_invalid'));
      await t
        .http()
        .post('/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(answers(401, 'invalid_credentials'));
      const list = await t
        .http()
        .get('/users')
        .query({ limit: 100 })
        .set('Authorization', admin.bearer)
        .expect(200);
      expect((list.body as UserPage).data.map((u) => u.id)).not.toContain(user.id);
    });

    it('answers 404 for an unknown uuid, also on a second delete', async () => {
      const user = await signUp(t.http);
      await adminDelete(user.id).expect(204);
      expectProblem(await adminDelete(user.id), 404, 'not_found');
      expectProblem(await adminDelete(randomUUID()), 404, 'not_found');
    });

    it('frees the email: it can be registered again', async () => {
      const user = await signUp(t.http);
      await adminDelete(user.id).expect(204);
      await t
        .http()
        .post('/auth/register')
        .send(buildUserInput({ email: user.email }))
        .expect(201);
    });
  });

  describe('no response shows a password hash', () => {
    it('register, me, patch me, admin list/get/patch', async () => {
      const input = buildUserInput();
      const responses: Response[] = [];
      responses.push(await t.http().post('/auth/register').send(input).expect(201));
      const user = await login(t.http, input.email, input.password);
      responses.push(await me(user).expect(200));
      responses.push(await patchMe(user, { displayName: 'New Name' }).expect(200));
      responses.push(
        await patchMe(user, {
          password: 'another-password-1',
          currentPassword: input.password,
        }).expect(200),
      );
      responses.push(
        await t
          .http()
          .get('/users')
          .query({ limit: 100 })
          .set('Authorization', admin.bearer)
          .expect(200),
      );
      responses.push(await adminGet(user.id).expect(200));
      responses.push(await adminPatch(user.id, { displayName: 'By Admin' }).expect(200));
      for (const res of responses) {
        expect(res.text).not.toMatch(/passwordHash|password_hash|\$argon2/i);
        expect(res.text).not.toContain(input.password);
      }
    });
  });
});

import { JwtService } from '@nestjs/jwt';
import type TestAgent from 'supertest/lib/agent';
import { buildUserInput, UserInput } from '../factories/user.factory';
import type { AppConfig } from '../../src/config/configuration';
import { TEST_ADMIN } from './test-app';

export interface SignedIn {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** `Authorization` header value */
  bearer: string;
}

export async function login(
  http: () => TestAgent,
  email: string,
  password: string,
): Promise<SignedIn> {
  const res = await http().post('/auth/login').send({ email, password }).expect(200);
  const body = res.body as { accessToken: string; refreshToken: string };
  const me = await http()
    .get('/users/me')
    .set('Authorization', `Bearer ${body.accessToken}`)
    .expect(200);
  return {
    id: (me.body as { id: string }).id,
    email,
    password,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    bearer: `Bearer ${body.accessToken}`,
  };
}

/** Registers a new user and signs them in. */
export async function signUp(
  http: () => TestAgent,
  overrides: Partial<UserInput> = {},
): Promise<SignedIn> {
  const input = buildUserInput(overrides);
  await http().post('/auth/register').send(input).expect(201);
  return login(http, input.email, input.password);
}

/** Signs in the admin that startApp creates from ADMIN_EMAIL/ADMIN_PASSWORD. */
export function signInAdmin(http: () => TestAgent): Promise<SignedIn> {
  return login(http, TEST_ADMIN.email, TEST_ADMIN.password);
}

/** Deactivates a user as the admin does (PATCH /users/:id { isActive: false }). */
export async function deactivate(http: () => TestAgent, user: { id: string }): Promise<void> {
  const admin = await signInAdmin(http);
  await http()
    .patch(`/users/${user.id}`)
    .set('Authorization', admin.bearer)
    .send({ isActive: false })
    .expect(200);
}

/** Every key of the user DTO (GET /users/me, sign-up, admin views), sorted. */
export const USER_KEYS = [
  'createdAt',
  'displayName',
  'email',
  'emailVerified',
  'id',
  'isActive',
  'role',
  'updatedAt',
];

/** An access token for `userId` signed with the app's own HS256 secret, issuer and audience. */
export function signAccessToken(
  config: Pick<AppConfig, 'jwt'>,
  userId: string,
  expiresInSeconds: number,
): string {
  return new JwtService({ secret: config.jwt.secret ?? '' }).sign(
    { sub: userId },
    {
      algorithm: 'HS256',
      expiresIn: expiresInSeconds,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    },
  );
}

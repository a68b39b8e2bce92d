import { randomBytes } from 'node:crypto';

export interface UserInput {
  email: string;
  password: string;
  displayName: string;
}

let sequence = 0;

/** A valid registration body with a unique email. */
export function buildUserInput(overrides: Partial<UserInput> = {}): UserInput {
  sequence += 1;
  const tag = `${sequence}-${randomBytes(3).toString('hex')}`;
  return {
    email: `user-${tag}@example.test`,
    password: `password-${tag}`,
    displayName: `User ${tag}`,
    ...overrides,
  };
}

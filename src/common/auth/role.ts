export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making the request, as the auth guard resolved it (never the raw token claims). */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
}

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making the request, as the auth guard resolved it (never the raw token claims). */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  /**
   * The session (sign-in) of the access token, its `sid` claim; absent when the user was resolved
   * some other way, or for tokens issued before access tokens carried it.
   */
  sessionId?: string;
}

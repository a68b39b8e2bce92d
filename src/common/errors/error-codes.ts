/** What one error code means: the HTTP status it is answered with and when a client sees it. */
export interface ErrorCodeInfo {
  status: number;
  description: string;
}

/**
 * Every error code Keel answers with, and the one place a code gets its status. Clients switch on
 * `code`, so a code names one situation and never changes meaning; docs/errors.md lists the same
 * table (a unit test keeps the two equal) and the OpenAPI problem schema is generated from it.
 */
export const ERROR_CODES = {
  bad_request: {
    status: 400,
    description: 'The request could not be understood and no more specific code applies.',
  },
  validation_failed: {
    status: 400,
    description:
      'A field or query parameter is missing, null where the spec does not allow it, or invalid; `errors[]` names each field.',
  },
  malformed_json: { status: 400, description: 'The request body is not valid JSON.' },
  hostile_json: {
    status: 400,
    description:
      'The JSON body is refused before validation: nested too deep, too many elements, or a `__proto__`/`constructor`/`prototype` key.',
  },
  invalid_cursor: {
    status: 400,
    description:
      'The `cursor` is not one this API issued (or belongs to another sort); start again without it.',
  },
  query_too_complex: {
    status: 400,
    description:
      'A GraphQL operation is over a limit (depth, cost, aliases or tokens) or is a batch; see docs/graphql.md#limits.',
  },
  account_token_invalid: {
    status: 400,
    description:
      'The emailed link (verify email, reset password, change email) is unknown, already used, expired, or for another action; ask for a new one.',
  },
  unauthorized: {
    status: 401,
    description:
      'Authentication is required and no more specific code applies (the metrics token is missing or wrong).',
  },
  invalid_credentials: {
    status: 401,
    description:
      'Sign-in failed: unknown email, wrong password or deactivated account (one answer for all).',
  },
  token_invalid: {
    status: 401,
    description:
      'The bearer access token is missing, malformed, badly signed, or its user can no longer sign in.',
  },
  token_expired: { status: 401, description: 'The access token has expired; refresh it.' },
  refresh_token_invalid: {
    status: 401,
    description:
      'The refresh token is missing, unknown, expired, revoked or was already used; sign in again.',
  },
  two_factor_code_invalid: {
    status: 401,
    description:
      'The two-factor code is wrong, outside its 30-second window (±1), already used, or the recovery code is unknown or spent.',
  },
  two_factor_challenge_invalid: {
    status: 401,
    description:
      'The sign-in challenge of `POST /auth/2fa/verify` is unknown, expired or already used; sign in again.',
  },
  two_factor_required: {
    status: 401,
    description:
      'GraphQL `login` for an account with two-factor on: sign in over REST (`POST /auth/login`, then `POST /auth/2fa/verify`).',
  },
  forbidden: {
    status: 403,
    description: 'Signed in, but the role or ownership does not allow this.',
  },
  email_not_verified: {
    status: 403,
    description:
      'Sign-in refused until the email is verified (AUTH_REQUIRE_VERIFIED_EMAIL=true); the password was right.',
  },
  not_found: {
    status: 404,
    description:
      'The resource does not exist, or the caller may not see it (existence is not revealed).',
  },
  session_not_found: {
    status: 404,
    description:
      "The caller has no live session with this id (someone else's is not revealed: same answer).",
  },
  route_not_found: { status: 404, description: 'No route matches this method and path.' },
  conflict: {
    status: 409,
    description: 'The request breaks a uniqueness rule that has no more specific code.',
  },
  email_taken: {
    status: 409,
    description: 'An account with this email (compared case-insensitively) already exists.',
  },
  cannot_change_own_admin_access: {
    status: 409,
    description: 'An admin tried to demote, deactivate or delete their own account.',
  },
  user_owns_items: {
    status: 409,
    description: 'The user still owns items and cannot be deleted; deactivate the account instead.',
  },
  item_version_conflict: {
    status: 409,
    description:
      'Another request changed the item between this request reading and writing it; fetch it and retry.',
  },
  item_not_deleted: {
    status: 409,
    description: 'Restore was asked for an item that is not deleted.',
  },
  idempotency_key_reused: {
    status: 409,
    description: 'This Idempotency-Key was already used with a different request body.',
  },
  two_factor_already_enabled: {
    status: 409,
    description: 'Two-factor is already on; disable it before enrolling again.',
  },
  two_factor_not_pending: {
    status: 409,
    description: 'Confirm was asked with no pending two-factor enrolment; enrol first.',
  },
  two_factor_not_enabled: {
    status: 409,
    description: 'Disable was asked while two-factor is off.',
  },
  reindex_already_active: {
    status: 409,
    description: 'A reindex is already queued or running; wait for it to end.',
  },
  precondition_failed: {
    status: 412,
    description:
      'If-Match names a version that is no longer the current one; fetch the item again.',
  },
  payload_too_large: { status: 413, description: 'The request body is over BODY_LIMIT.' },
  unsupported_media_type: {
    status: 415,
    description: 'The request body is not JSON (Content-Type), or not UTF-8.',
  },
  too_many_requests: {
    status: 429,
    description: 'Rate limited; wait for the seconds in Retry-After.',
  },
  internal: {
    status: 500,
    description: 'An unexpected error; quote `requestId` when reporting it.',
  },
  service_unavailable: {
    status: 503,
    description:
      'A dependency this request needs (the database) is unreachable, or the process is shutting down; retry after Retry-After.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ALL_ERROR_CODES = Object.keys(ERROR_CODES) as ErrorCode[];

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/** The codes answered with this status, in table order. */
export function codesWithStatus(status: number): ErrorCode[] {
  return ALL_ERROR_CODES.filter((code) => ERROR_CODES[code].status === status);
}

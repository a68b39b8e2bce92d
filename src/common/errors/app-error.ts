/** Every error code Keel answers with; the filter maps each to an HTTP status exhaustively. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'malformed_json'
  | 'hostile_json'
  | 'missing_body'
  | 'invalid_cursor'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'token_invalid'
  | 'token_expired'
  | 'refresh_token_invalid'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'service_unavailable'
  | 'internal';

export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  errors?: FieldError[];
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * Base of all domain errors. The message is safe to show to clients (it becomes `detail`);
 * anything internal goes in `cause`, which is logged and never sent.
 */
export class AppError extends Error {
  readonly errors?: FieldError[];
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class ValidationFailed extends AppError {
  constructor(errors: FieldError[]) {
    super('validation_failed', 'The request is not valid; see errors[] for each field.', {
      errors,
    });
  }
}

export class InvalidCursor extends AppError {
  constructor() {
    super('invalid_cursor', 'The cursor is not one this API issued; start again without it.');
  }
}

import type { ErrorCode } from './error-codes';

export type { ErrorCode } from './error-codes';

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

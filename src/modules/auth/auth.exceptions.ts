import { AppError } from '../../common/errors/app-error';

export class InvalidCredentials extends AppError {
  constructor() {
    super('invalid_credentials', 'The email or password is not correct.');
  }
}

export class RefreshTokenInvalid extends AppError {
  constructor() {
    super('refresh_token_invalid', 'The refresh token is not valid; sign in again.');
  }
}

export class TokenExpired extends AppError {
  constructor() {
    super('token_expired', 'The access token has expired; refresh it.');
  }
}

export class TokenInvalid extends AppError {
  constructor() {
    super('token_invalid', 'A valid bearer access token is required.');
  }
}

export class InsufficientRole extends AppError {
  constructor() {
    super('forbidden', 'Your role does not allow this.');
  }
}

export class RateLimited extends AppError {
  constructor(retryAfterSeconds: number) {
    super('too_many_requests', 'Too many attempts; wait before trying again.', {
      retryAfterSeconds,
    });
  }
}

export class SessionNotFound extends AppError {
  constructor() {
    super('session_not_found', 'You have no live session with this id.');
  }
}

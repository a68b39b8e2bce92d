import { AppError } from '../../../common/errors/app-error';

export class TwoFactorAlreadyEnabled extends AppError {
  constructor() {
    super('two_factor_already_enabled', 'Two-factor sign-in is already on; disable it first.');
  }
}

export class TwoFactorNotPending extends AppError {
  constructor() {
    super('two_factor_not_pending', 'There is no two-factor enrolment to confirm; enrol first.');
  }
}

export class TwoFactorNotEnabled extends AppError {
  constructor() {
    super('two_factor_not_enabled', 'Two-factor sign-in is not on.');
  }
}

export class TwoFactorCodeInvalid extends AppError {
  constructor() {
    super(
      'two_factor_code_invalid',
      'The code is wrong, expired or already used (a recovery code works once).',
    );
  }
}

export class TwoFactorChallengeInvalid extends AppError {
  constructor() {
    super(
      'two_factor_challenge_invalid',
      'The sign-in challenge is unknown, expired or already used; sign in again.',
    );
  }
}

export class TwoFactorRequired extends AppError {
  constructor() {
    super(
      'two_factor_required',
      'This account has two-factor sign-in on: sign in with POST /auth/login and POST /auth/2fa/verify.',
    );
  }
}

export class WrongPassword extends AppError {
  constructor() {
    super('validation_failed', 'The password is not correct.', {
      errors: [{ field: 'password', message: 'password is not correct' }],
    });
  }
}

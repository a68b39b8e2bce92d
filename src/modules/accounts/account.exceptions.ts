import { AppError } from '../../common/errors/app-error';

/** One answer for an unknown, used, expired or wrong-purpose token: the link cannot be used. */
export class AccountTokenInvalid extends AppError {
  constructor() {
    super(
      'account_token_invalid',
      'This link is not valid: it was already used, has expired, or is not for this action.',
    );
  }
}

export class CurrentPasswordWrong extends AppError {
  constructor() {
    super('validation_failed', 'The current password is not correct.', {
      errors: [{ field: 'currentPassword', message: 'currentPassword is not correct' }],
    });
  }
}

export class NewEmailTaken extends AppError {
  constructor() {
    super('email_taken', 'Another account already uses this email.');
  }
}

export class NewEmailUnchanged extends AppError {
  constructor() {
    super('validation_failed', 'The new email is the current one.', {
      errors: [{ field: 'newEmail', message: 'newEmail must differ from the current email' }],
    });
  }
}

import { AppError } from '../../common/errors/app-error';

export class UserNotFound extends AppError {
  constructor() {
    super('not_found', 'No user has this id.');
  }
}

export class EmailTaken extends AppError {
  constructor() {
    super('email_taken', 'An account with this email already exists.');
  }
}

export class WrongCurrentPassword extends AppError {
  constructor() {
    super('validation_failed', 'The current password is not correct.', {
      errors: [{ field: 'currentPassword', message: 'currentPassword is not correct' }],
    });
  }
}

export class CannotChangeOwnAdminAccess extends AppError {
  constructor() {
    super(
      'cannot_change_own_admin_access',
      'An admin cannot demote, deactivate or delete their own account.',
    );
  }
}

export class UserOwnsItems extends AppError {
  constructor() {
    super(
      'user_owns_items',
      'The user still owns items; deactivate the account instead (isActive: false).',
    );
  }
}

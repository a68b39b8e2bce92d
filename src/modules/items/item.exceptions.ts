import { AppError } from '../../common/errors/app-error';

/** Also what a caller who may not see the item gets: existence does not leak. */
export class ItemNotFound extends AppError {
  constructor() {
    super('not_found', 'No item with this id exists.');
  }
}

export class ItemNotOwned extends AppError {
  constructor() {
    super('forbidden', 'Only the owner or an admin can change this item.');
  }
}

export class StaleItemVersion extends AppError {
  constructor() {
    super(
      'precondition_failed',
      'The item has changed since the version in If-Match; fetch it again.',
    );
  }
}

export class ConcurrentItemChange extends AppError {
  constructor() {
    super(
      'item_version_conflict',
      'The item was changed by another request at the same time; fetch it and retry.',
    );
  }
}

export class ItemNotDeleted extends AppError {
  constructor() {
    super('item_not_deleted', 'The item is not deleted, so there is nothing to restore.');
  }
}

export class IdempotencyKeyReused extends AppError {
  constructor() {
    super(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body.',
    );
  }
}

export class EmptyItemChange extends AppError {
  constructor() {
    super('validation_failed', 'Send at least one field to change.', {
      errors: [{ field: 'body', message: 'at least one of title, body, tags, status is required' }],
    });
  }
}

import { AppError } from '../../../common/errors/app-error';

export class ReindexJobNotFound extends AppError {
  constructor() {
    super('not_found', 'No reindex job with this id exists.');
  }
}

export class ReindexAlreadyActive extends AppError {
  constructor(activeId: string | null) {
    super(
      'reindex_already_active',
      activeId
        ? `A reindex is already queued or running (job ${activeId}); wait for it to end.`
        : 'A reindex is already queued or running; wait for it to end.',
    );
  }
}

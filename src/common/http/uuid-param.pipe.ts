import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailed } from '../errors/app-error';

/** Parses a path parameter as a UUID, answering 400 in the project's validation format. */
export const uuidParam = (name = 'id'): ParseUUIDPipe =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new ValidationFailed([{ field: name, message: `${name} must be a UUID` }]),
  });

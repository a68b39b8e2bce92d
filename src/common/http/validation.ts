import { applyDecorators, ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { IsDefined, ValidateIf } from 'class-validator';
import { FieldError, ValidationFailed } from '../errors/app-error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

const REQUIRES_ANY_OF = Symbol('keel:requires-any-of');

/**
 * A change body (every field optional) must still change something: no body, `{}` or only
 * companion fields answer 400 validation_failed on `body`, rather than a silent no-op 200.
 */
export function RequiresAnyOf(...fields: string[]): ClassDecorator {
  return (target) => Reflect.defineMetadata(REQUIRES_ANY_OF, fields, target);
}

/** The global pipe: whitelist, reject unknown fields, transform, and report every field error. */
class KeelValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      stopAtFirstError: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new ValidationFailed(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const result: unknown = await super.transform(value, metadata);
    const fields: unknown =
      (metadata.type === 'body' || (metadata.type as string) === 'args') && metadata.metatype
        ? Reflect.getMetadata(REQUIRES_ANY_OF, metadata.metatype)
        : undefined;
    if (Array.isArray(fields) && !changesAny(result, fields as string[])) {
      throw new ValidationFailed([
        { field: 'body', message: `at least one of ${fields.join(', ')} is required` },
      ]);
    }
    return result;
  }
}

function changesAny(body: unknown, fields: string[]): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const record = body as Record<string, unknown>;
  return fields.some((field) => record[field] !== undefined);
}

export function createValidationPipe(): ValidationPipe {
  return new KeelValidationPipe();
}

/**
 * May be left out, but is never null. `@IsOptional()` skips every rule for null as well, so a
 * `null` the spec does not allow would reach the service (and a NOT NULL column: a 500 on MariaDB).
 */
export function OptionalNotNull(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object: object, value: unknown) => value !== undefined),
    IsDefined({ message: '$property must not be null' }),
  );
}

/** For PartialType: the fields become optional, and null is still validated (and refused). */
export const NOT_NULL = { skipNullProperties: false } as const;

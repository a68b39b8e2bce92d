import { ApiProperty } from '@nestjs/swagger';
import { ALL_ERROR_CODES, ERROR_CODES } from './error-codes';

export class FieldErrorDto {
  /** Dotted path of the offending field. */
  field!: string;
  message!: string;
}

/** One line per code, as OpenAPI 3.0 has no description per enum value. */
export function describeCodes(codes: readonly (keyof typeof ERROR_CODES)[]): string {
  return codes
    .map((code) => `- \`${code}\` (${ERROR_CODES[code].status}): ${ERROR_CODES[code].description}`)
    .join('\n');
}

/** RFC 9457 problem details (media type application/problem+json). */
export class ProblemDto {
  /** A URI naming the kind of problem, e.g. urn:keel:problem:validation-failed */
  type!: string;
  title!: string;
  status!: number;
  /** Human-readable explanation of this occurrence. */
  detail!: string;
  /** The request path. */
  instance!: string;
  /** Echo of the X-Request-Id header; quote it when reporting a problem. */
  requestId!: string;
  @ApiProperty({
    enum: ALL_ERROR_CODES,
    example: 'validation_failed',
    description: `Stable machine-readable code (snake_case): switch on this, not on \`detail\`. Each route lists the codes it can answer; the full table is in docs/errors.md.\n\n${describeCodes(ALL_ERROR_CODES)}`,
  })
  code!: string;
  /** Per-field messages, present for validation failures. */
  errors?: FieldErrorDto[];
}

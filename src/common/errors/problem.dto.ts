import { ApiProperty } from '@nestjs/swagger';

export class FieldErrorDto {
  /** Dotted path of the offending field. */
  field!: string;
  message!: string;
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
  /** Stable machine-readable code (snake_case). */
  @ApiProperty({ example: 'validation_failed' })
  code!: string;
  /** Per-field messages, present for validation failures. */
  errors?: FieldErrorDto[];
}

import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  MaxLength,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/** An optional whole number within [min, max], given as a string in the environment. */
const OptionalInt = (min: number, max: number): PropertyDecorator =>
  applyDecorators(IsOptional(), Transform(toInt), IsInt(), Min(min), Max(max));

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every environment variable Keel reads. Defaults live in configuration.ts so that this class only
 * states shape and range; the table in docs/configuration.md and .env.example list the same names.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(NODE_ENVS) NODE_ENV?: (typeof NODE_ENVS)[number];

  @OptionalInt(0, 65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  /** Reverse-proxy hops in front of Keel whose X-Forwarded-For is trusted (true = 1, false = 0). */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => {
    const v = toBool({ value });
    return v === true ? 1 : v === false ? 0 : toInt({ value });
  })
  @IsInt({ message: 'must be a number of proxy hops (0-10) or true/false' })
  @Min(0)
  @Max(10)
  TRUST_PROXY?: number;
  @OptionalInt(100, 600000) SHUTDOWN_GRACE_MS?: number;
  /** A client must send its request line and headers within this long (slow-header clients). */
  @OptionalInt(100, 600000) HTTP_HEADERS_TIMEOUT_MS?: number;
  /** A client must send its whole request (headers and body) within this long. */
  @OptionalInt(100, 3600000) HTTP_REQUEST_TIMEOUT_MS?: number;
  /** An idle keep-alive connection is closed after this long. */
  @OptionalInt(100, 600000) HTTP_KEEP_ALIVE_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^(mysql|mariadb):\/\/[^/\s]+\/[A-Za-z0-9_$-]+(\?.*)?$/, {
    message: 'must look like mysql://user:password@host:3306/database',
  })
  DATABASE_URL?: string;
  @IsOptional() @IsString() @MinLength(1) SQLITE_PATH?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() DATABASE_MIGRATIONS_RUN?: boolean;
  @OptionalInt(1, 200) DATABASE_POOL_SIZE?: number;
  /** MySQL: longest wait for a connection (new handshake, or a free one from the pool). */
  @OptionalInt(100, 600000) DB_CONNECT_TIMEOUT_MS?: number;
  /** MySQL: longest a query may run once the app has booted; its connection is then dropped. */
  @OptionalInt(100, 3600000) DB_QUERY_TIMEOUT_MS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must look like redis://host:6379' })
  REDIS_URL?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9:_-]{0,64}$/) REDIS_KEY_PREFIX?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/\S+$/, { message: 'must look like http://host:9200' })
  ELASTICSEARCH_NODE?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^amqps?:\/\/\S+$/, { message: 'must look like amqp://user:password@host:5672' })
  RABBITMQ_URL?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._:-]{1,200}$/) RABBITMQ_EXCHANGE?: string;

  @IsOptional() @IsString() @MinLength(1) DATA_DIR?: string;

  @OptionalInt(10, 10000) CACHE_TIMEOUT_MS?: number;
  @OptionalInt(1, 86400) CACHE_TTL_SECONDS?: number;
  @OptionalInt(100, 10000000) CACHE_MEMORY_ENTRIES?: number;
  @OptionalInt(0, 60000) CACHE_NEAR_TTL_MS?: number;
  @OptionalInt(100, 1000000) CACHE_NEAR_ENTRIES?: number;

  @IsOptional() @IsIn(['inline', 'off']) WORKERS?: 'inline' | 'off';
  @OptionalInt(50, 600000) OUTBOX_SWEEP_MS?: number;
  @OptionalInt(1, 100) SEARCH_QUEUE_ATTEMPTS?: number;
  @OptionalInt(10, 600000) SEARCH_QUEUE_BACKOFF_MS?: number;
  @OptionalInt(1, 8760) OUTBOX_RETENTION_HOURS?: number;

  @IsOptional() @IsIn(JWT_ALGORITHMS) JWT_ALGORITHM?: (typeof JWT_ALGORITHMS)[number];
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (use: openssl rand -base64 48)' })
  JWT_SECRET?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() JWT_PRIVATE_KEY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() JWT_PUBLIC_KEY?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) JWT_ISSUER?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) JWT_AUDIENCE?: string;
  @OptionalInt(10, 86400) JWT_ACCESS_TTL?: number;
  @OptionalInt(60, 31536000) REFRESH_TOKEN_TTL?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() AUTH_COOKIE_SECURE?: boolean;

  @OptionalInt(1, 10000) AUTH_RATE_LIMIT?: number;
  @OptionalInt(1, 86400) AUTH_RATE_WINDOW?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (use: openssl rand -base64 48)' })
  TWO_FACTOR_KEY?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) TWO_FACTOR_ISSUER?: string;
  @OptionalInt(30, 3600) TWO_FACTOR_CHALLENGE_TTL?: number;
  @OptionalInt(1, 1000) TWO_FACTOR_RATE_LIMIT?: number;

  @OptionalInt(1, 10000) REALTIME_MAX_SUBSCRIPTIONS?: number;
  @OptionalInt(1, 10000) REALTIME_RATE_LIMIT?: number;
  @OptionalInt(100, 600000) REALTIME_AUTH_GRACE_MS?: number;
  @OptionalInt(100, 600000) REALTIME_SESSION_CHECK_MS?: number;

  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional()
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 100kb or 1mb' })
  BODY_LIMIT?: string;

  @IsOptional() @Transform(toBool) @IsBoolean() GRAPHQL_INTROSPECTION?: boolean;
  @OptionalInt(2, 50) GRAPHQL_MAX_DEPTH?: number;
  @OptionalInt(10, 1000000) GRAPHQL_MAX_COST?: number;

  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL?: (typeof LOG_LEVELS)[number];
  @IsOptional() @Transform(toBool) @IsBoolean() LOG_PRETTY?: boolean;

  /** Bearer token a Prometheus scraper sends to GET /metrics; unset = /metrics is off (404). */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (use: openssl rand -hex 32)' })
  @MaxLength(256)
  @Matches(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' })
  METRICS_TOKEN?: string;

  /** SMTP server for outgoing mail (smtp:// or smtps://); unset = .eml files in DATA_DIR/mail. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^smtps?:\/\/\S+$/, { message: 'must look like smtp://user:password@host:587' })
  MAIL_URL?: string;
  @IsOptional() @IsString() @MinLength(3) @MaxLength(320) MAIL_FROM?: string;
  @OptionalInt(1, 100) MAIL_QUEUE_ATTEMPTS?: number;
  @OptionalInt(10, 600000) MAIL_QUEUE_BACKOFF_MS?: number;
  /** Where users reach Keel: the base of the links put in mails. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'must look like https://api.example.com' })
  PUBLIC_URL?: string;
  @OptionalInt(60, 2592000) ACCOUNT_VERIFY_TTL?: number;
  @OptionalInt(60, 86400) PASSWORD_RESET_TTL?: number;
  @OptionalInt(60, 2592000) EMAIL_CHANGE_TTL?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() AUTH_REQUIRE_VERIFIED_EMAIL?: boolean;

  @IsOptional() @Transform(emptyToUndefined) @IsEmail() ADMIN_EMAIL?: string;
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  ADMIN_PASSWORD?: string;
}

import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { resolve } from 'node:path';
import { EnvironmentVariables, JWT_ALGORITHMS, LOG_LEVELS, NODE_ENVS } from './env.schema';

export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface AppConfig {
  env: (typeof NODE_ENVS)[number];
  http: {
    host: string;
    port: number;
    /** Proxy hops whose X-Forwarded-For is believed; 0 trusts none (the socket address is the client). */
    trustProxy: number;
    corsOrigins: string[];
    bodyLimit: string;
    shutdownGraceMs: number;
    /** Node's server deadlines: request line + headers, whole request, idle keep-alive. */
    timeouts: { headersMs: number; requestMs: number; keepAliveMs: number };
  };
  graphql: {
    /** Schema introspection and the Apollo landing page (IDE): on unless NODE_ENV=production. */
    introspection: boolean;
    /** Deepest selection nesting one operation may have. */
    maxDepth: number;
    /** Highest cost (GraphQL Armor's count of fields, objects weighted) one operation may have. */
    maxCost: number;
  };
  db:
    | {
        type: 'mysql';
        url: string;
        migrationsRun: boolean;
        poolSize: number;
        /** Longest wait for a connection: a new one's handshake, or a free one from the pool. */
        connectTimeoutMs: number;
        /** Longest a query may take once the app has booted (migrations are not bounded). */
        queryTimeoutMs: number;
      }
    | { type: 'sqlite'; path: string; migrationsRun: boolean };
  redis: { url: string; keyPrefix: string } | null;
  cache: {
    timeoutMs: number;
    ttlSeconds: number;
    memoryEntries: number;
    /** in-process tier in front of the store: entry lifetime (0 = off) and size */
    nearTtlMs: number;
    nearEntries: number;
  };
  outbox: { sweepMs: number; retentionHours: number };
  /** The search-index queue: attempts per job and the first exponential backoff delay. */
  searchQueue: { attempts: number; backoffMs: number };
  /**
   * inline: this process also runs the background work (outbox relay, search-index queue, reindex
   * jobs); off: HTTP only.
   */
  workers: 'inline' | 'off';
  elasticsearch: { node: string } | null;
  /** Domain events to other services: a durable topic exchange (null: not published). */
  rabbitmq: { url: string; exchange: string } | null;
  dataDir: string;
  jwt: {
    algorithm: JwtAlgorithm;
    /** HS256 secret; null means "generate and keep one in dataDir" (never in production). */
    secret: string | null;
    privateKey: string | null;
    publicKey: string | null;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
  };
  auth: {
    refreshTtlSeconds: number;
    cookieSecure: boolean;
    rateLimit: number;
    rateWindowSeconds: number;
  };
  twoFactor: {
    /** Encrypts TOTP secrets at rest; null means "generate and keep one in dataDir". */
    key: string | null;
    /** The issuer shown by authenticator apps (otpauth URI). */
    issuer: string;
    challengeTtlSeconds: number;
    /** Second-factor attempts per user per AUTH_RATE_WINDOW. */
    rateLimit: number;
  };
  realtime: {
    /** Item rooms plus the feed one socket may be subscribed to at once. */
    maxSubscriptions: number;
    /** Messages per second a socket may send (token bucket, bursts up to the same number). */
    rateLimit: number;
    /** How long a socket whose token expired may stay connected waiting for `auth:refresh`. */
    authGraceMs: number;
    /** How often connected users are re-checked (deactivated, signed out everywhere, role changed). */
    sessionCheckMs: number;
  };
  log: { level: (typeof LOG_LEVELS)[number]; pretty: boolean };
  /** GET /metrics answers only this bearer token; null turns the endpoint off (404). */
  metrics: { token: string | null };
  admin: { email: string; password: string } | null;
  /** Outgoing mail: SMTP (url) or .eml files in `dir`; sent by the mail queue's jobs. */
  mail: {
    url: string | null;
    from: string;
    dir: string;
    /** The mail queue: attempts per job and the first exponential backoff delay. */
    attempts: number;
    backoffMs: number;
  };
  /** Base URL of the links in mails (no trailing slash). */
  publicUrl: string;
  /** Account flows: token lifetimes and whether an unverified email may sign in. */
  accounts: {
    verifyTtlSeconds: number;
    resetTtlSeconds: number;
    emailChangeTtlSeconds: number;
    requireVerifiedEmail: boolean;
  };
}

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {})
    .map((m) => m.replace(new RegExp(`^${error.property} `), ''))
    .join('; ');
  const raw: unknown = error.value;
  const shown =
    raw === undefined
      ? ''
      : /SECRET|PASSWORD|KEY|TOKEN/.test(error.property)
        ? ' (value hidden)'
        : ` (got ${JSON.stringify(raw)})`;
  return `${error.property}: ${reasons}${shown}`;
}

const pem = (value: string | undefined): string | null =>
  value === undefined ? null : value.replace(/\\n/g, '\n');

/**
 * Validates the environment once and turns it into the typed configuration every module reads.
 * Throws ConfigError with one line per bad variable; nothing else in Keel reads process.env.
 */
export function loadConfig(source: NodeJS.ProcessEnv): AppConfig {
  const env = plainToInstance(
    EnvironmentVariables,
    { ...source },
    { excludeExtraneousValues: false },
  );
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration: ${errors.map(describe).join(' | ')}`);
  }

  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const algorithm = env.JWT_ALGORITHM ?? 'HS256';
  const privateKey = pem(env.JWT_PRIVATE_KEY);
  const publicKey = pem(env.JWT_PUBLIC_KEY);

  if (algorithm === 'HS256') {
    if (production && !env.JWT_SECRET) {
      throw new ConfigError(
        'Invalid configuration: JWT_SECRET: is required with NODE_ENV=production (at least 32 characters)',
      );
    }
  } else if (!privateKey || !publicKey) {
    throw new ConfigError(
      `Invalid configuration: JWT_PRIVATE_KEY and JWT_PUBLIC_KEY: both are required with JWT_ALGORITHM=${algorithm}`,
    );
  }
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      'Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither',
    );
  }

  const headersTimeoutMs = env.HTTP_HEADERS_TIMEOUT_MS ?? 10_000;
  const requestTimeoutMs = env.HTTP_REQUEST_TIMEOUT_MS ?? 30_000;
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `Invalid configuration: HTTP_HEADERS_TIMEOUT_MS: must not be larger than HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }

  const dataDir = resolve(env.DATA_DIR ?? './data');
  const migrationsRun = env.DATABASE_MIGRATIONS_RUN ?? true;

  return {
    env: nodeEnv,
    http: {
      host: env.HOST ?? '0.0.0.0',
      port: env.PORT ?? 3000,
      trustProxy: env.TRUST_PROXY ?? 0,
      corsOrigins: (env.CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
      bodyLimit: env.BODY_LIMIT ?? '100kb',
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS ?? 10_000,
      timeouts: {
        headersMs: headersTimeoutMs,
        requestMs: requestTimeoutMs,
        keepAliveMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 5000,
      },
    },
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ?? !production,
      maxDepth: env.GRAPHQL_MAX_DEPTH ?? 8,
      maxCost: env.GRAPHQL_MAX_COST ?? 5000,
    },
    db: env.DATABASE_URL
      ? {
          type: 'mysql',
          url: env.DATABASE_URL,
          migrationsRun,
          poolSize: env.DATABASE_POOL_SIZE ?? 10,
          connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS ?? 1500,
          queryTimeoutMs: env.DB_QUERY_TIMEOUT_MS ?? 1500,
        }
      : {
          type: 'sqlite',
          path: resolve(env.SQLITE_PATH ?? `${dataDir}/keel.sqlite`),
          migrationsRun,
        },
    redis: env.REDIS_URL
      ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX ?? 'keel:' }
      : null,
    cache: {
      timeoutMs: env.CACHE_TIMEOUT_MS ?? 250,
      ttlSeconds: env.CACHE_TTL_SECONDS ?? 300,
      memoryEntries: env.CACHE_MEMORY_ENTRIES ?? 50_000,
      nearTtlMs: env.CACHE_NEAR_TTL_MS ?? 1000,
      nearEntries: env.CACHE_NEAR_ENTRIES ?? 10_000,
    },
    outbox: {
      sweepMs: env.OUTBOX_SWEEP_MS ?? 1000,
      retentionHours: env.OUTBOX_RETENTION_HOURS ?? 72,
    },
    searchQueue: {
      attempts: env.SEARCH_QUEUE_ATTEMPTS ?? 5,
      backoffMs: env.SEARCH_QUEUE_BACKOFF_MS ?? 500,
    },
    workers: env.WORKERS ?? 'inline',
    elasticsearch: env.ELASTICSEARCH_NODE ? { node: env.ELASTICSEARCH_NODE } : null,
    rabbitmq: env.RABBITMQ_URL
      ? { url: env.RABBITMQ_URL, exchange: env.RABBITMQ_EXCHANGE ?? 'keel.events' }
      : null,
    dataDir,
    jwt: {
      algorithm,
      secret: env.JWT_SECRET ?? null,
      privateKey,
      publicKey,
      issuer: env.JWT_ISSUER ?? 'keel',
      audience: env.JWT_AUDIENCE ?? 'keel-api',
      accessTtlSeconds: env.JWT_ACCESS_TTL ?? 900,
    },
    auth: {
      refreshTtlSeconds: env.REFRESH_TOKEN_TTL ?? 30 * 24 * 3600,
      cookieSecure: env.AUTH_COOKIE_SECURE ?? true,
      rateLimit: env.AUTH_RATE_LIMIT ?? 10,
      rateWindowSeconds: env.AUTH_RATE_WINDOW ?? 60,
    },
    twoFactor: {
      key: env.TWO_FACTOR_KEY ?? null,
      issuer: env.TWO_FACTOR_ISSUER ?? 'Keel',
      challengeTtlSeconds: env.TWO_FACTOR_CHALLENGE_TTL ?? 300,
      rateLimit: env.TWO_FACTOR_RATE_LIMIT ?? 5,
    },
    realtime: {
      maxSubscriptions: env.REALTIME_MAX_SUBSCRIPTIONS ?? 100,
      rateLimit: env.REALTIME_RATE_LIMIT ?? 20,
      authGraceMs: env.REALTIME_AUTH_GRACE_MS ?? 30_000,
      sessionCheckMs: env.REALTIME_SESSION_CHECK_MS ?? 5000,
    },
    log: {
      level: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
      pretty: env.LOG_PRETTY ?? nodeEnv === 'development',
    },
    metrics: { token: env.METRICS_TOKEN ?? null },
    admin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }
        : null,
    mail: {
      url: env.MAIL_URL ?? null,
      from: env.MAIL_FROM ?? 'Keel <no-reply@keel.localhost>',
      dir: resolve(dataDir, 'mail'),
      attempts: env.MAIL_QUEUE_ATTEMPTS ?? 8,
      backoffMs: env.MAIL_QUEUE_BACKOFF_MS ?? 1000,
    },
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, ''),
    accounts: {
      verifyTtlSeconds: env.ACCOUNT_VERIFY_TTL ?? 48 * 3600,
      resetTtlSeconds: env.PASSWORD_RESET_TTL ?? 3600,
      emailChangeTtlSeconds: env.EMAIL_CHANGE_TTL ?? 24 * 3600,
      requireVerifiedEmail: env.AUTH_REQUIRE_VERIFIED_EMAIL ?? false,
    },
  };
}

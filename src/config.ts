import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';

const DURATION = /^(\d+)(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Accepts `90`, `90s`, `15m`, `1h`, `7d` and yields seconds. */
const durationSeconds = z
  .string()
  .regex(DURATION, 'must be a duration such as 900, 15m, 1h or 7d')
  .transform((value) => {
    const [, amount, unit] = DURATION.exec(value) as RegExpExecArray;
    return Number(amount) * UNIT_SECONDS[(unit ?? 's') as keyof typeof UNIT_SECONDS];
  })
  .refine((seconds) => seconds > 0, 'must be longer than zero');

const booleanFlag = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
/** An optional variable: unset and empty (as in a copied .env.example) both mean "not given". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());
const optionalString = optional(z.string());
const splitList = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const EnvironmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    NODE_ID: optionalString,
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for SQLite)'),
    ),
    REDIS_URL: optional(
      z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL (leave unset for one node)'),
    ),
    REDIS_KEY_PREFIX: z.string().min(1).default('petstore:'),
    JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    JWT_EXPIRES_IN: durationSeconds.default(3600),
    JWT_ALGORITHM: z.enum(['HS256', 'RS256']).default('HS256'),
    JWT_PRIVATE_KEY_FILE: optionalString,
    JWT_PUBLIC_KEY_FILE: optionalString,
    JWT_ISSUER: z.string().min(1).default('petstore'),
    JWT_AUDIENCE: z.string().min(1).default('petstore-api'),
    REFRESH_TOKEN_EXPIRES_IN: durationSeconds.default(7 * 86400),
    ADMIN_USERNAME: optionalString,
    ADMIN_PASSWORD: optional(z.string().min(8, 'must be at least 8 characters')),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SEED_DEMO_DATA: booleanFlag.default(true),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024),
    RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(300),
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
    RATE_LIMIT_ALLOWLIST: z.string().default('').transform(splitList),
    SIGNUP_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
    LOGIN_FAILURE_WINDOW_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .default(15 * 60_000),
    TRUST_PROXY: z
      .string()
      .regex(
        /^(true|false|\d+|[0-9a-fA-F.:/, ]+)$/,
        'must be true, false, a hop count, or comma-separated addresses',
      )
      .default('false')
      .transform((value): boolean | number | string => {
        if (value === 'true' || value === 'false') return value === 'true';
        return /^\d+$/.test(value) ? Number(value) : value;
      }),
    CORS_ORIGIN: optional(z.string().transform((value) => (value.trim() === '*' ? true : splitList(value)))),
    EVENT_RETENTION: z.coerce.number().int().min(100).default(10_000),
    EVENT_PRUNE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
    EVENT_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
    CATALOG_MAX_PETS: z.coerce.number().int().min(0).default(100_000),
    CATALOG_MIN_SEQ_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(200),
    NODE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5000),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
    LOAD_SHED_MAX_HEAP_USED_BYTES: optional(z.coerce.number().int().min(0)),
    WS_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(10),
    WS_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(100),
    WS_MESSAGE_BURST: z.coerce.number().int().min(1).default(20),
    WS_MAX_FRAME_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    WS_ALLOWED_ORIGINS: optional(z.string().transform(splitList)),
    WS_PING_INTERVAL_MS: z.coerce.number().int().min(50).default(30_000),
    WS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(10).default(10_000),
    WS_MAX_QUEUED_MESSAGES: z.coerce.number().int().min(10).default(1000),
    WEBHOOK_ALLOWED_HOSTS: z.string().default('').transform(splitList),
    WEBHOOK_RETRY_FOR_MS: z.coerce.number().int().min(0).default(86_400_000),
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1000),
    WEBHOOK_MAX_BACKLOG: z.coerce.number().int().min(1).default(100_000),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).default(16),
    WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
    WEBHOOK_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
    WEBHOOK_SECRET_GRACE_MS: z.coerce.number().int().min(0).default(86_400_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.JWT_ALGORITHM === 'HS256' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.JWT_ALGORITHM === 'RS256') {
      for (const variable of ['JWT_PRIVATE_KEY_FILE', 'JWT_PUBLIC_KEY_FILE'] as const) {
        if (!env[variable])
          ctx.addIssue({ code: 'custom', path: [variable], message: 'is required when JWT_ALGORITHM=RS256' });
      }
    }
    if (Boolean(env.ADMIN_USERNAME) !== Boolean(env.ADMIN_PASSWORD)) {
      const missing = env.ADMIN_USERNAME ? 'ADMIN_PASSWORD' : 'ADMIN_USERNAME';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'must be set together with its pair' });
    }
  });

/** Every environment variable the service reads (documented in .env.example and the README). */
export const configVariables = Object.keys(EnvironmentSchema.shape);

/** The sign-up limit's window: the variable sets how many per hour. */
const SIGNUP_WINDOW_MS = 3_600_000;

/**
 * What the configuration takes from the machine it starts on, read once at start-up (`startupFacts`) and passed
 * in, so that parsing has no side effects and the same input always gives the same configuration.
 */
export interface StartupFacts {
  hostname: string;
  pid: number;
  heapSizeLimitBytes: number;
  /** The HS256 secret of this run when JWT_SECRET is not set. */
  generatedSecret: string;
}

export function startupFacts(): StartupFacts {
  return {
    hostname: hostname(),
    pid: process.pid,
    heapSizeLimitBytes: getHeapStatistics().heap_size_limit,
    generatedSecret: randomBytes(48).toString('base64url'),
  };
}

/** The environment, validated, grouped by concern: the `Config` type is this schema's output. */
function configSchema(facts: StartupFacts) {
  return EnvironmentSchema.transform((env) => ({
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    nodeId: env.NODE_ID ?? `${facts.hostname}-${facts.pid}`,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    redis: env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : undefined,
    /** Heartbeat period of this node's entry in the node registry (Redis). */
    nodeHeartbeatMs: env.NODE_HEARTBEAT_MS,
    /** How long a graceful shutdown may take before the process exits anyway (with code 1). */
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    /** 503 + Retry-After past these (0 turns a check off). */
    loadShedding: {
      maxEventLoopDelayMs: env.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS,
      // By default, shed load before V8 runs out of heap and the process dies.
      maxHeapUsedBytes: env.LOAD_SHED_MAX_HEAP_USED_BYTES ?? Math.floor(facts.heapSizeLimitBytes * 0.9),
    },
    jwt: {
      algorithm: env.JWT_ALGORITHM,
      secret: env.JWT_SECRET ?? facts.generatedSecret,
      secretWasGenerated: env.JWT_ALGORITHM === 'HS256' && !env.JWT_SECRET,
      /** PEM files for RS256. */
      keyFiles:
        env.JWT_PRIVATE_KEY_FILE && env.JWT_PUBLIC_KEY_FILE
          ? { private: env.JWT_PRIVATE_KEY_FILE, public: env.JWT_PUBLIC_KEY_FILE }
          : undefined,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      expiresInSeconds: env.JWT_EXPIRES_IN,
    },
    refreshTokenExpiresInSeconds: env.REFRESH_TOKEN_EXPIRES_IN,
    admin:
      env.ADMIN_USERNAME && env.ADMIN_PASSWORD
        ? { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD }
        : undefined,
    logLevel: env.LOG_LEVEL,
    seedDemoData: env.SEED_DEMO_DATA,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    /** Requests per address and window, on every route (RATE_LIMIT_*). */
    rateLimit: {
      max: env.RATE_LIMIT_MAX,
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      allowlist: env.RATE_LIMIT_ALLOWLIST,
    },
    /** Sign-ups per address and hour (SIGNUP_RATE_LIMIT_MAX). */
    signupLimit: { max: env.SIGNUP_RATE_LIMIT_MAX, windowMs: SIGNUP_WINDOW_MS },
    /** Failed sign-ins before a username or an address is locked out for the window (LOGIN_*). */
    loginThrottle: {
      maxFailuresPerUser: env.LOGIN_MAX_FAILURES,
      maxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
      windowMs: env.LOGIN_FAILURE_WINDOW_MS,
      allowlist: env.RATE_LIMIT_ALLOWLIST,
    },
    /** Fastify's trustProxy: false, true, a hop count, or the addresses of trusted proxies. */
    trustProxy: env.TRUST_PROXY,
    /** Allowed browser origins for CORS: true for any, a list, or undefined for none (same origin only). */
    corsOrigin: env.CORS_ORIGIN,
    /** pollIntervalMs: how often a clustered node reads the event table while Redis pub/sub is unavailable. */
    events: {
      retention: env.EVENT_RETENTION,
      pruneIntervalMs: env.EVENT_PRUNE_INTERVAL_MS,
      pollIntervalMs: env.EVENT_POLL_INTERVAL_MS,
    },
    /**
     * The in-memory catalog that answers pet reads: past `maxPets` pets the node reads the database instead; a read
     * that must reflect a seq this node has not applied yet waits up to `minSeqWaitMs`, then reads the database.
     */
    catalog: { maxPets: env.CATALOG_MAX_PETS, minSeqWaitMs: env.CATALOG_MIN_SEQ_WAIT_MS },
    websocket: {
      maxConnectionsPerIp: env.WS_MAX_CONNECTIONS_PER_IP,
      messagesPerMinute: env.WS_MESSAGES_PER_MINUTE,
      messageBurst: env.WS_MESSAGE_BURST,
      maxFrameBytes: env.WS_MAX_FRAME_BYTES,
      allowedOrigins: env.WS_ALLOWED_ORIGINS,
      pingIntervalMs: env.WS_PING_INTERVAL_MS,
      requestTimeoutMs: env.WS_REQUEST_TIMEOUT_MS,
      maxQueuedMessages: env.WS_MAX_QUEUED_MESSAGES,
    },
    /**
     * Delivery of the change feed to HTTP endpoints: hosts that may be reached over `http:` or at internal
     * addresses, how long and how often a failing event is retried, how far a webhook may fall behind, and how
     * many webhooks this node delivers at once (each under a lease of `leaseMs` in the database).
     */
    webhooks: {
      allowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
      retryForMs: env.WEBHOOK_RETRY_FOR_MS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      maxBacklog: env.WEBHOOK_MAX_BACKLOG,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      concurrency: env.WEBHOOK_CONCURRENCY,
      pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
      leaseMs: env.WEBHOOK_LEASE_MS,
      secretGraceMs: env.WEBHOOK_SECRET_GRACE_MS,
    },
  }));
}

export type Config = z.output<ReturnType<typeof configSchema>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv, facts: StartupFacts): Config {
  const parsed = configSchema(facts).safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  return parsed.data;
}

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

type Environment = z.output<typeof EnvironmentSchema>;

/** Every environment variable the service reads (documented in .env.example and the README). */
export const configVariables = Object.keys(EnvironmentSchema.shape);

export interface Config {
  env: Environment['NODE_ENV'];
  port: number;
  host: string;
  nodeId: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redis: { url: string; keyPrefix: string } | undefined;
  /** Heartbeat period of this node's entry in the node registry (Redis). */
  nodeHeartbeatMs: number;
  /** How long a graceful shutdown may take before the process exits anyway (with code 1). */
  shutdownTimeoutMs: number;
  /** 503 + Retry-After past these (0 turns a check off). */
  loadShedding: { maxEventLoopDelayMs: number; maxHeapUsedBytes: number };
  jwt: {
    algorithm: 'HS256' | 'RS256';
    secret: string;
    secretWasGenerated: boolean;
    /** PEM files for RS256. */
    keyFiles: { private: string; public: string } | undefined;
    issuer: string;
    audience: string;
    expiresInSeconds: number;
  };
  refreshTokenExpiresInSeconds: number;
  admin: { username: string; password: string } | undefined;
  logLevel: Environment['LOG_LEVEL'];
  seedDemoData: boolean;
  bodyLimitBytes: number;
  uploadMaxBytes: number;
  rateLimit: {
    max: number;
    windowMs: number;
    allowlist: string[];
    signupMaxPerHour: number;
    loginMaxFailures: number;
    loginMaxFailuresPerIp: number;
    loginFailureWindowMs: number;
  };
  /** Fastify's trustProxy: false, true, a hop count, or the addresses of trusted proxies. */
  trustProxy: boolean | number | string;
  /** Allowed browser origins for CORS: true for any, a list, or undefined for none (same origin only). */
  corsOrigin: true | string[] | undefined;
  /** pollIntervalMs: how often a clustered node reads the event table while Redis pub/sub is unavailable. */
  events: { retention: number; pruneIntervalMs: number; pollIntervalMs: number };
  websocket: {
    maxConnectionsPerIp: number;
    messagesPerMinute: number;
    messageBurst: number;
    maxFrameBytes: number;
    allowedOrigins: string[] | undefined;
    pingIntervalMs: number;
    requestTimeoutMs: number;
    maxQueuedMessages: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvironmentSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    nodeId: env.NODE_ID ?? `${hostname()}-${process.pid}`,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    redis: env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : undefined,
    nodeHeartbeatMs: env.NODE_HEARTBEAT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    loadShedding: {
      maxEventLoopDelayMs: env.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS,
      // By default, shed load before V8 runs out of heap and the process dies.
      maxHeapUsedBytes:
        env.LOAD_SHED_MAX_HEAP_USED_BYTES ?? Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    },
    jwt: {
      algorithm: env.JWT_ALGORITHM,
      secret: env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
      secretWasGenerated: env.JWT_ALGORITHM === 'HS256' && !env.JWT_SECRET,
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
    rateLimit: {
      max: env.RATE_LIMIT_MAX,
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      allowlist: env.RATE_LIMIT_ALLOWLIST,
      signupMaxPerHour: env.SIGNUP_RATE_LIMIT_MAX,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginMaxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
      loginFailureWindowMs: env.LOGIN_FAILURE_WINDOW_MS,
    },
    trustProxy: env.TRUST_PROXY,
    corsOrigin: env.CORS_ORIGIN,
    events: {
      retention: env.EVENT_RETENTION,
      pruneIntervalMs: env.EVENT_PRUNE_INTERVAL_MS,
      pollIntervalMs: env.EVENT_POLL_INTERVAL_MS,
    },
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
  };
}

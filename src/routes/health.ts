import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotReadyError } from '../errors.js';
import { errorResponses } from './http.js';
import { ErrorSchema } from '../schemas/common.js';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    timestamp: z.iso.datetime(),
    uptime: z.number().meta({ description: 'Seconds since the process started' }),
    node: z.string(),
    services: z.object({
      database: z.enum(['ok', 'down']),
      redis: z.enum(['ok', 'down', 'disabled']),
    }),
    latencyMs: z
      .object({ database: z.number(), redis: z.number().nullable() })
      .meta({ description: 'Round trip of this check to each dependency (null: no Redis configured)' }),
    cluster: z.object({
      fanout: z.enum(['local', 'pubsub', 'polling']).meta({
        description:
          'How events from other nodes arrive: local (one node), pubsub (Redis), polling (Redis is down)',
      }),
      breaker: z
        .enum(['closed', 'open', 'half-open', 'disabled'])
        .meta({ description: 'The circuit breaker around Redis; open means degraded' }),
    }),
    catalog: z
      .object({
        source: z.enum(['memory', 'database']),
        reason: z.enum(['loading', 'over-cap']).optional(),
        pets: z.number().int().optional(),
        seq: z.number().int().optional(),
        lagEvents: z.number().int(),
        lagSeconds: z.number(),
      })
      .meta({
        description:
          "Where pet reads are answered from: memory (the node's catalog, at `seq`), or the database while " +
          'the catalog loads or is past CATALOG_MAX_PETS; and how far the catalog is behind the newest commit',
      }),
    webhooks: z.object({ total: z.number().int(), failing: z.number().int() }).meta({
      description:
        'Webhooks, and how many of them gave up (`failing` or `disabled`); a failing receiver does not make the node degraded',
    }),
  })
  .meta({ id: 'Health' });

const ReadySchema = z.object({ status: z.literal('ready') });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  const databaseUp = () =>
    app.database.ping().then(
      () => true,
      () => false,
    );

  /** Runs a check and times it. */
  const timed = async <T>(check: () => Promise<T>): Promise<[T, number]> => {
    const started = performance.now();
    const result = await check();
    return [result, Math.round((performance.now() - started) * 100) / 100];
  };

  const redisState = async (): Promise<'ok' | 'down' | 'disabled'> => {
    if (!app.redisBreaker) return 'disabled';
    return app.redisBreaker.ping().then(
      () => 'ok' as const,
      () => 'down' as const,
    );
  };

  // Probes and scrapes must still answer when the node sheds load.
  const servedUnderPressure = { rateLimit: false, servedUnderPressure: true } as const;

  app.get('/health', {
    config: servedUnderPressure,
    schema: {
      operationId: 'getHealth',
      tags: ['operations'],
      summary: 'Liveness and the state of each dependency',
      description:
        'Always 200 while the process runs: `status` is `degraded` when the database, Redis or the catalog is not as it should be, with what each is doing.',
      response: { 200: HealthSchema, ...errorResponses() },
    },
    handler: async () => {
      const { catalog } = app.services;
      const [[databaseIsUp, databaseMs], [redis, redisMs], lag, webhooks] = await Promise.all([
        timed(databaseUp),
        timed(redisState),
        catalog.lag().catch(() => ({ events: 0, seconds: 0 })),
        app.services.webhooks.countByStatus().catch(() => undefined),
      ]);
      const database = databaseIsUp ? ('ok' as const) : ('down' as const);
      const { fanout, breaker } = app.cluster;
      const healthy = database === 'ok' && redis !== 'down' && breaker !== 'open';
      return {
        status: healthy ? ('ok' as const) : ('degraded' as const),
        timestamp: new Date().toISOString(),
        uptime: process.uptime(),
        node: app.config.nodeId,
        services: { database, redis },
        latencyMs: { database: databaseMs, redis: redis === 'disabled' ? null : redisMs },
        cluster: { fanout, breaker },
        catalog: { ...catalog.source, lagEvents: lag.events, lagSeconds: lag.seconds },
        webhooks: {
          total: webhooks ? Object.values(webhooks).reduce((sum, count) => sum + count, 0) : 0,
          failing: webhooks ? webhooks.failing + webhooks.disabled : 0,
        },
      };
    },
  });

  app.get('/ready', {
    config: servedUnderPressure,
    schema: {
      operationId: 'getReadiness',
      tags: ['operations'],
      summary: 'Whether this node should receive traffic',
      description:
        '503 while starting, shutting down (SHUTTING_DOWN), overloaded (event loop or heap past the ' +
        'LOAD_SHED_* thresholds), or without its database (NOT_READY).',
      response: { 200: ReadySchema, 503: ErrorSchema.describe('Not ready (NOT_READY)'), ...errorResponses() },
    },
    handler: async () => {
      if (app.isUnderPressure() || !(await databaseUp())) throw new NotReadyError();
      return { status: 'ready' as const };
    },
  });
};

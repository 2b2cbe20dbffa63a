import { randomUUID } from 'node:crypto';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import authentication from './plugins/authentication.js';
import conditionalRequests from './plugins/conditional-requests.js';
import readYourWrites from './plugins/read-your-writes.js';
import database from './plugins/database.js';
import errorHandler from './plugins/error-handler.js';
import rateLimit from './plugins/rate-limit.js';
import redis from './plugins/redis.js';
import securityHeaders from './plugins/security-headers.js';
import openapi from './plugins/openapi.js';
import cluster from './plugins/cluster.js';
import liveBoard from './plugins/live-board.js';
import liveFeed from './plugins/live-feed.js';
import loadShedding from './plugins/load-shedding.js';
import metrics from './plugins/metrics.js';
import requestLog from './plugins/request-log.js';
import realtime from './plugins/realtime.js';
import eventRetention from './plugins/event-retention.js';
import webhooks from './plugins/webhooks.js';
import jwt from './plugins/jwt.js';
import seeding, { type SeedingOptions } from './plugins/seeding.js';
import services from './plugins/services.js';
import { healthRoutes } from './routes/health.js';
import { API_ROUTES } from './routes/index.js';
import { petstoreV3Routes } from './routes/v3/index.js';
import { responseSerializerCompiler } from './routes/response-serializer.js';
import { requestLoggerFactory } from './request-logger.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface AppOptions {
  config: Config;
  /** false for no logging (tests); otherwise logs go to stdout, or to `logStream`. */
  logger?: false;
  logStream?: NodeJS.WritableStream;
  /** Where the credentials of an admin generated for a first run are shown (see plugins/seeding.ts). */
  onFirstAdmin?: SeedingOptions['onFirstAdmin'];
}

const SECRET_QUERY = /([?&](?:password|token|refreshToken)=)[^&]*/gi;

function loggerFor(
  config: Config,
  stream: NodeJS.WritableStream | undefined,
): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.token',
        '*.refreshToken',
        'password',
        'token',
        'refreshToken',
      ],
      censor: '[redacted]',
    },
    serializers: {
      // GET /users/login carries the password in its query string.
      req: (request: { method: string; url: string; ip?: string }) => ({
        method: request.method,
        url: request.url.replace(SECRET_QUERY, '$1[redacted]'),
        remoteAddress: request.ip,
      }),
    },
    ...(stream ? { stream } : {}),
    ...(!stream && process.stdout.isTTY && config.env !== 'production'
      ? { transport: { target: 'pino-pretty' } }
      : {}),
  };
}

/** The whole service as one Fastify instance; `server.ts` listens, tests inject. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? loggerFor(config, options.logStream),
    bodyLimit: config.bodyLimitBytes,
    // One line per request, written when it is answered (plugins/request-log.ts), instead of two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: requestLoggerFactory,
    // While closing, plugins/load-shedding.ts refuses new requests with the service's own error body.
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: (request) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();

  // Every operation takes JSON (the image upload, multipart): Fastify's built-in text/plain parser would hand a
  // string to the JSON schema (400) where any type an operation does not declare is 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  app.decorate('config', config);
  // Hooks that never wait take a callback: an async hook costs every request a promise and a microtask.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  await app.register(errorHandler);
  // Before every plugin that may refuse a request: its hooks must see each upgrade request first, so that the
  // socket of one refused (503 while draining, 429, 401) is closed once answered instead of left open.
  await app.register(fastifyWebsocket, {
    // No compression: event frames are framed once and written to every socket as they are (realtime/frames.ts).
    options: { maxPayload: config.websocket.maxFrameBytes, perMessageDeflate: false },
    // The realtime plugin closes the sockets itself, after load shedding has begun refusing new requests.
    preClose: async () => {},
  });
  await app.register(loadShedding);
  await app.register(securityHeaders);
  await app.register(metrics);
  await app.register(requestLog);
  await app.register(redis);
  await app.register(rateLimit);
  await app.register(openapi);
  await app.register(database);
  await app.register(jwt);
  await app.register(services);
  await app.register(seeding, { onFirstAdmin: options.onFirstAdmin });
  await app.register(eventRetention);
  await app.register(authentication);
  await app.register(conditionalRequests);
  await app.register(readYourWrites);
  await app.register(liveFeed);
  await app.register(realtime);
  await app.register(webhooks);
  await app.register(cluster);

  await app.register(healthRoutes);
  await app.register(liveBoard);
  await app.register(
    async (api) => {
      for (const group of API_ROUTES) await api.register(group.routes);
    },
    { prefix: '/api/v1' },
  );
  await app.register(petstoreV3Routes, { prefix: '/api/v3' });
  return app;
}

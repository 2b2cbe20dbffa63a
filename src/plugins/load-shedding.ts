import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import { OverloadedError, ShuttingDownError } from '../errors.js';
import './fastify-decorations.js';

const RETRY_AFTER_SECONDS = 10;

/**
 * Sheds load instead of falling over: past the event-loop delay or heap thresholds every request gets 503
 * OVERLOADED with Retry-After (operations routes opt out with `config.pressureHandler`), and /ready says not
 * ready. From the moment the app starts closing, new requests get 503 SHUTTING_DOWN with `Connection: close`
 * while the ones in flight finish, also with `Connection: close`.
 */
export default fp(
  async (app) => {
    const { maxEventLoopDelayMs, maxHeapUsedBytes } = app.config.loadShedding;
    await app.register(underPressure, {
      maxEventLoopDelay: maxEventLoopDelayMs,
      maxHeapUsedBytes,
      retryAfter: RETRY_AFTER_SECONDS,
      customError: OverloadedError,
    });

    let draining = false;
    app.decorate('isDraining', () => draining);
    app.addHook('preClose', async () => {
      draining = true;
    });
    app.addHook('onRequest', (_request, reply, done) => {
      if (!draining) return done();
      reply.header('connection', 'close').header('retry-after', '1');
      done(new ShuttingDownError());
    });
    // A request admitted before the close began is answered as usual, but its keep-alive connection must not
    // outlive the answer: idle, it would hold the server open until the keep-alive timeout.
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (draining) reply.header('connection', 'close');
      done(null, payload);
    });
  },
  { name: 'load-shedding' },
);

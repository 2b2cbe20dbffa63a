import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import fp from 'fastify-plugin';
import { OverloadedError, ShuttingDownError } from '../errors.js';
import { EVENT_LOOP_SAMPLE_MS } from '../metrics/service-metrics.js';
import './fastify-decorations.js';

const RETRY_AFTER_SECONDS = 10;
/** How often the pressure is judged again, from the event loop's delays since the last judgement. */
const JUDGE_EVERY_MS = 1000;

/**
 * Sheds load instead of falling over: past the event-loop delay or heap thresholds every request gets 503
 * OVERLOADED with Retry-After (operations routes opt out with `config.servedUnderPressure`), and /ready says
 * not ready. From the moment the app starts closing, new requests get 503 SHUTTING_DOWN with
 * `Connection: close` while the ones in flight finish, also with `Connection: close`.
 */
export default fp(
  async (app) => {
    const { maxEventLoopDelayMs, maxHeapUsedBytes } = app.config.loadShedding;
    const delays = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
    delays.enable();
    let underPressure = false;
    const judge = () => {
      // Each sample is a timer's period plus how late it ran; a second without one is a loop that never came round.
      const meanDelayMs = delays.count === 0 ? Infinity : delays.mean / 1e6 - EVENT_LOOP_SAMPLE_MS;
      delays.reset();
      underPressure =
        (maxEventLoopDelayMs > 0 && meanDelayMs > maxEventLoopDelayMs) ||
        (maxHeapUsedBytes > 0 && getHeapStatistics().used_heap_size > maxHeapUsedBytes);
    };
    const judging = setInterval(judge, JUDGE_EVERY_MS).unref();
    app.addHook('onClose', (_app, done) => {
      clearInterval(judging);
      delays.disable();
      done();
    });
    app.decorate('isUnderPressure', () => underPressure);

    let draining = false;
    app.decorate('isDraining', () => draining);
    app.addHook('preClose', async () => {
      draining = true;
    });
    app.addHook('onRequest', (request, reply, done) => {
      if (draining) {
        reply.header('connection', 'close').header('retry-after', '1');
        return done(new ShuttingDownError());
      }
      if (!underPressure || request.routeOptions.config.servedUnderPressure) return done();
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      done(new OverloadedError());
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

import fp from 'fastify-plugin';
import { invalidInput } from '../errors.js';
import './fastify-decorations.js';

const MIN_SEQ_HEADER = 'x-min-event-seq';

/**
 * `X-Min-Event-Seq: N` asks that the answer reflect at least seq N (`X-Event-Seq` >= N): a client's own write,
 * made on another node. Reads come from the database, where every committed seq is visible, so the only answer
 * to give is 400 SEQ_NOT_REACHED for an N not committed anywhere yet.
 */
export default fp(
  async (app) => {
    // A callback, not an async hook: nearly every request sends no such header and must not pay for a promise.
    app.addHook('preHandler', (request, _reply, done) => {
      const header = request.headers[MIN_SEQ_HEADER];
      if (header === undefined) return done();
      if (typeof header !== 'string' || !/^\d{1,15}$/.test(header.trim())) {
        return done(
          invalidInput('headers', [{ path: 'X-Min-Event-Seq', message: 'must be a non-negative integer' }]),
        );
      }
      app.services.transactor.ensureReached(Number(header)).then(() => done(), done);
    });
  },
  { name: 'read-your-writes', dependencies: ['services'] },
);

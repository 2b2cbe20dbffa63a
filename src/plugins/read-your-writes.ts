import fp from 'fastify-plugin';
import { invalidInput } from '../errors.js';
import './fastify-decorations.js';

const MIN_SEQ_HEADER = 'x-min-event-seq';

/**
 * `X-Min-Event-Seq: N` asks that the answer reflect at least seq N (`X-Event-Seq` >= N): a client's own write,
 * made on another node. The header is read into `request.minEventSeq` for the catalog reads, which wait for this
 * node to reach N or read the database; an N not committed anywhere yet is 400 SEQ_NOT_REACHED.
 */
export default fp(
  async (app) => {
    const { catalog } = app.services;
    app.decorateRequest('minEventSeq', 0);
    // A callback, not an async hook: nearly every request sends no such header and must not pay for a promise.
    app.addHook('preHandler', (request, _reply, done) => {
      const header = request.headers[MIN_SEQ_HEADER];
      if (header === undefined) return done();
      if (typeof header !== 'string' || !/^\d{1,15}$/.test(header.trim())) {
        return done(
          invalidInput('headers', [{ path: 'X-Min-Event-Seq', message: 'must be a non-negative integer' }]),
        );
      }
      request.minEventSeq = Number(header);
      const checked = catalog.requireCommitted(request.minEventSeq);
      if (!checked) return done();
      checked.then(() => done(), done);
    });
  },
  { name: 'read-your-writes', dependencies: ['services'] },
);

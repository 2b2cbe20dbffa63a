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
    app.addHook('preHandler', async (request) => {
      const header = request.headers[MIN_SEQ_HEADER];
      if (header === undefined) return;
      const minSeq = typeof header === 'string' && /^\d{1,15}$/.test(header.trim()) ? Number(header) : NaN;
      if (Number.isNaN(minSeq)) {
        throw invalidInput('headers', [
          { path: 'X-Min-Event-Seq', message: 'must be a non-negative integer' },
        ]);
      }
      await app.services.transactor.ensureReached(minSeq);
    });
  },
  { name: 'read-your-writes', dependencies: ['services'] },
);

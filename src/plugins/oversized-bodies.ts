import fp from 'fastify-plugin';

/** How much of a refused body is read and thrown away before the connection is cut instead. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A body refused as too large (413) is still on its way: closing the connection under it, as Fastify does,
 * makes the kernel reset it, and a client still sending (Node's `fetch` is one) sees ECONNRESET/EPIPE instead of
 * the 413. So the 413 is sent at once on a connection kept open, the rest of the body is read and discarded, and
 * the connection then serves the next request as usual; past `DRAIN_MAX_BYTES` it is cut.
 */
export default fp(
  async (app) => {
    app.addHook('onSend', (request, reply, payload, done) => {
      const raw = request.raw;
      if (reply.statusCode === 413 && !raw.complete) {
        reply.removeHeader('connection');
        let discarded = 0;
        raw.on('data', (chunk: Buffer) => {
          discarded += chunk.length;
          if (discarded > DRAIN_MAX_BYTES) raw.socket.destroy();
        });
        raw.resume();
      }
      done(null, payload);
    });
  },
  { name: 'oversized-bodies' },
);

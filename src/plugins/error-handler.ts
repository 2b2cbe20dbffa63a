import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { invalidInput, RouteNotFoundError, SignInThrottledError, type ErrorBody } from '../errors.js';
import { seqOf, toErrorBody } from '../error-bodies.js';

/** Fastify's and plugins' own error codes, mapped onto the API's stable codes. */
const FRAMEWORK_CODES: Record<string, { statusCode: number; code: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'MALFORMED_JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'MALFORMED_JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'BAD_REQUEST' },
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_REQ_FILE_TOO_LARGE: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_FILES_LIMIT: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_PARTS_LIMIT: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_FIELDS_LIMIT: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_PROTO_VIOLATION: { statusCode: 400, code: 'BAD_REQUEST' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
};

function describe(error: FastifyError): ErrorBody {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = error.validationContext ?? 'body';
    const details = error.validation.map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || context,
      message: issue.message ?? 'is invalid',
    }));
    return toErrorBody(invalidInput(context, details));
  }
  const framework = error.code ? FRAMEWORK_CODES[error.code] : undefined;
  if (framework) return toErrorBody({ ...framework, message: error.message });
  return toErrorBody(error);
}

/** How much of a refused body is read and thrown away before the connection is cut instead. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A body refused as too large (413) is still on its way: closing the connection under it, as Fastify does,
 * makes the kernel reset it, and a client still sending sees ECONNRESET/EPIPE instead of the 413. So the 413 goes
 * out on a connection kept open, the rest of the body is read and discarded, and the connection then serves the
 * next request as usual; past `DRAIN_MAX_BYTES` it is cut.
 */
function drainRefusedBody(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (raw.complete) return;
  reply.removeHeader('connection');
  let discarded = 0;
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DRAIN_MAX_BYTES) raw.socket.destroy();
  });
  raw.resume();
}

/** One error handler for the whole API: the API.md shape always, and no internals in a 5xx. */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const body = describe(error);
      if (error instanceof SignInThrottledError) reply.header('retry-after', String(error.retryAfterSeconds));
      const seq = seqOf(error);
      if (seq !== undefined) reply.header('x-event-seq', String(seq));
      if (body.code === 'INTERNAL_ERROR') {
        request.log.error({ err: error }, 'request failed');
      } else if (body.statusCode >= 500) {
        // A documented refusal (shutting down, overloaded, a dependency away): expected, no stack needed.
        request.log.warn({ code: body.code, statusCode: body.statusCode }, body.message);
      } else {
        request.log.info({ code: body.code, statusCode: body.statusCode }, body.message);
      }
      if (body.statusCode === 413) drainRefusedBody(request, reply);
      return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
    });

    app.setNotFoundHandler((request, reply) => {
      const body = toErrorBody(new RouteNotFoundError(request.method, request.url.split('?')[0]));
      return reply.code(404).send(body);
    });
  },
  { name: 'error-handler' },
);

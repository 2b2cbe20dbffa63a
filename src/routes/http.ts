import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config.js';
import { ErrorSchema } from '../schemas/common.js';
import { etagOf } from '../services/preconditions.js';
import type { AtSeq } from '../services/transactor.js';

/** Route options of a sign-up, on either mount: its own limit (SIGNUP_RATE_LIMIT_*), counted as `signup`. */
export const signupRouteConfig = ({ signupLimit }: Config) => ({
  rateLimit: { max: signupLimit.max, timeWindow: signupLimit.windowMs },
  rateLimitScope: 'signup' as const,
});

/** The Swagger Petstore's sign-in headers: when the token expires, and the failed sign-ins allowed per user. */
export function withLoginHeaders(reply: FastifyReply, expiresAfter: string, config: Config): FastifyReply {
  return reply
    .header('x-expires-after', expiresAfter)
    .header('x-rate-limit', String(config.loginThrottle.maxFailuresPerUser));
}

/** OpenAPI security requirement of routes that need a signed-in caller. */
export const signedIn = [{ bearerAuth: [] }];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, a schema violation, a bad cursor, or an X-Min-Event-Seq not committed (SEQ_NOT_REACHED)',
  401: 'No valid access token: UNAUTHENTICATED, TOKEN_EXPIRED, TOKEN_INVALID or SESSION_REVOKED',
  403: 'Signed in, but not allowed (FORBIDDEN)',
  404: 'Not found',
  409: 'The change conflicts with the current state',
  412: 'If-Match does not match the current version (PRECONDITION_FAILED)',
  413: 'The body or file is too large (PAYLOAD_TOO_LARGE)',
  415: 'The content type is not accepted (UNSUPPORTED_MEDIA_TYPE)',
  429: 'Too many requests (RATE_LIMITED); wait for Retry-After',
  500: 'Unexpected failure (INTERNAL_ERROR); the body never carries internals',
  503: 'OVERLOADED or SHUTTING_DOWN (any route; see Retry-After), or a dependency is unavailable',
};

/**
 * The documented error responses of a route (400 for `X-Min-Event-Seq`, 429, 500 and 503 always), each with the
 * one error body shape.
 */
export function errorResponses(...statusCodes: Array<keyof typeof ERROR_DESCRIPTIONS>) {
  return Object.fromEntries(
    [...new Set([...statusCodes, 400, 429, 500, 503])].map((statusCode) => [
      statusCode,
      ErrorSchema.describe(ERROR_DESCRIPTIONS[statusCode] as string),
    ]),
  );
}

export const NoContent = z.undefined().describe('Done; no content');

/** Sends a service answer with its `X-Event-Seq`; one kept as JSON already goes out as it is. */
export function sendAtSeq<T>(reply: FastifyReply, result: AtSeq<T>, statusCode = 200) {
  reply.code(statusCode).header('x-event-seq', String(result.seq));
  if (result.etag !== undefined) reply.header('etag', result.etag);
  if (result.json === undefined) return reply.send(result.data);
  return reply.type('application/json; charset=utf-8').send(result.json);
}

/** Same, plus the resource's version as a strong ETag. */
export function sendVersioned<T extends { version: number }>(
  reply: FastifyReply,
  result: AtSeq<T>,
  statusCode = 200,
) {
  reply.header('etag', etagOf(result.data.version));
  return sendAtSeq(reply, result, statusCode);
}

export function sendNoContent(reply: FastifyReply, result: AtSeq<unknown>) {
  return reply.code(204).header('x-event-seq', String(result.seq)).send();
}

import { STATUS_CODES } from 'node:http';
import { errorCatalog, GENERIC_CODES, type ErrorBody, type ErrorDetail } from './errors.js';

const knownCodes = new Set(errorCatalog.map((entry) => entry.code));

interface ErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: ErrorDetail[];
}

/**
 * Marks a refusal with the seq of the state it was read from (a pet the catalog did not hold at that seq): REST
 * answers it as `X-Event-Seq`, WebSocket as the error frame's `seq`, as for any read.
 */
export function readAtSeq<E extends Error>(error: E, seq: number): E {
  return Object.assign(error, { seq });
}

/** The seq `readAtSeq` gave an error, if any. */
export function seqOf(error: unknown): number | undefined {
  const seq = (error as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' ? seq : undefined;
}

/** Generic code for a 4xx that came from Fastify or a plugin rather than from our catalog. */
function genericCode(statusCode: number): string {
  return GENERIC_CODES[statusCode] ?? 'BAD_REQUEST';
}

/** Maps any thrown value to the public error body; a 5xx never carries internals. */
export function toErrorBody(error: ErrorLike): ErrorBody {
  const statusCode =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (statusCode >= 500) {
    const code = error.code && knownCodes.has(error.code) ? error.code : 'INTERNAL_ERROR';
    const message = code === 'INTERNAL_ERROR' ? 'Something went wrong on our side' : (error.message ?? '');
    return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
  }
  const code = error.code && knownCodes.has(error.code) ? error.code : genericCode(statusCode);
  const body: ErrorBody = {
    statusCode,
    code,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: error.message ?? '',
  };
  if (error.details) body.details = error.details;
  return body;
}

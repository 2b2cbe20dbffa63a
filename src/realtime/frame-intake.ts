import { invalidInput, issueDetails, RateLimitedError, ValidationError } from '../errors.js';
import { toErrorBody } from '../error-bodies.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { RequestFrameSchema } from '../schemas/ws.js';
import type { ClientConnection } from './client-connection.js';
import { errorFrame } from './frames.js';

const CLOSE_POLICY_VIOLATION = 1008;
const MAX_CORRELATION_ID = 128;

export interface Request {
  correlationId: string;
  action: string;
  payload: unknown;
  /** The seq the answer must reflect at least (0: none asked). */
  minSeq: number;
}

/**
 * Turns one incoming frame into a request, or answers it with an error: over the message rate (and closes
 * the socket with 1008 for persistent abuse), not JSON, or not a request frame. The connection stays open.
 */
export function readRequest(
  connection: ClientConnection,
  text: string,
  isBinary: boolean,
  metrics: ServiceMetrics,
): Request | undefined {
  let message: unknown;
  try {
    message = isBinary ? undefined : JSON.parse(text);
  } catch {
    message = undefined;
  }
  const correlationId = (message as { correlationId?: unknown } | null | undefined)?.correlationId;
  const replyTo =
    typeof correlationId === 'string' &&
    correlationId.length > 0 &&
    correlationId.length <= MAX_CORRELATION_ID
      ? correlationId
      : null;
  const refuse = (error: Error) => connection.sendResponse(errorFrame(replyTo, toErrorBody(error)));

  const admission = connection.admitMessage();
  if (!admission.admitted) {
    metrics.rateLimited('ws_message');
    refuse(new RateLimitedError('Slow down: too many messages'));
    if (admission.abusive) connection.close(CLOSE_POLICY_VIOLATION, 'message rate limit exceeded');
    return undefined;
  }
  if (message === undefined) {
    metrics.wsInvalidMessage('not_json');
    refuse(new ValidationError('A frame must be one JSON object'));
    return undefined;
  }
  const frame = RequestFrameSchema.safeParse(message);
  if (!frame.success) {
    metrics.wsInvalidMessage('bad_frame');
    refuse(invalidInput('request frame', issueDetails(frame.error.issues, 'frame')));
    return undefined;
  }
  const { correlationId: id, action, payload, minSeq = 0 } = frame.data;
  return { correlationId: id, action, payload, minSeq };
}

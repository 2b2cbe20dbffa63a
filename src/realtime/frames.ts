import * as ws from 'ws';
import type { ErrorBody } from '../errors.js';
import type { ChangeEvent } from '../events/change-event.js';
import type { WsErrorCode } from '../schemas/ws.js';

/** The WebSocket error payload: the REST error body, with a protocol-level `code` and the REST code as `reason`. */
export interface WsErrorPayload extends Omit<ErrorBody, 'code'> {
  code: WsErrorCode;
  reason?: string;
}

const TEXT_OPCODE = 1;

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}
/** ws's frame builder, public API since ws 2 though @types/ws does not declare it. */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] };
};

export function responseFrame(correlationId: string | null, payload: unknown): string {
  return JSON.stringify({
    type: 'response',
    correlationId,
    timestamp: Date.now(),
    status: 'success',
    payload,
  });
}

export function errorFrame(correlationId: string | null, payload: WsErrorPayload): string {
  return JSON.stringify({ type: 'response', correlationId, timestamp: Date.now(), status: 'error', payload });
}

export function notificationFrame(
  event: string,
  payload: unknown,
  extra: { topic?: string; seq?: number } = {},
): string {
  const correlationId = extra.seq !== undefined ? `event-${extra.seq}` : crypto.randomUUID();
  return JSON.stringify({
    type: 'notification',
    correlationId,
    timestamp: Date.now(),
    event,
    payload,
    ...extra,
  });
}

/**
 * A change event's notification for one topic as a complete WebSocket text frame, header included, built once
 * for its whole audience: server frames are not masked, so every socket is sent the same bytes (ws's
 * `Sender.frame` exists for exactly this broadcast case).
 */
export function eventFrame(event: ChangeEvent, topic: string): Buffer {
  const payload = Buffer.from(notificationFrame(event.type, event.payload, { topic, seq: event.seq }));
  return Buffer.concat(
    Sender.frame(payload, { fin: true, opcode: TEXT_OPCODE, mask: false, readOnly: false, rsv1: false }),
  );
}

const STATUS_TO_WS_CODE: Record<number, WsErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'CONFLICT',
  413: 'VALIDATION_ERROR',
  415: 'VALIDATION_ERROR',
  429: 'RATE_LIMITED',
};

/** Maps the REST error body (same services, same errors) onto the WebSocket error codes. */
export function toWsError(body: ErrorBody): WsErrorPayload {
  const { code, ...rest } = body;
  return { ...rest, code: STATUS_TO_WS_CODE[body.statusCode] ?? 'INTERNAL', reason: code };
}

export function wsError(
  code: WsErrorCode,
  statusCode: number,
  error: string,
  message: string,
): WsErrorPayload {
  return { statusCode, code, error, message };
}

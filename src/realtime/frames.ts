import * as ws from 'ws';
import type { ErrorBody } from '../errors.js';
import type { ChangeEvent } from '../live/resources.js';

/** A notification's complete WebSocket frame (see `eventFrame`), encoded once for all its subscribers. */
export type EventFrame = Buffer;

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

/** An action's answer together with the seq it reflects, answered as a response frame with `seq`. */
export class AnswerAtSeq {
  constructor(
    readonly payload: unknown,
    readonly seq: number,
  ) {}
}

export function responseFrame(correlationId: string | null, result: unknown): string {
  const [payload, seq] = result instanceof AnswerAtSeq ? [result.payload, result.seq] : [result, undefined];
  return JSON.stringify({
    type: 'response',
    correlationId,
    timestamp: Date.now(),
    status: 'success',
    payload,
    ...(seq === undefined ? {} : { seq }),
  });
}

/** An error answer: its payload is exactly the REST error body. */
export function errorFrame(correlationId: string | null, payload: ErrorBody, seq?: number): string {
  return JSON.stringify({
    type: 'response',
    correlationId,
    timestamp: Date.now(),
    status: 'error',
    payload,
    ...(seq === undefined ? {} : { seq }),
  });
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
export function eventFrame(event: ChangeEvent, topic: string): EventFrame {
  const payload = Buffer.from(notificationFrame(event.type, event.payload, { topic, seq: event.seq }));
  return Buffer.concat(
    Sender.frame(payload, { fin: true, opcode: TEXT_OPCODE, mask: false, readOnly: false, rsv1: false }),
  );
}

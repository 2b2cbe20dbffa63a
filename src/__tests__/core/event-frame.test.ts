import type { ChangeEvent } from '../../live/resources.js';
import { eventFrame } from '../../realtime/frames.js';

function deletedPet(seq: number, padding: number): ChangeEvent {
  // An extra field sets the payload's size; the frame carries the payload as it is.
  return {
    seq,
    createdAt: '2026-11-26T00:00:00.000Z',
    topic: 'pets',
    type: 'pet.deleted',
    payload: { id: 1, note: 'x'.repeat(padding) } as unknown as { id: number },
  } as ChangeEvent;
}

/** Reads a server-to-client WebSocket frame as RFC 6455 lays it out. */
function readFrame(frame: Buffer) {
  const fin = (frame[0] as number) >> 7;
  const opcode = (frame[0] as number) & 0x0f;
  const masked = (frame[1] as number) >> 7;
  let length = (frame[1] as number) & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = frame.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    length = Number(frame.readBigUInt64BE(2));
    offset = 10;
  }
  return { fin, opcode, masked, length, payload: frame.subarray(offset) };
}

describe('an event frame, built once for every subscriber', () => {
  it.each([
    ['a short payload (7-bit length)', 10],
    ['a medium payload (16-bit length)', 1000],
    ['a large payload (64-bit length)', 70_000],
  ])('is one final, unmasked text frame holding the notification: %s', (_name, padding) => {
    const frame = eventFrame(deletedPet(42, padding), 'pets');
    const { fin, opcode, masked, length, payload } = readFrame(frame);
    expect({ fin, opcode, masked }).toEqual({ fin: 1, opcode: 1, masked: 0 });
    expect(length).toBe(payload.length);
    expect(JSON.parse(payload.toString('utf8'))).toEqual({
      type: 'notification',
      correlationId: 'event-42',
      timestamp: expect.any(Number),
      event: 'pet.deleted',
      payload: { id: 1, note: 'x'.repeat(padding) },
      topic: 'pets',
      seq: 42,
    });
  });
});

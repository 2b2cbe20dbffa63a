import type { ChangeEvent } from '../../live/resources.js';
import { ClientConnection } from '../../realtime/client-connection.js';
import { replay } from '../../realtime/replay.js';
import { FakeSocket } from '../helpers/fake-socket.js';

const event = (seq: number): ChangeEvent => ({
  seq,
  createdAt: new Date(0).toISOString(),
  topic: 'pets',
  type: 'pet.deleted',
  payload: { id: 1 },
});

function connection() {
  const socket = new FakeSocket();
  const limits = { messagesPerMinute: 100, messageBurst: 20, maxQueuedMessages: 1000 };
  const subscriber = new ClientConnection(
    'c',
    '127.0.0.1',
    socket as never,
    socket.wire,
    limits,
    () => undefined,
  );
  subscriber.stream.topics.add('pets');
  subscriber.stream.holdLive();
  return { socket, subscriber };
}

describe('a replay', () => {
  it('sends the stored events after since, page by page, then what was held, and goes live', async () => {
    const { socket, subscriber } = connection();
    const stored = Array.from({ length: 2500 }, (_, index) => event(index + 1));
    const readAfter = async (after: number, limit: number) => {
      // A live event arrives while the pages are read; it is in the table too.
      subscriber.stream.offer(event(2501), 'pets', Buffer.alloc(0), undefined);
      return [...stored, event(2501)].filter((each) => each.seq > after).slice(0, limit);
    };
    await replay(subscriber, 0, readAfter);
    await socket.turnEnded();
    expect(socket.received.map((frame) => frame.seq)).toEqual(Array.from({ length: 2501 }, (_, i) => i + 1));
    expect(subscriber.stream.replaying).toBe(false);
  });

  it('closes with 1013 when the retention pruned events under it (a page that skips seqs)', async () => {
    const { socket, subscriber } = connection();
    const pages = [Array.from({ length: 1000 }, (_, index) => event(index + 11)), [event(1500)]];
    await replay(subscriber, 10, async () => pages.shift() ?? []);
    await socket.turnEnded();
    expect(socket.received.map((frame) => frame.seq)).toHaveLength(1000);
    expect(socket.closeCode).toBe(1013);
    expect(subscriber.stream.replaying).toBe(false);
  });
});

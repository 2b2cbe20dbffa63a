import type { ChangeEvent } from '../events/change-event.js';
import type { ClientConnection } from './client-connection.js';

export type ReadAfter = (afterSeq: number, limit: number) => Promise<ChangeEvent[]>;

const REPLAY_PAGE = 1000;

/**
 * The second source of a connection's gate: the stored events after `since`, page by page, merged in seq order
 * with the live events held back meanwhile, paced by the socket (it waits while the outbound queue is half
 * full, so a replay never trips the `lagged` limit). The connection holds live events from before the first
 * read until the merge is done, so an event committed meanwhile is either read or held; the gate drops what
 * both sources carry. Then the connection is live again.
 */
export async function replay(
  connection: ClientConnection,
  since: number,
  readAfter: ReadAfter,
): Promise<void> {
  const { stream } = connection;
  const paced = async (send: () => void) => {
    const room = connection.roomForReplay();
    if (room) await room;
    send();
  };
  const passHeldBefore = async (seq: number) => {
    for (let next = stream.nextHeldSeq(); next !== undefined && next < seq; next = stream.nextHeldSeq()) {
      await paced(() => stream.passNextHeld());
    }
  };
  try {
    for (let after = since; !connection.closed;) {
      const page = await readAfter(after, REPLAY_PAGE);
      for (const event of page) {
        await passHeldBefore(event.seq);
        await paced(() => stream.pass(event));
      }
      if (page.length < REPLAY_PAGE) break;
      after = (page.at(-1) as ChangeEvent).seq;
    }
    await passHeldBefore(Infinity);
  } finally {
    stream.goLive();
  }
}

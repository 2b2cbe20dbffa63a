import type { ChangeEvent } from '../live/resources.js';
import type { ClientConnection } from './client-connection.js';

export type ReadAfter = (afterSeq: number, limit: number) => Promise<ChangeEvent[]>;

const REPLAY_PAGE = 1000;
const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * The second source of a connection's gate: the stored events after `since`, page by page, then the live
 * events held back meanwhile, paced by the socket (it waits while the outbound queue is half full, so a
 * replay never trips the `lagged` limit). Live events are held from before the first read, so an event
 * committed meanwhile is either read or held; the gate drops what both carry. Then the connection is live.
 *
 * Seqs in the table are gap-free, so a page that does not start right after the last one means the retention
 * pruned events under a slow replay: the socket closes with 1013, and the client's resume is told to resync.
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
  try {
    for (let after = since; !connection.closed;) {
      const page = await readAfter(after, REPLAY_PAGE);
      if (page.length > 0 && (page[0] as ChangeEvent).seq !== after + 1) {
        connection.close(CLOSE_TRY_AGAIN_LATER, 'events were pruned during the replay; resubscribe');
        return;
      }
      for (const event of page) await paced(() => stream.pass(event));
      if (page.length < REPLAY_PAGE) break;
      after = (page.at(-1) as ChangeEvent).seq;
    }
    while (stream.holdsAny() && !connection.closed) await paced(() => stream.passNextHeld());
  } finally {
    stream.goLive();
  }
}

import type { ChangeEvent } from '../../live/resources.js';
import { EventSequencer } from '../../events/event-sequencer.js';

/** The sequencer over an in-memory event table: events may arrive late, twice, out of order or never. */
function setup(gapTimeoutMs = 20) {
  const table: ChangeEvent[] = [];
  const delivered: number[] = [];
  let reads = 0;
  let readGate: Promise<void> = Promise.resolve();
  const sequencer = new EventSequencer(0, {
    readAfter: async (afterSeq, limit) => {
      reads += 1;
      const snapshot = table.filter((event) => event.seq > afterSeq).slice(0, limit);
      await readGate;
      return snapshot;
    },
    deliver: (event) => delivered.push(event.seq),
    gapTimeoutMs,
    onError: (error) => {
      throw error;
    },
  });
  const commit = (seq: number) => {
    const event = {
      seq,
      topic: 'pets',
      type: 'pet.created',
      payload: { id: seq },
      createdAt: new Date().toISOString(),
    } as unknown as ChangeEvent;
    table.push(event);
    return event;
  };
  return {
    sequencer,
    delivered,
    commit,
    reads: () => reads,
    holdReads: () => {
      let release = () => {};
      readGate = new Promise((resolve) => (release = resolve));
      return () => release();
    },
  };
}

describe('EventSequencer', () => {
  it('delivers out-of-order and duplicate arrivals once each, in seq order', () => {
    const { sequencer, delivered, commit } = setup();
    const [one, two, three] = [commit(1), commit(2), commit(3)] as [ChangeEvent, ChangeEvent, ChangeEvent];
    sequencer.accept(two);
    sequencer.accept(three);
    expect(delivered).toEqual([]);
    sequencer.accept(one);
    sequencer.accept(two);
    expect(delivered).toEqual([1, 2, 3]);
    sequencer.stop();
  });

  it('reads a gap that does not close by itself from the table', async () => {
    const { sequencer, delivered, commit } = setup();
    commit(1);
    commit(2);
    sequencer.accept(commit(3));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(delivered).toEqual([1, 2, 3]);
    sequencer.stop();
  });

  it('reads again when asked to catch up during a read, so a commit just before the call is not missed', async () => {
    const { sequencer, delivered, commit, reads, holdReads } = setup();
    commit(1);
    const release = holdReads();
    const first = sequencer.catchUp();
    commit(2);
    const second = sequencer.catchUp();
    release();
    await Promise.all([first, second]);
    expect(delivered).toEqual([1, 2]);
    expect(reads()).toBe(2);
    sequencer.stop();
  });
});

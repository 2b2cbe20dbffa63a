import type { Socket } from 'node:net';

/**
 * Event frames written to one socket during one turn of the event loop leave in two system calls at most. The
 * first goes out at once; a second in the same turn corks the socket, and every socket corked is uncorked once
 * the turn's I/O callbacks have run (`setImmediate`), sending the rest with one `writev`. Commits that complete
 * in the same turn (a burst of writes) then cost each subscriber far fewer system calls, which, not our code,
 * are most of a delivery's cost; a lone event is written at once, as if this did not exist.
 */
let turn = 0;
let turnEndScheduled = false;
const corked: Socket[] = [];

function endTurn(): void {
  turn += 1;
  turnEndScheduled = false;
  for (const wire of corked.splice(0)) wire.uncork();
}

/** The current turn of the event loop, a number that changes once its I/O callbacks have run. */
export function currentTurn(): number {
  if (!turnEndScheduled) {
    turnEndScheduled = true;
    setImmediate(endTurn);
  }
  return turn;
}

/** Holds what is written to `wire` from now until the end of the current turn, then sends it at once. */
export function corkUntilTurnEnds(wire: Socket): void {
  if (wire.writableCorked > 0) return;
  wire.cork();
  corked.push(wire);
}

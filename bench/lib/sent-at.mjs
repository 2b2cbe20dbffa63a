// The send time a publisher puts in every update (the pet's name is `Sent <µs>`), read back by the subscribers:
// microseconds on CLOCK_MONOTONIC (process.hrtime), one clock for every process on the machine.
export const SENT_AT_PREFIX = 'Sent ';

export const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

/** A pet name that carries the current time. */
export const sentAtName = () => `${SENT_AT_PREFIX}${nowMicros()}`;

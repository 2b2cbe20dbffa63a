/** Histogram buckets, in seconds, each fitted to what it measures. */

/** From a cached read to a slow upload. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** How long a write holds the event counter: tens of microseconds to a few milliseconds. */
export const COUNTER_HOLD_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
];
/** From commit to the frame being handed to the sockets. */
export const DELIVERY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** From commit to a webhook receiver's 2xx: milliseconds when healthy, hours after an outage. */
export const WEBHOOK_LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

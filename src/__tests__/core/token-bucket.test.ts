import { jest } from '@jest/globals';
import { TokenBucket } from '../../realtime/token-bucket.js';

/** The per-connection message limit: a burst at once, then the rate, on a clock the test moves. */
describe('the message token bucket', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  const takeAll = (bucket: TokenBucket) => {
    let taken = 0;
    while (bucket.take()) taken += 1;
    return taken;
  };

  it('allows the burst at once, then refills at 100 a minute: one message every 600 ms', () => {
    const bucket = new TokenBucket(20, 100);
    expect(takeAll(bucket)).toBe(20);
    jest.advanceTimersByTime(599);
    expect(bucket.take()).toBe(false);
    jest.advanceTimersByTime(1);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    jest.advanceTimersByTime(60_000);
    expect(takeAll(bucket)).toBe(20);
  });

  it('sustains exactly the rate over a minute of steady sending', () => {
    const bucket = new TokenBucket(20, 100);
    takeAll(bucket);
    let sent = 0;
    for (let ms = 0; ms < 60_000; ms += 50) {
      jest.advanceTimersByTime(50);
      if (bucket.take()) sent += 1;
    }
    expect(sent).toBe(100);
  });

  it('never holds more than the burst, however long it rests', () => {
    const bucket = new TokenBucket(5, 100);
    jest.advanceTimersByTime(3_600_000);
    expect(takeAll(bucket)).toBe(5);
  });
});

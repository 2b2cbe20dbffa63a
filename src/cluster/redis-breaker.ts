import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import type { Redis } from 'ioredis';

export type BreakerState = 'closed' | 'open' | 'half-open';

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

export interface BreakerSettings {
  /** Consecutive failed calls that open the circuit. */
  failuresToOpen: number;
  /** How long the circuit stays open before one trial call is let through. */
  halfOpenAfterMs: number;
}

const DEFAULT_BREAKER: BreakerSettings = { failuresToOpen: 5, halfOpenAfterMs: 2000 };

/**
 * Every Redis command the service itself issues goes through here: one quick retry with backoff for a blip,
 * and a circuit breaker so that, while Redis is down, callers fail at once and take their fallback
 * (local counters, polling the event table) instead of each waiting for a timeout.
 */
export class RedisBreaker {
  private readonly breaker;
  private readonly policy;

  constructor(
    readonly client: Redis,
    settings: BreakerSettings = DEFAULT_BREAKER,
  ) {
    this.breaker = circuitBreaker(
      handleWhen(() => true),
      {
        halfOpenAfter: settings.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(settings.failuresToOpen),
      },
    );
    const retryOnce = retry(
      handleWhen((error) => !(error instanceof BrokenCircuitError)),
      { maxAttempts: 1, backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 100 }) },
    );
    this.policy = wrap(retryOnce, this.breaker);
  }

  get state(): BreakerState {
    return STATE_NAMES[this.breaker.state];
  }

  /** One round trip to Redis for health checks: past the breaker, so it tells the truth while the breaker is open. */
  async ping(): Promise<void> {
    await this.client.ping();
  }

  onStateChange(listener: (state: BreakerState) => void): () => void {
    const subscription = this.breaker.onStateChange((state) => listener(STATE_NAMES[state]));
    return () => subscription.dispose();
  }

  run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    return this.policy.execute(() => command(this.client));
  }
}

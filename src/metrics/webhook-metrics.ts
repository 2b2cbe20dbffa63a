import { Counter, Histogram, type Registry } from 'prom-client';
import { WEBHOOK_LATENCY_BUCKETS } from './buckets.js';

const OUTCOMES = ['success', 'failure', 'gone'] as const;

/** What webhook delivery reports (the delivery loop's events): each attempt's outcome and each 2xx's latency. */
export class WebhookMetrics {
  private readonly attempts;
  private readonly latency;

  constructor(registers: Registry[]) {
    this.attempts = new Counter({
      name: 'webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: success (2xx), failure (retried), gone (410, disabled)',
      labelNames: ['outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: 'webhook_delivery_latency_seconds',
      help: "Seconds from an event's commit to its webhook receiver's 2xx",
      buckets: WEBHOOK_LATENCY_BUCKETS,
      registers,
    });
    for (const outcome of OUTCOMES) this.attempts.inc({ outcome }, 0);
  }

  attempted(outcome: (typeof OUTCOMES)[number]): void {
    this.attempts.inc({ outcome });
  }

  delivered(secondsSinceCommit: number): void {
    this.latency.observe(secondsSinceCommit);
  }
}

import type { DispatcherSettings, DispatchLog, WebhookDeliveryLoop } from './delivery-loop.js';

/**
 * Delivers the change feed to webhooks, from every node. A node delivers a webhook only while it holds the
 * webhook's lease in the database; it sends that webhook's events one at a time in seq order and moves the
 * webhook's cursor after each 2xx, so that the event table itself is the queue and a node that dies mid-stream
 * leaves its webhooks to the next node whose lease check finds them expired: nothing acknowledged is sent again,
 * except the one in flight (at least once).
 */
export class WebhookDispatcher {
  /** The webhooks this node is delivering now, each with its delivery loop. */
  private readonly running = new Map<number, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly loop: WebhookDeliveryLoop,
    private readonly settings: Pick<DispatcherSettings, 'concurrency' | 'pollIntervalMs'>,
    private readonly log: DispatchLog,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.nudge(), this.settings.pollIntervalMs);
    this.timer.unref();
    this.nudge();
  }

  /**
   * Something was committed, or a webhook changed: look for work soon rather than at the next poll. The look
   * starts from the event loop (setImmediate), so that a burst of commits asks once and I/O is never starved.
   */
  nudge(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.tick())
      .catch((error: unknown) =>
        this.log.warn({ err: error }, 'webhook dispatch failed; retrying at the next poll'),
      )
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /**
   * Stops taking work, cuts the requests in flight (their events are sent again by whichever node delivers the
   * webhook next) and waits for the loops to let their leases go.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.loop.close();
    await this.ticking;
    await Promise.all(this.running.values());
  }

  private async tick(): Promise<void> {
    const free = this.settings.concurrency - this.running.size;
    if (free <= 0) return;
    const now = new Date();
    const due = await this.loop.due(now, free + this.running.size);
    for (const id of due.filter((candidate) => !this.running.has(candidate)).slice(0, free)) {
      if (!(await this.loop.claim(id, now))) continue;
      const delivering = this.loop
        .run(id, () => this.stopped)
        .catch((error: unknown) => this.log.warn({ err: error, webhook: id }, 'webhook delivery stopped'))
        .finally(() => {
          this.running.delete(id);
          this.nudge(); // what was committed while this loop was finishing
        });
      this.running.set(id, delivering);
    }
  }
}

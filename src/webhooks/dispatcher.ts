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
  /** Whether some webhook was active at the last look (the poll, or a change to a webhook on this node). */
  private anyActive = true;
  /** The next tick asks the database whether any webhook is active before it looks for work. */
  private recheckActive = true;

  constructor(
    private readonly loop: WebhookDeliveryLoop,
    private readonly settings: Pick<DispatcherSettings, 'concurrency' | 'pollIntervalMs'>,
    private readonly log: DispatchLog,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.webhooksChanged(), this.settings.pollIntervalMs);
    this.timer.unref();
    this.webhooksChanged();
  }

  /**
   * The poll, or a webhook changed on this node: looks whether any webhook is active, then for work. A webhook
   * made active on another node is found here, at the next poll; that node looks for its work at once.
   */
  webhooksChanged(): void {
    this.recheckActive = true;
    this.nudge();
  }

  /**
   * This node applied an event: look for work soon rather than at the next poll, unless no webhook was active at
   * the last look, so that a node without webhooks spends no query on each event.
   */
  eventApplied(): void {
    if (this.anyActive) this.nudge();
  }

  /**
   * Look for work soon. The look starts from the event loop (setImmediate), so that a burst of commits asks once
   * and I/O is never starved.
   */
  private nudge(): void {
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
    if (this.recheckActive) {
      this.recheckActive = false;
      this.anyActive = await this.loop.anyActive();
    }
    const free = this.settings.concurrency - this.running.size;
    if (free <= 0 || !this.anyActive) return;
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

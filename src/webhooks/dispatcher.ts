import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { ChangeFeed } from '../events/change-feed.js';
import { topicsOf, type ChangeEvent } from '../live/resources.js';
import type { WebhookRow, WebhooksRepository } from '../repositories/webhooks-repository.js';
import { signedHeaders } from './signature.js';
import type { SendOutcome, WebhookSender } from './sender.js';

export interface DispatcherSettings {
  nodeId: string;
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  retryForMs: number;
  retryBaseMs: number;
  maxBacklog: number;
}

/** Where the dispatcher reports what went wrong (the app's logger). */
export interface DispatchLog {
  warn(details: object, message: string): void;
}

export type AttemptOutcome = 'success' | 'failure' | 'gone';

export interface DispatcherEvents {
  attempted(outcome: AttemptOutcome): void;
  /** Seconds from an event's commit to its receiver's 2xx. */
  delivered(secondsSinceCommit: number): void;
}

/** Events read from the log at a time while looking for the next one a webhook takes. */
const READ_BATCH = 200;
/** The longest wait between two attempts at one event, whatever the attempt count. */
const MAX_RETRY_DELAY_MS = 15 * 60_000;

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
    private readonly db: Kysely<Database>,
    private readonly feed: ChangeFeed,
    private readonly webhooks: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly settings: DispatcherSettings,
    private readonly events: DispatcherEvents,
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
    this.sender.close();
    await this.ticking;
    await Promise.all(this.running.values());
  }

  private async tick(): Promise<void> {
    const free = this.settings.concurrency - this.running.size;
    if (free <= 0) return;
    const now = new Date();
    const newest = await this.feed.currentSeq(this.db);
    const due = await this.webhooks.due(
      this.db,
      this.settings.nodeId,
      now.toISOString(),
      newest,
      free + this.running.size,
    );
    for (const id of due.filter((candidate) => !this.running.has(candidate)).slice(0, free)) {
      if (
        !(await this.webhooks.takeLease(
          this.db,
          id,
          this.settings.nodeId,
          now.toISOString(),
          this.leaseEnd(),
        ))
      ) {
        continue;
      }
      const delivering = this.deliver(id)
        .catch((error: unknown) => this.log.warn({ err: error, webhook: id }, 'webhook delivery stopped'))
        .finally(() => {
          this.running.delete(id);
          this.nudge(); // what was committed while this loop was finishing
        });
      this.running.set(id, delivering);
    }
  }

  private leaseEnd(from = Date.now()): string {
    return new Date(from + this.settings.leaseMs).toISOString();
  }

  /**
   * Sends this webhook's events while it holds the lease and has some due; then lets the lease go. Events are read
   * in batches and the row is not read again between them: every change the loop makes is conditional on the row
   * being as it left it (its lease, its cursor, its `updatedAt`), so an admin's change stops the loop, which the
   * next pass starts again from the row as it is then.
   */
  private async deliver(id: number): Promise<void> {
    try {
      const epoch = await this.feed.epoch(this.db);
      let webhook = await this.webhooks.findById(this.db, id);
      let batch: ChangeEvent[] = [];
      while (!this.stopped && webhook && this.mayDeliver(webhook)) {
        webhook = await this.renewLeaseIfShort(webhook);
        if (!webhook) return;
        if (batch.length === 0) {
          const next = await this.nextBatch(webhook);
          if (next === 'done' || next === 'lost') return;
          if (next === 'advanced') {
            webhook = await this.webhooks.findById(this.db, id);
            continue;
          }
          batch = next;
        }
        webhook = await this.attempt(webhook, batch.shift() as ChangeEvent, epoch);
      }
    } finally {
      await this.webhooks.releaseLease(this.db, id, this.settings.nodeId).catch(() => undefined);
    }
  }

  private mayDeliver(webhook: WebhookRow): boolean {
    return (
      webhook.status === 'active' &&
      webhook.leaseOwner === this.settings.nodeId &&
      (webhook.nextAttemptAt === null || webhook.nextAttemptAt <= new Date().toISOString())
    );
  }

  /** A lease with less than half its time left is extended before a send that may take the whole timeout. */
  private async renewLeaseIfShort(webhook: WebhookRow): Promise<WebhookRow | undefined> {
    const left = Date.parse(webhook.leaseUntil ?? '') - Date.now();
    if (left > this.settings.leaseMs / 2) return webhook;
    const leaseUntil = this.leaseEnd();
    const renewed = await this.webhooks.takeLease(
      this.db,
      webhook.id,
      this.settings.nodeId,
      new Date().toISOString(),
      leaseUntil,
    );
    return renewed ? { ...webhook, leaseUntil } : undefined;
  }

  /**
   * The next events the webhook takes, oldest first; or 'advanced' when a batch held none of its topics (the
   * cursor moved past them), 'done' when it has nothing more, 'lost' when its row changed under us or it fell too
   * far behind.
   */
  private async nextBatch(webhook: WebhookRow): Promise<ChangeEvent[] | 'advanced' | 'done' | 'lost'> {
    const newest = await this.feed.currentSeq(this.db);
    if (webhook.cursor >= newest) return 'done';
    const keptFrom = await this.feed.replayableFrom(this.db);
    if (newest - webhook.cursor > this.settings.maxBacklog || webhook.cursor < keptFrom) {
      await this.giveUp(webhook, 'RESYNC_REQUIRED', webhook.cursor + 1);
      return 'lost';
    }
    const events = await this.feed.readAfter(this.db, webhook.cursor, READ_BATCH);
    const topics = new Set<string>(JSON.parse(webhook.topics));
    const matching = events.filter((event) => topicsOf(event).some((topic) => topics.has(topic)));
    if (matching.length > 0) return matching;
    const last = events.at(-1);
    if (!last) return 'done';
    const moved = await this.webhooks.updateHeld(this.db, webhook, this.settings.nodeId, {
      cursor: last.seq,
    });
    return moved ? 'advanced' : 'lost';
  }

  /** One attempt at one event: the webhook's row as it is after a 2xx, else undefined (the loop stops). */
  private async attempt(
    webhook: WebhookRow,
    event: ChangeEvent,
    epoch: string,
  ): Promise<WebhookRow | undefined> {
    const { nodeId } = this.settings;
    const body = JSON.stringify({
      seq: event.seq,
      epoch,
      type: event.type,
      topic: event.topic,
      payload: event.payload,
      createdAt: event.createdAt,
    });
    const secrets = [webhook.secret];
    if (webhook.previousSecret && (webhook.previousSecretUntil ?? '') > new Date().toISOString()) {
      secrets.push(webhook.previousSecret);
    }
    const attempt = webhook.attempt + 1;
    const outcome = await this.sender.send(
      webhook.url,
      signedHeaders(`${epoch}:${event.seq}`, body, secrets),
      body,
    );
    await this.record(webhook, event.seq, attempt, outcome);
    const status = outcome.status ?? 0;
    const now = new Date();
    if (status >= 200 && status < 300) {
      this.events.attempted('success');
      this.events.delivered(Math.max(0, (now.getTime() - Date.parse(event.createdAt)) / 1000));
      const acknowledged = {
        cursor: event.seq,
        attempt: 0,
        failingSince: null,
        nextAttemptAt: null,
        leaseUntil: this.leaseEnd(now.getTime()),
      };
      const moved = await this.webhooks.updateHeld(this.db, webhook, nodeId, acknowledged);
      return moved ? { ...webhook, ...acknowledged } : undefined;
    }
    if (status === 410) {
      this.events.attempted('gone');
      await this.giveUp(webhook, 'GONE');
      return undefined;
    }
    this.events.attempted('failure');
    const failingSince = webhook.failingSince ?? now.toISOString();
    if (now.getTime() - Date.parse(failingSince) >= this.settings.retryForMs) {
      await this.giveUp(webhook, 'RETRY_EXHAUSTED');
      return undefined;
    }
    await this.webhooks.updateHeld(this.db, webhook, nodeId, {
      attempt,
      failingSince,
      nextAttemptAt: new Date(now.getTime() + this.retryDelay(attempt)).toISOString(),
    });
    return undefined;
  }

  /** Exponential backoff with jitter: between half and all of base × 2^(attempt-1), capped. */
  private retryDelay(attempt: number): number {
    const ceiling = Math.min(MAX_RETRY_DELAY_MS, this.settings.retryBaseMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** `failing` (or `disabled` on 410), keeping the webhook's place for when an admin re-activates it. */
  private async giveUp(
    webhook: WebhookRow,
    failure: 'RETRY_EXHAUSTED' | 'GONE' | 'RESYNC_REQUIRED',
    seq?: number,
  ) {
    const changed = await this.webhooks.updateHeld(this.db, webhook, this.settings.nodeId, {
      status: failure === 'GONE' ? 'disabled' : 'failing',
      failure,
      attempt: 0,
      failingSince: null,
      nextAttemptAt: null,
      updatedAt: new Date().toISOString(),
    });
    if (changed && seq !== undefined) {
      await this.record(webhook, seq, 0, { status: undefined, durationMs: 0, error: failure });
    }
    if (changed) this.log.warn({ webhook: webhook.id, failure }, 'a webhook stopped delivering');
  }

  private record(webhook: WebhookRow, seq: number, attempt: number, outcome: SendOutcome): Promise<void> {
    return this.webhooks.recordDelivery(this.db, {
      webhookId: webhook.id,
      seq,
      attempt,
      status: outcome.status ?? null,
      durationMs: outcome.durationMs,
      error: outcome.error?.slice(0, 300) ?? null,
      at: new Date().toISOString(),
    });
  }
}

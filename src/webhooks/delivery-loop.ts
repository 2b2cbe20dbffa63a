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
 * One webhook's delivery on this node, under its lease: its events in seq order, one request at a time, the cursor
 * moved after each 2xx, retries scheduled, and the webhook given up on when the API says so. The dispatcher decides
 * which webhooks run and when.
 */
export class WebhookDeliveryLoop {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly feed: ChangeFeed,
    private readonly webhooks: WebhooksRepository,
    private readonly sender: WebhookSender,
    private readonly settings: DispatcherSettings,
    private readonly events: DispatcherEvents,
    private readonly log: DispatchLog,
  ) {}

  /** Active webhooks with events to send and an attempt due, whose lease this node may take, at most `limit`. */
  async due(now: Date, limit: number): Promise<number[]> {
    const newest = await this.feed.currentSeq(this.db);
    return this.webhooks.due(this.db, this.settings.nodeId, now.toISOString(), newest, limit);
  }

  anyActive(): Promise<boolean> {
    return this.webhooks.anyActive(this.db);
  }

  /** Cuts the requests in flight (the node is stopping). */
  close(): void {
    this.sender.close();
  }

  /** Takes the webhook's lease for this node: false when another node holds it. */
  claim(id: number, now: Date): Promise<boolean> {
    return this.webhooks.takeLease(this.db, id, this.settings.nodeId, now.toISOString(), this.leaseEnd());
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
  async run(id: number, stopped: () => boolean): Promise<void> {
    try {
      const epoch = await this.feed.epoch(this.db);
      let webhook = await this.webhooks.findById(this.db, id);
      let batch: ChangeEvent[] = [];
      while (!stopped() && webhook && this.mayDeliver(webhook)) {
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

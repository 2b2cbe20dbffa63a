import type { Transaction } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { Database } from '../db/types.js';
import type { ChangeFeed } from '../events/change-feed.js';
import { WebhookNotFoundError, WebhookSeqOutOfRangeError } from '../errors.js';
import type { WebhookRow, WebhooksRepository } from '../repositories/webhooks-repository.js';
import type {
  Webhook,
  WebhookDelivery,
  WebhookInput,
  WebhookListQuery,
  WebhookPatch,
  WebhookWithSecret,
} from '../schemas/webhooks.js';
import { newSecret } from '../webhooks/signature.js';
import type { WebhookUrlGuard } from '../webhooks/url-guard.js';
import { requireAdmin, type Actor } from './access.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
import type { Transactor } from './transactor.js';

const DELIVERIES_SHOWN = 50;

/**
 * Webhooks, as admins manage them (`/api/v1/webhooks`). A new webhook starts at the newest committed seq: it is
 * sent what is committed after it exists. Its secret is shown when it is created or rotated, never again; a
 * rotated-out secret keeps signing beside the new one for `secretGraceMs`.
 */
export class WebhooksService {
  constructor(
    private readonly transactor: Transactor,
    private readonly feed: ChangeFeed,
    private readonly webhooks: WebhooksRepository,
    private readonly guard: WebhookUrlGuard,
    private readonly secretGraceMs: number,
    /** Told of every change that may give a node work (the dispatcher looks at once). */
    private readonly onChange: () => void,
  ) {}

  async create(actor: Actor, input: WebhookInput): Promise<WebhookWithSecret> {
    requireAdmin(actor);
    await this.guard.check(input.url);
    const now = new Date().toISOString();
    const secret = newSecret();
    const row = await this.transactor.query(async (db) =>
      this.webhooks.insert(db, {
        url: input.url,
        topics: JSON.stringify([...new Set(input.topics)]),
        description: input.description ?? null,
        status: 'active',
        secret,
        attempt: 0,
        cursor: await this.feed.currentSeq(db),
        createdAt: now,
        updatedAt: now,
      }),
    );
    this.onChange();
    return { ...(await this.view(row)), secret };
  }

  async list(actor: Actor, query: WebhookListQuery): Promise<Page<Webhook>> {
    requireAdmin(actor);
    const rows = await this.transactor.query((db) =>
      this.webhooks.list(db, decodeCursor(query.cursor), query.limit + 1),
    );
    const newest = await this.newestSeq();
    return toPage(
      rows.map((row) => this.toWebhook(row, newest)),
      query.limit,
    );
  }

  async get(actor: Actor, id: number): Promise<Webhook> {
    requireAdmin(actor);
    return this.view(await this.transactor.query((db) => this.mustFind(db, id)));
  }

  async update(actor: Actor, id: number, patch: WebhookPatch): Promise<Webhook> {
    requireAdmin(actor);
    if (patch.url !== undefined) await this.guard.check(patch.url);
    const current = await this.transactor.query((db) => this.mustFind(db, id));
    const reactivated = patch.status === 'active' && current.status !== 'active';
    await this.transactor.query((db) =>
      this.webhooks.update(db, id, {
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.topics !== undefined ? { topics: JSON.stringify([...new Set(patch.topics)]) } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(reactivated ? { failure: null, attempt: 0, failingSince: null, nextAttemptAt: null } : {}),
        updatedAt: new Date().toISOString(),
      }),
    );
    this.onChange();
    return this.get(actor, id);
  }

  async delete(actor: Actor, id: number): Promise<void> {
    requireAdmin(actor);
    const deleted = await this.transactor.query((db) => this.webhooks.delete(db, id));
    if (!deleted) throw new WebhookNotFoundError(id);
  }

  async rotateSecret(actor: Actor, id: number): Promise<WebhookWithSecret> {
    requireAdmin(actor);
    const current = await this.transactor.query((db) => this.mustFind(db, id));
    const secret = newSecret();
    const now = Date.now();
    await this.transactor.query((db) =>
      this.webhooks.update(db, id, {
        secret,
        previousSecret: current.secret,
        previousSecretUntil: new Date(now + this.secretGraceMs).toISOString(),
        updatedAt: new Date(now).toISOString(),
      }),
    );
    return { ...(await this.get(actor, id)), secret };
  }

  async deliveries(actor: Actor, id: number): Promise<{ items: WebhookDelivery[] }> {
    requireAdmin(actor);
    const rows = await this.transactor.query(async (db) => {
      await this.mustFind(db, id);
      return this.webhooks.deliveries(db, id, DELIVERIES_SHOWN);
    });
    return {
      items: rows.map((row) => ({
        seq: row.seq,
        attempt: row.attempt,
        status: row.status,
        durationMs: row.durationMs,
        ...(row.error ? { error: row.error } : {}),
        at: row.at,
      })),
    };
  }

  /**
   * Sends again every matching event after `since` and makes the webhook active: its cursor moves back (or
   * forward) to `since`. A delivery in flight on some node finds its place changed and stops.
   */
  async redeliver(actor: Actor, id: number, since: number): Promise<Webhook> {
    requireAdmin(actor);
    // The cursor moves first and the range is checked after, in one transaction: a pruning pass holds every cursor
    // while it deletes, so either it sees `since` and keeps what follows, or the check sees what it deleted.
    await this.transactor.write(async (tx) => {
      await this.mustFind(tx, id);
      await this.webhooks.update(tx, id, {
        cursor: since,
        status: 'active',
        failure: null,
        attempt: 0,
        failingSince: null,
        nextAttemptAt: null,
        updatedAt: new Date().toISOString(),
      });
      const keptFrom = await this.feed.replayableFrom(tx);
      const newest = await this.feed.currentSeq(tx);
      if (since < keptFrom || since > newest) throw new WebhookSeqOutOfRangeError(since, keptFrom, newest);
    });
    this.onChange();
    return this.get(actor, id);
  }

  /** How many webhooks are in each state, every state named (for `/health`, the metrics and the board). */
  async countByStatus(): Promise<Record<Webhook['status'], number>> {
    const counts = await this.transactor.query((db) => this.webhooks.countByStatus(db));
    return { active: 0, paused: 0, failing: 0, disabled: 0, ...counts };
  }

  /**
   * The oldest place a webhook holds, held until `tx` ends: the events after it are kept for it, and no redeliver
   * moves a cursor back meanwhile.
   */
  holdOldestCursor(tx: Transaction<Database>): Promise<number | undefined> {
    return this.webhooks.holdOldestCursor(tx);
  }

  /** Events each webhook has yet to be sent (of any topic), by webhook id. */
  async backlogs(): Promise<Record<string, number>> {
    const [cursors, newest] = await Promise.all([
      this.transactor.query((db) => this.webhooks.cursors(db)),
      this.newestSeq(),
    ]);
    return Object.fromEntries(cursors.map(({ id, cursor }) => [String(id), Math.max(0, newest - cursor)]));
  }

  private newestSeq(): Promise<number> {
    return this.transactor.query((db) => this.feed.currentSeq(db));
  }

  private async view(row: WebhookRow): Promise<Webhook> {
    return this.toWebhook(row, await this.newestSeq());
  }

  private toWebhook(row: WebhookRow, newest: number): Webhook {
    return {
      id: row.id,
      url: row.url,
      topics: JSON.parse(row.topics) as string[],
      description: row.description,
      status: row.status,
      failure: row.failure as Webhook['failure'],
      cursor: row.cursor,
      backlog: Math.max(0, newest - row.cursor),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  private async mustFind(db: Executor, id: number): Promise<WebhookRow> {
    const row = await this.webhooks.findById(db, id);
    if (!row) throw new WebhookNotFoundError(id);
    return row;
  }
}

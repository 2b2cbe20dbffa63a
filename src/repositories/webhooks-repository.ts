import type { Insertable, Selectable, Transaction, Updateable } from 'kysely';
import type { Engine } from '../db/database.js';
import type { Executor } from '../db/executor.js';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from '../db/types.js';

export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookChanges = Updateable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** How many attempts of each webhook are kept for `GET /webhooks/:id/deliveries`. */
const KEPT_DELIVERIES = 100;

/** PostgreSQL hands `bigint` columns back as strings. */
const withNumbers = (row: WebhookRow): WebhookRow => ({ ...row, cursor: Number(row.cursor) });

export class WebhooksRepository {
  constructor(private readonly engine: Engine) {}

  async insert(db: Executor, row: Insertable<WebhooksTable>): Promise<WebhookRow> {
    return withNumbers(await db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow());
  }

  async list(db: Executor, afterId: number | undefined, limit: number): Promise<WebhookRow[]> {
    let query = db.selectFrom('webhooks').selectAll().orderBy('id').limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    return (await query.execute()).map(withNumbers);
  }

  async findById(db: Executor, id: number): Promise<WebhookRow | undefined> {
    const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && withNumbers(row);
  }

  /** False when no such webhook exists. */
  async update(db: Executor, id: number, changes: WebhookChanges): Promise<boolean> {
    const result = await db.updateTable('webhooks').set(changes).where('id', '=', id).executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async delete(db: Executor, id: number): Promise<boolean> {
    const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  /**
   * Changes a webhook only while this node holds its lease and the row is still as `seen` left it (its cursor, and
   * `updatedAt`, which every admin change moves): an admin's change, or another node that took the lease over,
   * wins over a delivery that finished meanwhile.
   */
  async updateHeld(
    db: Executor,
    seen: Pick<WebhookRow, 'id' | 'cursor' | 'updatedAt'>,
    owner: string,
    changes: WebhookChanges,
  ): Promise<boolean> {
    const result = await db
      .updateTable('webhooks')
      .set(changes)
      .where('id', '=', seen.id)
      .where('leaseOwner', '=', owner)
      .where('cursor', '=', seen.cursor)
      .where('updatedAt', '=', seen.updatedAt)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Active webhooks behind `newestSeq` and due for an attempt, whose lease is free, expired or this node's,
   * oldest first.
   */
  async due(db: Executor, owner: string, now: string, newestSeq: number, limit: number): Promise<number[]> {
    const rows = await db
      .selectFrom('webhooks')
      .select('id')
      .where('status', '=', 'active')
      .where('cursor', '<', newestSeq)
      .where((eb) => eb.or([eb('nextAttemptAt', 'is', null), eb('nextAttemptAt', '<=', now)]))
      .where((eb) =>
        eb.or([eb('leaseOwner', 'is', null), eb('leaseOwner', '=', owner), eb('leaseUntil', '<', now)]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Takes (or renews) a webhook's lease: one conditional update, so that of two nodes trying at once exactly one
   * wins on either engine (PostgreSQL re-checks the condition on the row it locked).
   */
  async takeLease(db: Executor, id: number, owner: string, now: string, until: string): Promise<boolean> {
    const result = await db
      .updateTable('webhooks')
      .set({ leaseOwner: owner, leaseUntil: until })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([eb('leaseOwner', 'is', null), eb('leaseOwner', '=', owner), eb('leaseUntil', '<', now)]),
      )
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Lets another node take the webhook at once (this node stops delivering it). */
  async releaseLease(db: Executor, id: number, owner: string): Promise<void> {
    await db
      .updateTable('webhooks')
      .set({ leaseOwner: null, leaseUntil: null })
      .where('id', '=', id)
      .where('leaseOwner', '=', owner)
      .execute();
  }

  async anyActive(db: Executor): Promise<boolean> {
    const row = await db
      .selectFrom('webhooks')
      .select('id')
      .where('status', '=', 'active')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * The oldest place any webhook holds (events after it are still owed), held until `tx` ends: on PostgreSQL every
   * webhook's row is share-locked, so no cursor can move back under a pruning pass (SQLite runs one transaction at a
   * time).
   */
  async holdOldestCursor(tx: Transaction<Database>): Promise<number | undefined> {
    const query = this.engine === 'postgres' ? this.cursorsQuery(tx).forShare() : this.cursorsQuery(tx);
    const rows = await query.execute();
    const cursors = rows.map((row) => Number(row.cursor));
    return cursors.length === 0 ? undefined : cursors.reduce((oldest, cursor) => Math.min(oldest, cursor));
  }

  async countByStatus(db: Executor): Promise<Record<string, number>> {
    const rows = await db
      .selectFrom('webhooks')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** Each webhook's id and cursor, for the backlog gauge. */
  async cursors(db: Executor): Promise<Array<{ id: number; cursor: number }>> {
    const rows = await this.cursorsQuery(db).execute();
    return rows.map((row) => ({ id: row.id, cursor: Number(row.cursor) }));
  }

  /** Records an attempt and forgets all but the newest KEPT_DELIVERIES of the webhook. */
  async recordDelivery(db: Executor, row: Insertable<WebhookDeliveriesTable>): Promise<void> {
    const { id } = await db
      .insertInto('webhookDeliveries')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    if (id % 20 !== 0) return;
    await db
      .deleteFrom('webhookDeliveries')
      .where('webhookId', '=', row.webhookId)
      .where(
        'id',
        'not in',
        db
          .selectFrom('webhookDeliveries')
          .select('id')
          .where('webhookId', '=', row.webhookId)
          .orderBy('id', 'desc')
          .limit(KEPT_DELIVERIES),
      )
      .execute();
  }

  /** The newest attempts first. */
  async deliveries(db: Executor, webhookId: number, limit: number): Promise<DeliveryRow[]> {
    const rows = await db
      .selectFrom('webhookDeliveries')
      .selectAll()
      .where('webhookId', '=', webhookId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  private cursorsQuery(db: Executor) {
    return db.selectFrom('webhooks').select(['id', 'cursor']);
  }
}

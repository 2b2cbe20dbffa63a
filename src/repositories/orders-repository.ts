import { sql } from 'kysely';
import type { Engine } from '../db/database.js';
import type { Executor } from '../db/executor.js';
import { ReusableQuery } from '../db/reusable-query.js';
import type { OrderRow } from '../db/types.js';
import type { Order, OrderStatus } from '../schemas/orders.js';

export interface OrderFilter {
  userId?: number;
  status?: OrderStatus;
  afterId?: number;
  limit?: number;
}

const OPEN_STATUSES: OrderStatus[] = ['placed', 'approved'];

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    petId: row.petId,
    userId: row.userId,
    quantity: row.quantity,
    shipDate: row.shipDate,
    status: row.status,
    complete: row.status === 'delivered',
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export class OrdersRepository {
  private readonly orderById = new ReusableQuery(['id'], (db, { id }: { id: number }) =>
    db.selectFrom('orders').selectAll().where('id', '=', id),
  );
  private readonly orderByIdForUpdate = new ReusableQuery(['id'], (db, { id }: { id: number }) =>
    db.selectFrom('orders').selectAll().where('id', '=', id).forUpdate(),
  );

  constructor(private readonly engine: Engine) {}

  /** One order; `lock` takes a row lock on PostgreSQL for read-modify-write. */
  async findById(db: Executor, id: number, options: { lock?: boolean } = {}): Promise<Order | undefined> {
    const query = options.lock && this.engine === 'postgres' ? this.orderByIdForUpdate : this.orderById;
    const [row] = await query.execute(db, { id });
    return row && toOrder(row);
  }

  async list(db: Executor, filter: OrderFilter): Promise<Order[]> {
    const rows = await db
      .selectFrom('orders')
      .selectAll()
      .$if(filter.userId !== undefined, (query) => query.where('userId', '=', filter.userId as number))
      .$if(filter.status !== undefined, (query) => query.where('status', '=', filter.status as OrderStatus))
      .$if(filter.afterId !== undefined, (query) => query.where('id', '>', filter.afterId as number))
      .$if(filter.limit !== undefined, (query) => query.limit(filter.limit as number))
      .orderBy('id')
      .execute();
    return rows.map(toOrder);
  }

  async findOpenForPet(db: Executor, petId: number): Promise<Order | undefined> {
    const row = await db
      .selectFrom('orders')
      .selectAll()
      .where('petId', '=', petId)
      .where('status', 'in', OPEN_STATUSES)
      .executeTakeFirst();
    return row && toOrder(row);
  }

  async insert(
    db: Executor,
    values: { petId: number; userId: number; quantity: number; shipDate: string | null },
    now: string,
  ): Promise<Order> {
    const row = await db
      .insertInto('orders')
      .values({ ...values, status: 'placed', version: 1, createdAt: now, updatedAt: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOrder(row);
  }

  async updateStatus(db: Executor, id: number, status: OrderStatus, now: string): Promise<Order> {
    const row = await db
      .updateTable('orders')
      .set({ status, version: sql`version + 1`, updatedAt: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOrder(row);
  }

  async delete(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('orders').where('id', '=', id).execute();
  }
}

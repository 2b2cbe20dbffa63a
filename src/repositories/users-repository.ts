import type { Executor } from '../db/executor.js';
import type { NewUserRow, UserRow } from '../db/types.js';
import type { User } from '../schemas/users.js';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    userStatus: row.userStatus,
    role: row.role,
    createdAt: row.createdAt,
  };
}

export type UserChanges = Partial<
  Pick<UserRow, 'firstName' | 'lastName' | 'email' | 'phone' | 'userStatus' | 'role' | 'passwordHash'>
>;

export class UsersRepository {
  async findByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  /** Inserts unless the username exists; undefined when it was taken. */
  async insert(db: Executor, values: NewUserRow): Promise<UserRow | undefined> {
    return db
      .insertInto('users')
      .values(values)
      .onConflict((conflict) => conflict.column('username').doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  async list(db: Executor, page: { afterId?: number; limit: number }): Promise<UserRow[]> {
    return db
      .selectFrom('users')
      .selectAll()
      .$if(page.afterId !== undefined, (query) => query.where('id', '>', page.afterId as number))
      .orderBy('id')
      .limit(page.limit)
      .execute();
  }

  async update(db: Executor, id: number, changes: UserChanges): Promise<UserRow> {
    return db.updateTable('users').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }

  async delete(db: Executor, id: number): Promise<void> {
    await db.deleteFrom('users').where('id', '=', id).execute();
  }

  async countAdmins(db: Executor): Promise<number> {
    const row = await db
      .selectFrom('users')
      .select(db.fn.countAll<number | string>().as('count'))
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}

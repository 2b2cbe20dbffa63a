import type { Executor } from '../db/executor.js';
import { ReusableQuery } from '../db/reusable-query.js';
import type { SessionRow, UserRow } from '../db/types.js';

export type SessionWithUser = SessionRow & Pick<UserRow, 'username' | 'role'>;

export class SessionsRepository {
  private readonly sessionWithUser = new ReusableQuery(['id'], (db, { id }: { id: string }) =>
    db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.userId')
      .selectAll('sessions')
      .select(['users.username', 'users.role'])
      .where('sessions.id', '=', id),
  );

  async insert(db: Executor, session: Omit<SessionRow, 'revokedAt'>): Promise<void> {
    await db
      .insertInto('sessions')
      .values({ ...session, revokedAt: null })
      .execute();
  }

  /** Run for every signed-in request, so compiled once. */
  async findWithUser(db: Executor, id: string): Promise<SessionWithUser | undefined> {
    const [row] = await this.sessionWithUser.execute(db, { id });
    return row;
  }

  async countLive(db: Executor, now: string): Promise<number> {
    const row = await db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll().as('live'))
      .where('revokedAt', 'is', null)
      .where('expiresAt', '>', now)
      .executeTakeFirstOrThrow();
    return Number(row.live);
  }

  /** Those of the given sessions that are neither revoked nor expired. */
  async findLive(db: Executor, ids: string[], now: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .selectFrom('sessions')
      .select('id')
      .where('id', 'in', ids)
      .where('revokedAt', 'is', null)
      .where('expiresAt', '>', now)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Swaps the refresh token hash only if it is still `expectedHash`; false when another refresh won. */
  async rotate(db: Executor, id: string, expectedHash: string, nextHash: string): Promise<boolean> {
    const result = await db
      .updateTable('sessions')
      .set({ refreshTokenHash: nextHash })
      .where('id', '=', id)
      .where('refreshTokenHash', '=', expectedHash)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async revoke(db: Executor, id: string, now: string): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ revokedAt: now })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .execute();
  }

  async revokeAllForUser(db: Executor, userId: number, now: string, exceptId?: string): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ revokedAt: now })
      .where('userId', '=', userId)
      .where('revokedAt', 'is', null)
      .$if(exceptId !== undefined, (query) => query.where('id', '!=', exceptId as string))
      .execute();
  }
}

import { EventEmitter } from 'node:events';
import { sql, type Transaction } from 'kysely';
import type { Executor } from '../db/executor.js';
import { ReusableQuery, ShapedQueries } from '../db/reusable-query.js';
import type { Database } from '../db/types.js';
import { newEpoch } from '../db/migrations/0002-event-log-epoch.js';
import type { ChangeEvent, EventDraft } from '../live/resources.js';

/** The event log as delivery reads it. */
export interface EventLogReader {
  /** The newest seq committed. */
  currentSeq(): Promise<number>;
  /** Committed events after `afterSeq`, oldest first. */
  readAfter(afterSeq: number, limit: number): Promise<ChangeEvent[]>;
  /** The seq just before the oldest event still kept. */
  replayableFrom(): Promise<number>;
  epoch(): Promise<string>;
}

/**
 * The storage side of the change feed (a transactional outbox).
 *
 * `seq` values come from the one-row `event_counter`, incremented inside the writing transaction:
 * its row lock makes writers take numbers in commit order, so readers never see seq N+1 before N.
 */
export class ChangeFeed {
  private readonly committed = new EventEmitter();
  // Every write takes seqs and inserts its events, and every snapshot read asks for the newest seq: compiled once.
  private readonly takeSeqs = new ReusableQuery(['count'], (db, { count }: { count: number }) =>
    db
      .updateTable('eventCounter')
      .set({ lastSeq: sql`last_seq + ${count}` })
      .where('id', '=', 1)
      .returning('lastSeq'),
  );
  private readonly newestSeq = new ReusableQuery([], (db) =>
    db.selectFrom('eventCounter').select('lastSeq').where('id', '=', 1),
  );
  /** The insert of a write's events (`seq0`, `topic0`, `type0`, `payload0`, … and `createdAt`), per event count. */
  private readonly insertEvents = new ShapedQueries(10, (db, params) => {
    const count = Object.keys(params).filter((name) => name.startsWith('seq')).length;
    return db.insertInto('changeEvents').values(
      Array.from({ length: count }, (_, index) => ({
        seq: params[`seq${index}`] as number,
        topic: params[`topic${index}`] as string,
        type: params[`type${index}`] as string,
        payload: params[`payload${index}`] as string,
        createdAt: params.createdAt as string,
      })),
    );
  });

  /**
   * Gives the drafts their seqs in the caller's transaction (which holds the counter's row lock from here to its
   * end, so every other write waits: call it last), for `insert`.
   */
  async number(tx: Transaction<Database>, drafts: EventDraft[]): Promise<ChangeEvent[]> {
    if (drafts.length === 0) return [];
    const { lastSeq } = await this.takeSeqs.executeTakeFirstOrThrow(tx, { count: drafts.length });
    const firstSeq = Number(lastSeq) - drafts.length + 1;
    const createdAt = new Date().toISOString();
    return drafts.map((draft, index) => ({ ...draft, seq: firstSeq + index, createdAt }) as ChangeEvent);
  }

  /** Inserts numbered events into the event table, in the transaction that numbered them. */
  async insert(tx: Transaction<Database>, events: ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    const createdAt = events[0]?.createdAt as string;
    const rows = events.flatMap((event, index) => [
      [`seq${index}`, event.seq],
      [`topic${index}`, event.topic],
      [`type${index}`, event.type],
      [`payload${index}`, JSON.stringify(event.payload)],
    ]);
    await this.insertEvents.execute(tx, Object.fromEntries([['createdAt', createdAt], ...rows]));
  }

  /** The newest seq committed, as seen by the given executor (a snapshot transaction for reads). */
  async currentSeq(db: Executor): Promise<number> {
    const { lastSeq } = await this.newestSeq.executeTakeFirstOrThrow(db, {});
    return Number(lastSeq);
  }

  /** The name of this event log: a seq means something only together with it. */
  async epoch(db: Executor): Promise<string> {
    const row = await db
      .selectFrom('eventCounter')
      .select('epoch')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return row.epoch ?? '';
  }

  /** Gives the event log a new name, after a restore: every client's `since` then calls for a resync. */
  async renewEpoch(db: Executor): Promise<string> {
    const epoch = newEpoch();
    await db.updateTable('eventCounter').set({ epoch }).where('id', '=', 1).execute();
    return epoch;
  }

  /** The reads of the log that delivery needs, bound to one database. */
  reader(db: Executor): EventLogReader {
    return {
      currentSeq: () => this.currentSeq(db),
      readAfter: (afterSeq, limit) => this.readAfter(db, afterSeq, limit),
      replayableFrom: () => this.replayableFrom(db),
      epoch: () => this.epoch(db),
    };
  }

  /** Events after `afterSeq`, oldest first. */
  async readAfter(db: Executor, afterSeq: number, limit: number): Promise<ChangeEvent[]> {
    const rows = await db
      .selectFrom('changeEvents')
      .selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(
      (row) =>
        ({
          seq: Number(row.seq),
          topic: row.topic,
          type: row.type,
          payload: JSON.parse(row.payload),
          createdAt: row.createdAt,
        }) as ChangeEvent,
    );
  }

  /** The seq just before the oldest event still kept: replay can start from here or later. */
  async replayableFrom(db: Executor): Promise<number> {
    const row = await db
      .selectFrom('changeEvents')
      .select((eb) => eb.fn.min('seq').as('oldest'))
      .executeTakeFirst();
    const oldest = row?.oldest;
    return oldest === null || oldest === undefined ? await this.currentSeq(db) : Number(oldest) - 1;
  }

  /**
   * Deletes every event up to and including `seq`; returns how many went. The bound is a seq, not a count to
   * keep, so that events committed while the caller worked it out cannot move it.
   */
  async pruneThrough(db: Executor, seq: number): Promise<number> {
    const result = await db.deleteFrom('changeEvents').where('seq', '<=', seq).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Called after commit: hands the events to local listeners (the realtime gateway, fan-out). */
  publish(events: ChangeEvent[]): void {
    for (const event of events) this.committed.emit('event', event);
  }

  onCommitted(listener: (event: ChangeEvent) => void): () => void {
    this.committed.on('event', listener);
    return () => this.committed.off('event', listener);
  }
}

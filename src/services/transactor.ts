import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { EventDraft } from '../live/resources.js';
import type { ChangeFeed } from '../events/change-feed.js';
import { SeqNotReachedError } from '../errors.js';

/** A service answer plus the newest event seq it reflects (sent as `X-Event-Seq`). */
export interface AtSeq<T> {
  data: T;
  seq: number;
  /**
   * The data as JSON already, when it was kept serialized (the catalog's pets), sent as it is; as bytes when it is
   * sent many times (a remembered list), so that it is not encoded and measured again for each.
   */
  json?: string | Buffer;
  /** Its ETag, when one cheaper than a digest of the JSON is known. */
  etag?: string;
}

/**
 * Runs units of work. Writes commit their events in the same transaction and are published after commit;
 * reads run in one snapshot with the seq they reflect.
 */
export class Transactor {
  private newestWrite = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly feed: ChangeFeed,
    /** Told how long each write held the event counter (seconds), from taking its seqs to its commit. */
    private readonly onCounterHeld: (seconds: number) => void = () => {},
  ) {}

  /**
   * The work runs first and the seqs are taken last, just before the commit: the event counter's row lock, which
   * every write of the cluster waits for in turn, is held for the events' insert and the commit alone.
   */
  async write<T>(work: (tx: Transaction<Database>, events: EventDraft[]) => Promise<T>): Promise<AtSeq<T>> {
    let counterTakenAt = 0;
    const { data, committed, seq } = await this.db.transaction().execute(async (tx) => {
      const drafts: EventDraft[] = [];
      const data = await work(tx, drafts);
      const committed = await this.feed.number(tx, drafts);
      counterTakenAt = performance.now();
      await this.feed.insert(tx, committed);
      const seq = committed.at(-1)?.seq ?? (await this.feed.currentSeq(tx));
      return { data, committed, seq };
    });
    if (committed.length > 0) this.onCounterHeld((performance.now() - counterTakenAt) / 1000);
    this.newestWrite = Math.max(this.newestWrite, seq);
    this.feed.publish(committed);
    return { data, seq };
  }

  /** The newest seq a write on this node has answered with: every read here must reflect at least that. */
  get newestWriteSeq(): number {
    return this.newestWrite;
  }

  /** Refuses a read that asks to reflect a seq not yet committed (`X-Min-Event-Seq`): no node could answer it. */
  async ensureReached(minSeq: number): Promise<void> {
    const newest = await this.feed.currentSeq(this.db);
    if (minSeq > newest) throw new SeqNotReachedError(minSeq, newest);
  }

  /** A plain query outside any transaction: lookups that report no seq, or one statement that reads its own. */
  query<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return work(this.db);
  }

  /** A consistent snapshot: the data and the seq are read in one repeatable-read transaction. */
  async read<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<AtSeq<T>> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        const seq = await this.feed.currentSeq(tx);
        return { data: await work(tx), seq };
      });
  }
}

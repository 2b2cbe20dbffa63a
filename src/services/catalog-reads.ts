import { PetCatalog, type CatalogEntry, type PetFilter } from '../catalog/pet-catalog.js';
import type { EventLogReader } from '../events/change-feed.js';
import type { ChangeEvent } from '../live/resources.js';
import { PetNotFoundError } from '../errors.js';
import { readAtSeq } from '../error-bodies.js';
import type { PetsRepository } from '../repositories/pets-repository.js';
import type { Inventory, Pet, PetListQuery, PetStatus } from '../schemas/pets.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
import { contentTag } from './preconditions.js';
import { SeqMemo } from './seq-memo.js';
import type { AtSeq, Transactor } from './transactor.js';

export interface CatalogSettings {
  /** Past this many pets the catalog is dropped and every read goes to the database. */
  maxPets: number;
  /** How long a read waits for the catalog to reach the seq it must reflect before it reads the database. */
  minSeqWaitMs: number;
}

/** Where catalog reads are answered from, for `/health` and the log. */
export type CatalogSource =
  | { source: 'memory'; pets: number; seq: number }
  | { source: 'database'; reason: 'loading' | 'over-cap'; pets?: number };

/** How far the catalog is behind the newest committed seq: events, and the age of the oldest not applied. */
export interface CatalogLag {
  events: number;
  seconds: number;
}

const MIB = 1024 * 1024;
const bodyBytes = (answer: AtSeq<unknown>) => answer.json?.length ?? 0;

interface Waiter {
  seq: number;
  reached: (yes: boolean) => void;
}

/**
 * The reads of the pet catalog (a pet, lists, the inventory), on both doors. They are answered from this node's
 * in-memory catalog, which the node's live feed keeps current in seq order, whenever it reflects every seq the
 * read must see: the caller's `X-Min-Event-Seq` and every write this node has answered. A catalog behind that is
 * waited for a moment, then the database answers; so does it while the catalog is loading or over its cap.
 */
export class CatalogReads {
  private catalog: PetCatalog | undefined;
  private state: CatalogSource = { source: 'database', reason: 'loading' };
  private readonly waiters = new Set<Waiter>();
  private lagReading: Promise<CatalogLag> | undefined;
  // Pages are small and their keys many; unpaged matches can hold every pet, and their keys are few.
  private readonly pages = new SeqMemo<AtSeq<Page<Pet>>>(256, 8 * MIB, bodyBytes);
  private readonly matches = new SeqMemo<AtSeq<Pet[]>>(8, 32 * MIB, bodyBytes);

  constructor(
    private readonly transactor: Transactor,
    private readonly pets: PetsRepository,
    private readonly log: EventLogReader,
    private readonly settings: CatalogSettings,
    private readonly onOverCap: (pets: number, maxPets: number) => void,
  ) {}

  /** Loads every pet in one snapshot and returns its seq: the events after it are for `apply`. */
  async load(): Promise<number> {
    const { data: pets, seq } = await this.transactor.read((tx) => this.pets.list(tx, {}));
    if (pets.length > this.settings.maxPets) this.dropOverCap(pets.length);
    else this.catalog = new PetCatalog(pets, seq);
    return seq;
  }

  /** The next event of this node's feed, in seq order. */
  apply(event: ChangeEvent): void {
    const catalog = this.catalog;
    if (!catalog) return;
    catalog.apply(event);
    if (catalog.size > this.settings.maxPets) return this.dropOverCap(catalog.size);
    for (const waiter of this.waiters) if (waiter.seq <= catalog.seq) waiter.reached(true);
  }

  /**
   * Refuses (SEQ_NOT_REACHED) a read asked to reflect a seq no node could: one not committed yet. Undefined, with
   * no promise made, when nothing needs checking: none asked, or the catalog already reflects it (so it is
   * committed). Both doors call it for `X-Min-Event-Seq` / `minSeq`.
   */
  requireCommitted(seq: number): Promise<void> | undefined {
    if (seq === 0 || (this.catalog !== undefined && this.catalog.seq >= seq)) return undefined;
    return this.transactor.ensureReached(seq);
  }

  get source(): CatalogSource {
    const catalog = this.catalog;
    return catalog ? { source: 'memory', pets: catalog.size, seq: catalog.seq } : this.state;
  }

  /**
   * Read from the event table, at most once at a time (a scrape's gauges and `/health` share a reading): zero
   * while the catalog is current or not in use.
   */
  lag(): Promise<CatalogLag> {
    this.lagReading ??= this.readLag().finally(() => (this.lagReading = undefined));
    return this.lagReading;
  }

  private async readLag(): Promise<CatalogLag> {
    const catalog = this.catalog;
    if (!catalog) return { events: 0, seconds: 0 };
    const applied = catalog.seq;
    const newest = await this.log.currentSeq();
    if (newest <= applied) return { events: 0, seconds: 0 };
    const [oldest] = await this.log.readAfter(applied, 1);
    const seconds = oldest ? Math.max(0, Date.now() - Date.parse(oldest.createdAt)) / 1000 : 0;
    return { events: newest - applied, seconds };
  }

  async get(id: number, minSeq = 0): Promise<AtSeq<Pet>> {
    const catalog = this.fresh(minSeq) ?? (await this.waitFor(minSeq));
    if (!catalog) return this.getFromDatabase(id);
    const entry = catalog.get(id);
    if (!entry) throw readAtSeq(new PetNotFoundError(id), catalog.seq);
    return { data: entry.pet, seq: catalog.seq, json: entry.json };
  }

  async list(query: PetListQuery, minSeq = 0): Promise<AtSeq<Page<Pet>>> {
    const filter: PetFilter = {
      statuses: query.status,
      tags: query.tags,
      category: query.category,
      nameContains: query.name,
      afterId: decodeCursor(query.cursor),
      limit: query.limit + 1,
    };
    const catalog = this.fresh(minSeq) ?? (await this.waitFor(minSeq));
    if (!catalog) {
      return this.transactor.read(async (tx) => toPage(await this.pets.list(tx, filter), query.limit));
    }
    return this.pages.answer(catalog.seq, JSON.stringify(filter), () => {
      const entries = catalog.list(filter);
      const page = toPage(
        entries.map((entry) => entry.pet),
        query.limit,
      );
      const shown = entries.slice(0, query.limit);
      return {
        data: page,
        seq: catalog.seq,
        json: Buffer.from(`{"items":${jsonArray(shown)},"nextCursor":${JSON.stringify(page.nextCursor)}}`),
        etag: listTag(shown, page.nextCursor),
      };
    });
  }

  findByStatus(statuses: PetStatus[], minSeq = 0): Promise<AtSeq<Pet[]>> {
    return this.everyMatch({ statuses }, minSeq);
  }

  findByTags(tags: string[], minSeq = 0): Promise<AtSeq<Pet[]>> {
    return this.everyMatch({ tags }, minSeq);
  }

  async inventory(minSeq = 0): Promise<AtSeq<Inventory>> {
    const catalog = this.fresh(minSeq) ?? (await this.waitFor(minSeq));
    if (!catalog) return this.transactor.read((tx) => this.pets.inventory(tx));
    return { data: catalog.inventory(), seq: catalog.seq };
  }

  private async everyMatch(filter: PetFilter, minSeq: number): Promise<AtSeq<Pet[]>> {
    const catalog = this.fresh(minSeq) ?? (await this.waitFor(minSeq));
    if (!catalog) return this.transactor.read((tx) => this.pets.list(tx, filter));
    return this.matches.answer(catalog.seq, JSON.stringify(filter), () => {
      const entries = catalog.list(filter);
      return {
        data: entries.map((entry) => entry.pet),
        seq: catalog.seq,
        json: Buffer.from(jsonArray(entries)),
        etag: listTag(entries, null),
      };
    });
  }

  private async getFromDatabase(id: number): Promise<AtSeq<Pet>> {
    const found = await this.transactor.query((db) => this.pets.findWithSeq(db, id));
    if (found) return { data: found.pet, seq: found.seq };
    // Absent: as of which seq is read in one snapshot with the lookup, since the pet may have been made meanwhile.
    const { data: pet, seq } = await this.transactor.read((tx) => this.pets.findById(tx, id));
    if (!pet) throw readAtSeq(new PetNotFoundError(id), seq);
    return { data: pet, seq };
  }

  /** The catalog, when it reflects `minSeq` and every write answered here. */
  private fresh(minSeq: number): PetCatalog | undefined {
    const catalog = this.catalog;
    return catalog && catalog.seq >= Math.max(minSeq, this.transactor.newestWriteSeq) ? catalog : undefined;
  }

  /** The catalog once it reflects what the read must see, if it does so within the wait; else undefined. */
  private async waitFor(minSeq: number): Promise<PetCatalog | undefined> {
    if (!this.catalog) return undefined;
    const seq = Math.max(minSeq, this.transactor.newestWriteSeq);
    const reached = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => waiter.reached(false), this.settings.minSeqWaitMs);
      const waiter: Waiter = {
        seq,
        reached: (yes) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(yes);
        },
      };
      this.waiters.add(waiter);
    });
    return reached ? this.fresh(minSeq) : undefined;
  }

  private dropOverCap(pets: number): void {
    this.catalog = undefined;
    this.state = { source: 'database', reason: 'over-cap', pets };
    for (const waiter of this.waiters) waiter.reached(false);
    this.onOverCap(pets, this.settings.maxPets);
  }
}

/** A list's ETag: what it shows is fixed by which pets, each at the seq of its version, and where it ends. */
function listTag(entries: CatalogEntry[], nextCursor: string | null): string {
  return contentTag(`${entries.map((entry) => `${entry.pet.id}.${entry.seq}`).join(',')}|${nextCursor}`);
}

function jsonArray(entries: CatalogEntry[]): string {
  return `[${entries.map((entry) => entry.json).join(',')}]`;
}

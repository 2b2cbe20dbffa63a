import type { ChangeEvent } from '../live/resources.js';
import type { Inventory, Pet, PetStatus } from '../schemas/pets.js';
import { nameKey } from './name-key.js';
import { SortedIds } from './sorted-ids.js';

/** A pet as the catalog keeps it: the object, its JSON (made once per version) and what the filters compare. */
export interface CatalogEntry {
  readonly pet: Pet;
  readonly json: string;
  readonly nameKey: string;
  /** The seq of the change that made this version. */
  readonly seq: number;
}

/** The filters of a pet list, for SQL (`PetsRepository.list`) and the catalog alike; each given one must hold. */
export interface PetFilter {
  statuses?: PetStatus[];
  /** Any of these tag names. */
  tags?: string[];
  /** A category name, exactly. */
  category?: string;
  /** A substring of the name, compared by `nameKey`. */
  nameContains?: string;
  afterId?: number;
  limit?: number;
}

/** The same fields in the same order as the response schema, so the JSON is what the serializer would write. */
function canonical(pet: Pet): Pet {
  return {
    id: pet.id,
    name: pet.name,
    category: pet.category && { id: pet.category.id, name: pet.category.name },
    photoUrls: [...pet.photoUrls],
    tags: pet.tags.map((tag) => ({ id: tag.id, name: tag.name })),
    status: pet.status,
    version: pet.version,
    createdAt: pet.createdAt,
    updatedAt: pet.updatedAt,
  };
}

/** An index from a value to the ids of the pets that have it. */
class ValueIndex<Value> {
  private readonly ids = new Map<Value, SortedIds>();

  get(value: Value): SortedIds | undefined {
    return this.ids.get(value);
  }

  add(value: Value, id: number): void {
    let ids = this.ids.get(value);
    if (!ids) this.ids.set(value, (ids = new SortedIds()));
    ids.add(id);
  }

  delete(value: Value, id: number): void {
    const ids = this.ids.get(value);
    ids?.delete(id);
    if (ids?.size === 0) this.ids.delete(value);
  }
}

/**
 * Every pet, as of one seq, in memory: kept current by applying the change feed in seq order, and answering the
 * catalog's queries exactly as SQL would (the property tests hold the two to it). An index scan starts at the
 * shortest list one of the filters names and checks the other filters on each pet it meets.
 */
export class PetCatalog {
  private readonly pets = new Map<number, CatalogEntry>();
  private readonly all = new SortedIds();
  private readonly byStatus = new ValueIndex<PetStatus>();
  private readonly byTag = new ValueIndex<string>();
  private readonly byCategory = new ValueIndex<string>();
  private appliedSeq: number;

  /** The catalog as a snapshot read at `seq` shows it. */
  constructor(pets: Pet[], seq: number) {
    this.appliedSeq = seq;
    for (const pet of pets) this.put(pet, seq);
  }

  /** The newest seq applied: every answer reflects exactly the changes up to it. */
  get seq(): number {
    return this.appliedSeq;
  }

  get size(): number {
    return this.pets.size;
  }

  /** Applies the next event of the feed (events of other topics only move the seq). */
  apply(event: ChangeEvent): void {
    if (event.type === 'pet.created' || event.type === 'pet.updated') this.put(event.payload, event.seq);
    else if (event.type === 'pet.deleted') this.remove(event.payload.id);
    this.appliedSeq = event.seq;
  }

  get(id: number): CatalogEntry | undefined {
    return this.pets.get(id);
  }

  /** The pets matching every filter, by id, after `afterId`, at most `limit`. */
  list(filter: PetFilter): CatalogEntry[] {
    const matches: CatalogEntry[] = [];
    const limit = filter.limit ?? Infinity;
    if (limit <= 0) return matches;
    const key = filter.nameContains === undefined ? undefined : nameKey(filter.nameContains);
    const visit = (id: number) => {
      const entry = this.pets.get(id) as CatalogEntry;
      const { pet } = entry;
      if (filter.statuses && !filter.statuses.includes(pet.status)) return undefined;
      if (filter.category !== undefined && pet.category?.name !== filter.category) return undefined;
      if (filter.tags && !pet.tags.some((tag) => filter.tags?.includes(tag.name))) return undefined;
      if (key !== undefined && !entry.nameKey.includes(key)) return undefined;
      matches.push(entry);
      return matches.length >= limit ? 'stop' : undefined;
    };
    this.shortestIndex(filter).scan(filter.afterId, visit);
    return matches;
  }

  inventory(): Inventory {
    return {
      available: this.byStatus.get('available')?.size ?? 0,
      pending: this.byStatus.get('pending')?.size ?? 0,
      sold: this.byStatus.get('sold')?.size ?? 0,
    };
  }

  /** The shortest id list that holds every match: one a single-valued filter names, else every pet. */
  private shortestIndex(filter: PetFilter): SortedIds {
    const empty = new SortedIds();
    const candidates: SortedIds[] = [this.all];
    if (filter.category !== undefined) candidates.push(this.byCategory.get(filter.category) ?? empty);
    if (filter.statuses?.length === 1)
      candidates.push(this.byStatus.get(filter.statuses[0] as PetStatus) ?? empty);
    if (filter.tags?.length === 1) candidates.push(this.byTag.get(filter.tags[0] as string) ?? empty);
    return candidates.reduce((shortest, ids) => (ids.size < shortest.size ? ids : shortest));
  }

  /** Stores a pet's version, moving it only in the indexes whose value changed (an update touches few). */
  private put(pet: Pet, seq: number): void {
    const before = this.pets.get(pet.id)?.pet;
    const kept = canonical(pet);
    this.pets.set(pet.id, { pet: kept, json: JSON.stringify(kept), nameKey: nameKey(kept.name), seq });
    if (!before) this.all.add(kept.id);
    if (before?.status !== kept.status) {
      if (before) this.byStatus.delete(before.status, kept.id);
      this.byStatus.add(kept.status, kept.id);
    }
    const [categoryBefore, categoryNow] = [before?.category?.name, kept.category?.name];
    if (categoryBefore !== categoryNow) {
      if (categoryBefore !== undefined) this.byCategory.delete(categoryBefore, kept.id);
      if (categoryNow !== undefined) this.byCategory.add(categoryNow, kept.id);
    }
    const [tagsBefore, tagsNow] = [
      before?.tags.map((tag) => tag.name) ?? [],
      kept.tags.map((tag) => tag.name),
    ];
    for (const tag of tagsBefore) if (!tagsNow.includes(tag)) this.byTag.delete(tag, kept.id);
    for (const tag of tagsNow) if (!tagsBefore.includes(tag)) this.byTag.add(tag, kept.id);
  }

  private remove(id: number): void {
    const entry = this.pets.get(id);
    if (!entry) return;
    const { pet } = entry;
    this.pets.delete(id);
    this.all.delete(id);
    this.byStatus.delete(pet.status, id);
    if (pet.category) this.byCategory.delete(pet.category.name, id);
    for (const tag of pet.tags) this.byTag.delete(tag.name, id);
  }
}

import { fileTypeFromBuffer } from 'file-type';
import type { Transaction } from 'kysely';
import type { ReadStream } from 'node:fs';
import type { Database } from '../db/types.js';
import {
  ImageNotFoundError,
  PetHasOpenOrderError,
  PetNotFoundError,
  UnknownCategoryError,
  UnknownTagError,
  UnsupportedMediaTypeError,
} from '../errors.js';
import type { EventDraft } from '../live/resources.js';
import type { CategoriesRepository } from '../repositories/categories-repository.js';
import type { ImagesRepository } from '../repositories/images-repository.js';
import type { OrdersRepository } from '../repositories/orders-repository.js';
import type { PetsRepository, PetValues } from '../repositories/pets-repository.js';
import type { NamedRefInput, Pet, PetInput, PetPatch, PetStatus } from '../schemas/pets.js';
import { requireAdmin, type Actor } from './access.js';
import type { ImageStore } from './image-store.js';
import { checkVersion, type ExpectedVersions } from './preconditions.js';
import type { AtSeq, Transactor } from './transactor.js';

const IMAGE_TYPES = new Map([
  ['image/png', 'png'],
  ['image/jpeg', 'jpg'],
  ['image/gif', 'gif'],
  ['image/webp', 'webp'],
]);

export interface StoredImage {
  contentType: string;
  sizeBytes: number;
  stream: ReadStream;
}

export class PetsService {
  constructor(
    private readonly transactor: Transactor,
    private readonly pets: PetsRepository,
    private readonly categories: CategoriesRepository,
    private readonly orders: OrdersRepository,
    private readonly images: ImagesRepository,
    private readonly imageStore: ImageStore,
  ) {}

  create(actor: Actor, input: PetInput): Promise<AtSeq<Pet>> {
    requireAdmin(actor);
    return this.transactor.write(async (tx, events) => {
      const now = new Date().toISOString();
      const id = await this.pets.insert(tx, await this.toValues(tx, input, events), now);
      await this.pets.replaceTags(tx, id, await this.resolveTags(tx, input.tags));
      const pet = await this.mustFind(tx, id);
      events.push({ topic: 'pets', type: 'pet.created', payload: pet });
      events.push({ topic: 'inventory', type: 'inventory.changed', payload: await this.pets.inventory(tx) });
      return pet;
    });
  }

  replace(actor: Actor, id: number, input: PetInput, expected: ExpectedVersions): Promise<AtSeq<Pet>> {
    return this.change(actor, id, input, expected);
  }

  patch(actor: Actor, id: number, patch: PetPatch, expected: ExpectedVersions): Promise<AtSeq<Pet>> {
    return this.change(actor, id, patch, expected);
  }

  delete(actor: Actor, id: number, expected: ExpectedVersions): Promise<AtSeq<{ id: number }>> {
    requireAdmin(actor);
    return this.transactor
      .write(async (tx, events) => {
        const pet = await this.mustFind(tx, id, true);
        checkVersion(pet.version, expected);
        await this.refuseIfHeld(tx, pet.id);
        const fileNames = await this.images.listFileNames(tx, id);
        await this.pets.delete(tx, id);
        events.push({ topic: 'pets', type: 'pet.deleted', payload: { id } });
        events.push({
          topic: 'inventory',
          type: 'inventory.changed',
          payload: await this.pets.inventory(tx),
        });
        return fileNames;
      })
      .then(async ({ data: fileNames, seq }) => {
        await this.imageStore.remove(fileNames);
        return { data: { id }, seq };
      });
  }

  /** Stores an image judged by its bytes and appends its URL to the pet's photoUrls. */
  async addImage(actor: Actor, petId: number, bytes: Buffer): Promise<AtSeq<Pet>> {
    requireAdmin(actor);
    const detected = await fileTypeFromBuffer(bytes);
    const extension = detected && IMAGE_TYPES.get(detected.mime);
    if (!detected || !extension) {
      throw new UnsupportedMediaTypeError('The file is not a PNG, JPEG, GIF or WebP image');
    }
    // A missing pet is a 404 before anything touches the disk.
    if (!(await this.transactor.query((db) => this.pets.findById(db, petId))))
      throw new PetNotFoundError(petId);
    const fileName = await this.imageStore.save(bytes, extension);
    try {
      return await this.transactor.write(async (tx, events) => {
        const pet = await this.mustFind(tx, petId, true);
        const now = new Date().toISOString();
        const image = await this.images.insert(tx, {
          petId,
          fileName,
          contentType: detected.mime,
          sizeBytes: bytes.length,
          createdAt: now,
        });
        const url = `/api/v1/pets/${petId}/images/${image.id}`;
        await this.pets.update(tx, petId, { photoUrls: [...pet.photoUrls, url] }, now);
        const updated = await this.mustFind(tx, petId);
        events.push({ topic: 'pets', type: 'pet.updated', payload: updated });
        return updated;
      });
    } catch (error) {
      await this.imageStore.remove([fileName]);
      throw error;
    }
  }

  async getImage(petId: number, imageId: number): Promise<StoredImage> {
    const image = await this.transactor.query((db) => this.images.find(db, petId, imageId));
    if (!image) throw new ImageNotFoundError(imageId, petId);
    return {
      contentType: image.contentType,
      sizeBytes: image.sizeBytes,
      stream: this.imageStore.open(image.fileName),
    };
  }

  private change(actor: Actor, id: number, input: PetPatch, expected: ExpectedVersions): Promise<AtSeq<Pet>> {
    requireAdmin(actor);
    return this.transactor.write(async (tx, events) => {
      const current = await this.mustFind(tx, id, true);
      checkVersion(current.version, expected);
      const statusChanges = input.status !== undefined && input.status !== current.status;
      if (statusChanges) await this.refuseIfHeld(tx, id);
      const now = new Date().toISOString();
      const values = await this.toValues(tx, input, events);
      await this.pets.update(tx, id, values, now);
      if (input.tags) await this.pets.replaceTags(tx, id, await this.resolveTags(tx, input.tags));
      // Only its own columns changed: the pet reads as the row it read with what this change wrote over it (in
      // the same key order). A new category or tags take their names from their tables: read it again.
      const pet =
        input.tags || input.category !== undefined
          ? await this.mustFind(tx, id)
          : { ...current, ...values, version: current.version + 1, updatedAt: now };
      events.push({ topic: 'pets', type: 'pet.updated', payload: pet });
      if (statusChanges) {
        events.push({
          topic: 'inventory',
          type: 'inventory.changed',
          payload: await this.pets.inventory(tx),
        });
      }
      return pet;
    });
  }

  private async mustFind(tx: Transaction<Database>, id: number, lock = false): Promise<Pet> {
    const pet = await this.pets.findById(tx, id, { lock });
    if (!pet) throw new PetNotFoundError(id);
    return pet;
  }

  /** A pet held by an open order keeps its status until the order is delivered or cancelled. */
  private async refuseIfHeld(tx: Transaction<Database>, petId: number): Promise<void> {
    const open = await this.orders.findOpenForPet(tx, petId);
    if (open) throw new PetHasOpenOrderError(petId, open.id);
  }

  private async toValues(
    tx: Transaction<Database>,
    input: PetInput,
    events: EventDraft[],
  ): Promise<PetValues>;
  private async toValues(
    tx: Transaction<Database>,
    input: PetPatch,
    events: EventDraft[],
  ): Promise<Partial<PetValues>>;
  private async toValues(
    tx: Transaction<Database>,
    input: PetPatch,
    events: EventDraft[],
  ): Promise<Partial<PetValues>> {
    const values: Partial<PetValues> = {};
    if (input.name !== undefined) values.name = input.name;
    if (input.photoUrls !== undefined) values.photoUrls = input.photoUrls;
    if (input.status !== undefined) values.status = input.status;
    if (input.category !== undefined) {
      values.categoryId =
        input.category === null ? null : await this.resolveCategory(tx, input.category, events);
    }
    return values;
  }

  /** A category by id, or by name, created (with its event) when there is none of that name. */
  private async resolveCategory(
    tx: Transaction<Database>,
    ref: NamedRefInput,
    events: EventDraft[],
  ): Promise<number> {
    if (ref.id !== undefined) {
      const found = await this.categories.findById(tx, ref.id);
      if (!found) throw new UnknownCategoryError(ref.id);
      return found.id;
    }
    const name = ref.name as string;
    const created = await this.categories.insert(tx, name);
    if (created) events.push({ topic: 'categories', type: 'category.created', payload: created });
    const category = created ?? (await this.categories.findByName(tx, name));
    if (!category) throw new UnknownCategoryError(name);
    return category.id;
  }

  private async resolveTags(tx: Transaction<Database>, refs: NamedRefInput[]): Promise<number[]> {
    const ids: number[] = [];
    for (const ref of refs) {
      const id = await this.pets.resolveTag(tx, ref);
      if (id === undefined) throw new UnknownTagError(ref.id);
      if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /** Used by orders: moves a pet's status inside the caller's transaction and records the events. */
  async setStatusWithin(
    tx: Transaction<Database>,
    events: EventDraft[],
    petId: number,
    status: PetStatus,
  ): Promise<void> {
    const pet = await this.pets.findById(tx, petId, { lock: true });
    if (!pet || pet.status === status) return;
    await this.pets.update(tx, petId, { status }, new Date().toISOString());
    await this.recordStatusChange(tx, events, petId);
  }

  /** Records `pet.updated` and `inventory.changed` for a status change already written in `tx`. */
  async recordStatusChange(tx: Transaction<Database>, events: EventDraft[], petId: number): Promise<Pet> {
    const pet = await this.mustFind(tx, petId);
    events.push({ topic: 'pets', type: 'pet.updated', payload: pet });
    events.push({ topic: 'inventory', type: 'inventory.changed', payload: await this.pets.inventory(tx) });
    return pet;
  }
}

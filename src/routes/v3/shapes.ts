import type { z } from 'zod';
import type { Order } from '../../schemas/orders.js';
import type { Pet } from '../../schemas/pets.js';
import type { V3OrderSchema, V3PetSchema, V3UserSchema } from '../../schemas/petstore-v3.js';
import type { User } from '../../schemas/users.js';

/** This API's resources in the official shapes: the official fields only, absent rather than null. */
export function officialPet(pet: Pet): z.infer<typeof V3PetSchema> {
  return {
    id: pet.id,
    name: pet.name,
    ...(pet.category ? { category: { id: pet.category.id, name: pet.category.name } } : {}),
    photoUrls: pet.photoUrls,
    tags: pet.tags.map(({ id, name }) => ({ id, name })),
    status: pet.status,
  };
}

export function officialOrder(order: Order): z.infer<typeof V3OrderSchema> {
  return {
    id: order.id,
    petId: order.petId,
    quantity: order.quantity,
    ...(order.shipDate ? { shipDate: order.shipDate } : {}),
    status: order.status,
    complete: order.complete,
  };
}

export function officialUser(user: User): z.infer<typeof V3UserSchema> {
  const { id, username, firstName, lastName, email, phone, userStatus } = user;
  const present = Object.entries({ firstName, lastName, email, phone }).filter(([, value]) => value !== null);
  return { id, username, ...Object.fromEntries(present), userStatus };
}

import { z } from 'zod';
import { IdSchema } from '../schemas/common.js';
import { PetSchema } from '../schemas/pets.js';
import { liveResource } from './live-resource.js';

export const petsLive = liveResource({
  topic: 'pets',
  perItem: true,
  visibility: 'public',
  events: {
    'pet.created': { payload: PetSchema, summary: 'A pet was added' },
    'pet.updated': { payload: PetSchema, summary: 'A pet changed' },
    'pet.deleted': { payload: z.object({ id: IdSchema }), summary: 'A pet was deleted' },
  },
});

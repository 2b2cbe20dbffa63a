import type { PetInput } from '../schemas/pets.js';
import type { Principal } from './access.js';
import type { Services } from './container.js';

const DEMO_PETS: PetInput[] = [
  {
    name: 'Rex',
    category: { name: 'Dogs' },
    tags: [{ name: 'friendly' }],
    photoUrls: [],
    status: 'available',
  },
  {
    name: 'Bella',
    category: { name: 'Dogs' },
    tags: [{ name: 'puppy' }],
    photoUrls: [],
    status: 'available',
  },
  {
    name: 'Whiskers',
    category: { name: 'Cats' },
    tags: [{ name: 'calm' }],
    photoUrls: [],
    status: 'available',
  },
  {
    name: 'Tom',
    category: { name: 'Cats' },
    tags: [{ name: 'friendly' }],
    photoUrls: [],
    status: 'available',
  },
  { name: 'Nemo', category: { name: 'Fish' }, tags: [], photoUrls: [], status: 'available' },
  {
    name: 'Polly',
    category: { name: 'Birds' },
    tags: [{ name: 'talkative' }],
    photoUrls: [],
    status: 'sold',
  },
];

/** The system itself, for start-up work that no user performs. */
const SYSTEM: Principal = {
  userId: 0,
  username: 'system',
  role: 'admin',
  sessionId: 'system',
  expiresAt: Infinity,
};

/** Seeds a handful of pets into a database that has never recorded a change. Returns how many. */
export async function seedDemoPets(services: Services): Promise<number> {
  const [{ seq }, { data: firstPage }] = await Promise.all([
    services.catalog.inventory(),
    services.catalog.list({ limit: 1 }),
  ]);
  if (seq !== 0 || firstPage.items.length > 0) return 0;
  for (const pet of DEMO_PETS) await services.pets.create(SYSTEM, pet);
  return DEMO_PETS.length;
}

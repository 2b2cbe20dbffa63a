import { InventorySchema } from '../schemas/pets.js';
import { liveResource } from './live-resource.js';

export const inventoryLive = liveResource({
  topic: 'inventory',
  perItem: false,
  visibility: 'public',
  events: {
    'inventory.changed': { payload: InventorySchema, summary: 'The counts by status changed' },
  },
});

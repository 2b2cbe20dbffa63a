import { z } from 'zod';
import { IdSchema } from '../schemas/common.js';
import { CategorySchema } from '../schemas/categories.js';
import { liveResource } from './live-resource.js';

export const categoriesLive = liveResource({
  topic: 'categories',
  perItem: true,
  visibility: 'public',
  events: {
    'category.created': { payload: CategorySchema, summary: 'A category was added' },
    'category.updated': { payload: CategorySchema, summary: 'A category was renamed' },
    'category.deleted': { payload: z.object({ id: IdSchema }), summary: 'A category was deleted' },
  },
});

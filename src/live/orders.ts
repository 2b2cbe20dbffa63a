import { z } from 'zod';
import { IdSchema } from '../schemas/common.js';
import { OrderSchema } from '../schemas/orders.js';
import { isAdmin, type Actor } from '../services/access.js';
import { liveResource } from './live-resource.js';

export const ordersLive = liveResource({
  topic: 'orders',
  perItem: true,
  // An order's events go to its owner and to admins only.
  visibility: (actor: Actor, order: { userId: number }) => isAdmin(actor) || actor?.userId === order.userId,
  events: {
    'order.placed': { payload: OrderSchema, summary: 'An order was placed' },
    'order.updated': { payload: OrderSchema, summary: 'An order moved on' },
    'order.deleted': {
      payload: z.object({ id: IdSchema, userId: IdSchema }),
      summary: 'An order was cancelled',
    },
  },
});

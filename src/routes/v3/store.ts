import type { FastifyInstance } from 'fastify';
import {
  V3InventorySchema,
  V3OrderBodySchema,
  V3OrderIdParamsSchema,
  V3OrderSchema,
} from '../../schemas/petstore-v3.js';
import { operation, type V3Operation } from './operation.js';
import { officialOrder } from './shapes.js';

const orderAnswer = {
  description: 'The order',
  schema: V3OrderSchema,
  xml: { element: 'order' },
};

/** The official `store` operations over this API's orders service and catalog. */
export function storeOperations(app: FastifyInstance): V3Operation[] {
  const { orders, catalog } = app.services;
  return [
    operation({
      method: 'GET',
      path: '/store/inventory',
      operationId: 'getInventory',
      tag: 'store',
      summary: 'Returns pet inventories by status',
      description: 'A map of each status to how many pets have it.',
      signedIn: false,
      answer: { description: 'Pets by status', schema: V3InventorySchema },
      failures: [400, 401],
      run: async ({ request }) => {
        const result = await catalog.inventory(request.minEventSeq);
        return { value: result.data, seq: result.seq };
      },
    }),
    operation({
      method: 'POST',
      path: '/store/order',
      operationId: 'placeOrder',
      tag: 'store',
      summary: 'Place an order for a pet (signed in)',
      description:
        'The pet must be available and becomes pending. The server numbers the order, and decides `status` and `complete`.',
      signedIn: true,
      body: { schema: V3OrderBodySchema, media: ['json', 'xml', 'form'], description: 'The order' },
      answer: orderAnswer,
      failures: [400, 401, 404, 409, 413, 415],
      run: async ({ body, request }) => {
        const result = await orders.place(request.principal, body);
        return { value: officialOrder(result.data), seq: result.seq };
      },
    }),
    operation({
      method: 'GET',
      path: '/store/order/{orderId}',
      operationId: 'getOrderById',
      tag: 'store',
      summary: 'Find purchase order by ID (owner or admin)',
      description: "Someone else's order is a 404.",
      signedIn: true,
      params: V3OrderIdParamsSchema,
      answer: orderAnswer,
      failures: [400, 401, 404],
      run: async ({ params, request }) => {
        const result = await orders.get(request.principal, params.orderId);
        return { value: officialOrder(result.data), seq: result.seq };
      },
    }),
    operation({
      method: 'DELETE',
      path: '/store/order/{orderId}',
      operationId: 'deleteOrder',
      tag: 'store',
      summary: 'Delete purchase order by ID (owner while placed, or admin)',
      description: 'Cancels the order; its pet is available again unless the order was delivered.',
      signedIn: true,
      params: V3OrderIdParamsSchema,
      answer: { description: 'Order deleted' },
      failures: [400, 401, 404, 409],
      run: async ({ params, request }) => ({
        seq: (await orders.cancel(request.principal, params.orderId, undefined)).seq,
      }),
    }),
  ];
}

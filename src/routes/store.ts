import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamSchema, IfMatchHeadersSchema } from '../schemas/common.js';
import {
  OrderInputSchema,
  OrderListQuerySchema,
  OrderPageSchema,
  OrderSchema,
  OrderStatusUpdateSchema,
} from '../schemas/orders.js';
import { InventorySchema } from '../schemas/pets.js';
import { errorResponses, NoContent, sendAtSeq, sendNoContent, sendVersioned, signedIn } from './http.js';

const OrderParams = z.object({ orderId: IdParamSchema });

export const storeRoutes: FastifyPluginAsyncZod = async (app) => {
  const orders = app.services.orders;

  app.get('/store/inventory', {
    schema: {
      operationId: 'getInventory',
      tags: ['store'],
      summary: 'Count pets by status',
      description: 'How many pets are available, pending and sold, as of `X-Event-Seq`.',
      response: { 200: InventorySchema, ...errorResponses(401) },
    },
    handler: async (request, reply) =>
      sendAtSeq(reply, await app.services.catalog.inventory(request.minEventSeq)),
  });

  app.post('/store/order', {
    schema: {
      operationId: 'placeOrder',
      tags: ['store'],
      summary: 'Order a pet',
      description:
        'The pet must be `available` (else 409 PET_NOT_AVAILABLE) and turns `pending` in the same transaction.',
      security: signedIn,
      body: OrderInputSchema,
      response: { 201: OrderSchema, ...errorResponses(400, 401, 404, 409, 413, 415) },
    },
    handler: async (request, reply) => {
      const result = await orders.place(request.principal, request.body);
      reply.header('location', `${app.prefix}/store/order/${result.data.id}`);
      return sendVersioned(reply, result, 201);
    },
  });

  app.get('/store/orders', {
    schema: {
      operationId: 'listOrders',
      tags: ['store'],
      summary: 'List orders: your own, or every order for an admin',
      description:
        'Paged by `limit` and `cursor`, newest id last. An admin may filter by `status` and `userId`; anyone else sees only their own orders.',
      security: signedIn,
      querystring: OrderListQuerySchema,
      response: { 200: OrderPageSchema, ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) => sendAtSeq(reply, await orders.list(request.principal, request.query)),
  });

  app.get('/store/order/:orderId', {
    schema: {
      operationId: 'getOrderById',
      tags: ['store'],
      summary: 'Get an order (owner or admin)',
      description: "Someone else's order is a 404, not a 403.",
      security: signedIn,
      params: OrderParams,
      response: { 200: OrderSchema, ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) =>
      sendVersioned(reply, await orders.get(request.principal, request.params.orderId)),
  });

  app.patch('/store/order/:orderId', {
    schema: {
      operationId: 'advanceOrder',
      tags: ['store'],
      summary: 'Move an order along placed → approved → delivered (admin)',
      description: 'Delivering makes the pet `sold` and the order `complete`. Honours If-Match.',
      security: signedIn,
      params: OrderParams,
      headers: IfMatchHeadersSchema,
      body: OrderStatusUpdateSchema,
      response: { 200: OrderSchema, ...errorResponses(400, 401, 403, 404, 409, 412, 413, 415) },
    },
    handler: async (request, reply) => {
      const result = await orders.updateStatus(
        request.principal,
        request.params.orderId,
        request.body.status,
        request.expectedVersions,
      );
      return sendVersioned(reply, result);
    },
  });

  app.delete('/store/order/:orderId', {
    schema: {
      operationId: 'deleteOrder',
      tags: ['store'],
      summary: 'Cancel an order (owner while placed, or admin)',
      description: 'The pet goes back to `available` unless the order was delivered. Honours If-Match.',
      security: signedIn,
      params: OrderParams,
      headers: IfMatchHeadersSchema,
      response: { 204: NoContent, ...errorResponses(400, 401, 404, 409, 412) },
    },
    handler: async (request, reply) => {
      return sendNoContent(
        reply,
        await orders.cancel(request.principal, request.params.orderId, request.expectedVersions),
      );
    },
  });
};

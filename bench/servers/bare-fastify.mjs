// Baseline for REST: bare Fastify answering the same routes with the same JSON from memory (route parameter and
// response schema, as in the service), and a place-order/cancel cycle that only touches a Map.
import Fastify from 'fastify';
import { samplePet } from './sample-pet.mjs';

const pets = new Map([1, 2, 3, 4, 5, 6].map((id) => [id, samplePet(id)]));
const orders = new Map();
let nextOrder = 1;
const petSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    category: {
      type: 'object',
      nullable: true,
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
    },
    photoUrls: { type: 'array', items: { type: 'string' } },
    tags: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
    },
    status: { type: 'string' },
    version: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
};

const app = Fastify();
app.get('/api/v1/pets/:id', { schema: { response: { 200: petSchema } } }, async (request, reply) => {
  const pet = pets.get(Number(request.params.id));
  return pet ?? reply.code(404).send({ code: 'PET_NOT_FOUND' });
});
app.get(
  '/api/v1/pets',
  {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            items: { type: 'array', items: petSchema },
            nextCursor: { type: 'string', nullable: true },
          },
        },
      },
    },
  },
  async (request) => ({
    items: [...pets.values()]
      .filter((pet) => pet.status === (request.query.status ?? pet.status))
      .slice(0, Number(request.query.limit ?? 20)),
    nextCursor: null,
  }),
);
app.post('/api/v1/store/order', async (request, reply) => {
  const order = { id: nextOrder++, petId: request.body.petId, status: 'placed' };
  orders.set(order.id, order);
  return reply.code(201).send(order);
});
app.delete('/api/v1/store/order/:id', async (request, reply) => {
  orders.delete(Number(request.params.id));
  return reply.code(204).send();
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });

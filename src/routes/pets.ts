import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamSchema, IfMatchHeadersSchema } from '../schemas/common.js';
import {
  FindByStatusQuerySchema,
  FindByTagsQuerySchema,
  PetInputSchema,
  PetListQuerySchema,
  PetListSchema,
  PetPageSchema,
  PetParamsSchema,
  PetPatchSchema,
  PetSchema,
} from '../schemas/pets.js';
import { errorResponses, NoContent, sendAtSeq, sendNoContent, sendVersioned, signedIn } from './http.js';
import { petImageUploadRoutes } from './pet-image-upload.js';

/** What every admin change of one pet declares: who, which pet, and If-Match. */
const petChange = {
  tags: ['pets'],
  security: signedIn,
  params: PetParamsSchema,
  headers: IfMatchHeadersSchema,
};
const ImageParams = z.object({ id: IdParamSchema, imageId: IdParamSchema });

export const petsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { catalog, pets } = app.services;

  app.get('/pets', {
    schema: {
      operationId: 'listPets',
      tags: ['pets'],
      summary: 'List pets',
      description: 'Filters combine with AND. Paged by `limit` and `cursor`.',
      querystring: PetListQuerySchema,
      response: { 200: PetPageSchema, ...errorResponses(400, 401) },
    },
    handler: async (request, reply) =>
      sendAtSeq(reply, await catalog.list(request.query, request.minEventSeq)),
  });

  app.get('/pets/findByStatus', {
    schema: {
      operationId: 'findPetsByStatus',
      tags: ['pets'],
      summary: 'Find pets by status (every match, unpaged)',
      description:
        "Every pet with one of the statuses, ordered by id, as a bare array (the Swagger Petstore's shape); use `GET /pets` to page.",
      querystring: FindByStatusQuerySchema,
      response: { 200: PetListSchema, ...errorResponses(400, 401) },
    },
    handler: async (request, reply) =>
      sendAtSeq(reply, await catalog.findByStatus(request.query.status, request.minEventSeq)),
  });

  app.get('/pets/findByTags', {
    schema: {
      operationId: 'findPetsByTags',
      tags: ['pets'],
      summary: 'Find pets having any of the tags (every match, unpaged)',
      description: 'Every pet carrying at least one of the named tags, ordered by id, as a bare array.',
      querystring: FindByTagsQuerySchema,
      response: { 200: PetListSchema, ...errorResponses(400, 401) },
    },
    handler: async (request, reply) =>
      sendAtSeq(reply, await catalog.findByTags(request.query.tags, request.minEventSeq)),
  });

  app.get('/pets/:id', {
    schema: {
      operationId: 'getPetById',
      tags: ['pets'],
      summary: 'Get a pet',
      description:
        'The pet with its version as a strong `ETag`. A pet that does not exist is a 404 that still carries the `X-Event-Seq` it was looked up at.',
      params: PetParamsSchema,
      response: { 200: PetSchema, ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) =>
      sendVersioned(reply, await catalog.get(request.params.id, request.minEventSeq)),
  });

  app.post('/pets', {
    schema: {
      operationId: 'addPet',
      tags: ['pets'],
      summary: 'Add a pet (admin)',
      description:
        'A category or tag given by `name` alone is found, or created with its own event. Answers 201 with the pet, its `Location`, its `ETag` and the seq of the change.',
      security: signedIn,
      body: PetInputSchema,
      response: { 201: PetSchema, ...errorResponses(400, 401, 403, 413, 415) },
    },
    handler: async (request, reply) => {
      const result = await pets.create(request.principal, request.body);
      reply.header('location', `${app.prefix}/pets/${result.data.id}`);
      return sendVersioned(reply, result, 201);
    },
  });

  app.put('/pets/:id', {
    schema: {
      operationId: 'updatePet',
      ...petChange,
      summary: 'Replace a pet (admin)',
      description: 'Omitted optional fields take their defaults. Honours If-Match.',
      body: PetInputSchema,
      response: { 200: PetSchema, ...errorResponses(400, 401, 403, 404, 409, 412, 413, 415) },
    },
    handler: async (request, reply) => {
      return sendVersioned(
        reply,
        await pets.replace(request.principal, request.params.id, request.body, request.expectedVersions),
      );
    },
  });

  app.patch('/pets/:id', {
    schema: {
      operationId: 'patchPet',
      ...petChange,
      summary: 'Change some fields of a pet (admin)',
      description: 'A pet held by an open order keeps its status (409 PET_HAS_OPEN_ORDER). Honours If-Match.',
      body: PetPatchSchema,
      response: { 200: PetSchema, ...errorResponses(400, 401, 403, 404, 409, 412, 413, 415) },
    },
    handler: async (request, reply) => {
      return sendVersioned(
        reply,
        await pets.patch(request.principal, request.params.id, request.body, request.expectedVersions),
      );
    },
  });

  app.delete('/pets/:id', {
    schema: {
      operationId: 'deletePet',
      ...petChange,
      summary: 'Delete a pet (admin)',
      description: 'Refused with 409 PET_HAS_OPEN_ORDER while an open order holds the pet. Honours If-Match.',
      response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409, 412) },
    },
    handler: async (request, reply) => {
      return sendNoContent(
        reply,
        await pets.delete(request.principal, request.params.id, request.expectedVersions),
      );
    },
  });

  // Its own scope: only this route parses multipart bodies (elsewhere they are 415), and no other request
  // pays for the parser's hooks.
  await app.register(petImageUploadRoutes);

  app.get('/pets/:id/images/:imageId', {
    schema: {
      operationId: 'getPetImage',
      tags: ['pets'],
      summary: 'Get an image of a pet',
      description: 'The bytes of an uploaded image, with the content type judged from them at upload.',
      params: ImageParams,
      response: {
        200: {
          description: 'The image, with its real content type',
          content: {
            'image/png': { schema: z.string().meta({ format: 'binary' }) },
            'image/jpeg': { schema: z.string().meta({ format: 'binary' }) },
            'image/gif': { schema: z.string().meta({ format: 'binary' }) },
            'image/webp': { schema: z.string().meta({ format: 'binary' }) },
          },
        },
        ...errorResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const image = await pets.getImage(request.params.id, request.params.imageId);
      return reply
        .type(image.contentType)
        .header('content-length', image.sizeBytes)
        .header('cache-control', 'public, max-age=86400, immutable')
        .send(image.stream as unknown as string); // a stream; the schema above only documents the bytes
    },
  });
};

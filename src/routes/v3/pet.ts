import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  V3ApiResponseSchema,
  V3PetAddSchema,
  V3PetFormQuerySchema,
  V3PetIdParamsSchema,
  V3PetReplaceSchema,
  V3PetSchema,
  V3StatusQuerySchema,
  V3TagsQuerySchema,
  V3UploadQuerySchema,
} from '../../schemas/petstore-v3.js';
import { operation, type V3Operation } from './operation.js';
import { officialPet } from './shapes.js';

const PET_XML = { element: 'pet' };
const PETS_XML = { element: 'pet', list: 'pets' };
const petAnswer = { description: 'The pet', schema: V3PetSchema, xml: PET_XML };
const petsAnswer = {
  description: 'Every match, ordered by id',
  schema: z.array(V3PetSchema),
  xml: PETS_XML,
};
const EVERY_MEDIA = ['json', 'xml', 'form'] as const;

/** The official `pet` operations over this API's pets service and catalog. */
export function petOperations(app: FastifyInstance): V3Operation[] {
  const { pets, catalog } = app.services;
  return [
    operation({
      method: 'PUT',
      path: '/pet',
      operationId: 'updatePet',
      tag: 'pet',
      summary: 'Update an existing pet (admin)',
      description: 'Replaces the pet named by `id` in the body.',
      signedIn: true,
      body: { schema: V3PetReplaceSchema, media: [...EVERY_MEDIA], description: 'The pet, with its id' },
      answer: petAnswer,
      failures: [400, 401, 403, 404, 409, 413, 415],
      run: async ({ body, request }) => {
        const result = await pets.replace(request.principal, body.id, body.input, undefined);
        return { value: officialPet(result.data), seq: result.seq };
      },
    }),
    operation({
      method: 'POST',
      path: '/pet',
      operationId: 'addPet',
      tag: 'pet',
      summary: 'Add a new pet to the store (admin)',
      description:
        'The server numbers the pet (an `id` sent is ignored); a category or tag is found or created by name.',
      signedIn: true,
      body: { schema: V3PetAddSchema, media: [...EVERY_MEDIA], description: 'The pet to add' },
      answer: petAnswer,
      failures: [400, 401, 403, 413, 415],
      run: async ({ body, request }) => {
        const result = await pets.create(request.principal, body);
        return { value: officialPet(result.data), seq: result.seq };
      },
    }),
    operation({
      method: 'GET',
      path: '/pet/findByStatus',
      operationId: 'findPetsByStatus',
      tag: 'pet',
      summary: 'Finds pets by status',
      description: '`status` once, repeated, or comma separated; `available` when absent.',
      signedIn: false,
      query: V3StatusQuerySchema,
      answer: petsAnswer,
      failures: [400, 401],
      run: async ({ query, request }) => {
        const result = await catalog.findByStatus(query.status, request.minEventSeq);
        return { value: result.data.map(officialPet), seq: result.seq };
      },
    }),
    operation({
      method: 'GET',
      path: '/pet/findByTags',
      operationId: 'findPetsByTags',
      tag: 'pet',
      summary: 'Finds pets by tags',
      description: 'Every pet having any of the tags; `tags` repeated or comma separated.',
      signedIn: false,
      query: V3TagsQuerySchema,
      answer: petsAnswer,
      failures: [400, 401],
      run: async ({ query, request }) => {
        const result = await catalog.findByTags(query.tags, request.minEventSeq);
        return { value: result.data.map(officialPet), seq: result.seq };
      },
    }),
    operation({
      method: 'GET',
      path: '/pet/{petId}',
      operationId: 'getPetById',
      tag: 'pet',
      summary: 'Find pet by ID',
      description: 'A single pet.',
      signedIn: false,
      params: V3PetIdParamsSchema,
      answer: petAnswer,
      failures: [400, 401, 404],
      run: async ({ params, request }) => {
        const result = await catalog.get(params.petId, request.minEventSeq);
        return { value: officialPet(result.data), seq: result.seq };
      },
    }),
    operation({
      method: 'POST',
      path: '/pet/{petId}',
      operationId: 'updatePetWithForm',
      tag: 'pet',
      summary: 'Updates a pet with form data (admin)',
      description: 'Changes the `name` and/or `status` given in the query string.',
      signedIn: true,
      params: V3PetIdParamsSchema,
      query: V3PetFormQuerySchema,
      answer: petAnswer,
      failures: [400, 401, 403, 404, 409],
      run: async ({ params, query, request }) => {
        const result = await pets.patch(request.principal, params.petId, query, undefined);
        return { value: officialPet(result.data), seq: result.seq };
      },
    }),
    operation({
      method: 'DELETE',
      path: '/pet/{petId}',
      operationId: 'deletePet',
      tag: 'pet',
      summary: 'Deletes a pet (admin)',
      description: 'Refused (409) while an open order holds the pet.',
      signedIn: true,
      params: V3PetIdParamsSchema,
      answer: { description: 'Pet deleted' },
      failures: [400, 401, 403, 404, 409],
      run: async ({ params, request }) => ({
        seq: (await pets.delete(request.principal, params.petId, undefined)).seq,
      }),
    }),
    operation({
      method: 'POST',
      path: '/pet/{petId}/uploadImage',
      operationId: 'uploadFile',
      tag: 'pet',
      summary: 'Uploads an image (admin)',
      description: `The body is the image itself: PNG, JPEG, GIF or WebP, judged by its bytes; at most ${app.config.uploadMaxBytes} bytes. Its URL is added to the pet's photoUrls.`,
      signedIn: true,
      params: V3PetIdParamsSchema,
      query: V3UploadQuerySchema,
      body: { schema: z.instanceof(Buffer), media: ['binary'], description: 'The image' },
      answer: { description: 'The image was stored', schema: V3ApiResponseSchema },
      failures: [400, 401, 403, 404, 413, 415],
      run: async ({ params, body, request }) => {
        const result = await pets.addImage(request.principal, params.petId, body);
        const url = result.data.photoUrls.at(-1);
        return { value: { code: 200, type: 'image', message: `stored at ${url}` }, seq: result.seq };
      },
    }),
  ];
}

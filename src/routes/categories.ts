import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CategoryInputSchema,
  CategoryListQuerySchema,
  CategoryPageSchema,
  CategorySchema,
} from '../schemas/categories.js';
import { IdParamSchema } from '../schemas/common.js';
import { errorResponses, NoContent, sendAtSeq, sendNoContent, signedIn } from './http.js';

const CategoryParams = z.object({ id: IdParamSchema });

export const categoriesRoutes: FastifyPluginAsyncZod = async (app) => {
  const categories = app.services.categories;

  app.get('/categories', {
    schema: {
      operationId: 'listCategories',
      tags: ['categories'],
      summary: 'List categories',
      description: 'By id, paged by `limit` and `cursor`. Changes arrive on the `categories` topic.',
      querystring: CategoryListQuerySchema,
      response: { 200: CategoryPageSchema, ...errorResponses(400, 401) },
    },
    handler: async (request, reply) => sendAtSeq(reply, await categories.list(request.query)),
  });

  app.get('/categories/:id', {
    schema: {
      operationId: 'getCategoryById',
      tags: ['categories'],
      summary: 'Find a category by id',
      description: 'One category: its id and name.',
      params: CategoryParams,
      response: { 200: CategorySchema, ...errorResponses(400, 401, 404) },
    },
    handler: async (request, reply) => sendAtSeq(reply, await categories.get(request.params.id)),
  });

  app.post('/categories', {
    schema: {
      operationId: 'addCategory',
      tags: ['categories'],
      summary: 'Add a category (admin)',
      description: 'A category is also created when a pet names one that does not exist.',
      security: signedIn,
      body: CategoryInputSchema,
      response: { 201: CategorySchema, ...errorResponses(400, 401, 403, 409, 413, 415) },
    },
    handler: async (request, reply) => {
      const result = await categories.create(request.principal, request.body);
      reply.header('location', `${app.prefix}/categories/${result.data.id}`);
      return sendAtSeq(reply, result, 201);
    },
  });

  app.put('/categories/:id', {
    schema: {
      operationId: 'updateCategory',
      tags: ['categories'],
      summary: 'Rename a category (admin)',
      description: 'Each pet in the category gets a new version and a pet.updated event.',
      security: signedIn,
      params: CategoryParams,
      body: CategoryInputSchema,
      response: { 200: CategorySchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
    },
    handler: async (request, reply) =>
      sendAtSeq(reply, await categories.rename(request.principal, request.params.id, request.body)),
  });

  app.delete('/categories/:id', {
    schema: {
      operationId: 'deleteCategory',
      tags: ['categories'],
      summary: 'Delete a category (admin)',
      description: 'Refused with 409 CATEGORY_IN_USE while a pet uses it.',
      security: signedIn,
      params: CategoryParams,
      response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) =>
      sendNoContent(reply, await categories.delete(request.principal, request.params.id)),
  });
};

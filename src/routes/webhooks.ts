import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParamSchema } from '../schemas/common.js';
import {
  RedeliverSchema,
  WebhookDeliveriesSchema,
  WebhookInputSchema,
  WebhookListQuerySchema,
  WebhookPageSchema,
  WebhookPatchSchema,
  WebhookSchema,
  WebhookWithSecretSchema,
} from '../schemas/webhooks.js';
import { errorResponses, NoContent, signedIn } from './http.js';

const WebhookParams = z.object({ id: IdParamSchema });
const adminOnly = { tags: ['webhooks'], security: signedIn };

export const webhooksRoutes: FastifyPluginAsyncZod = async (app) => {
  const { webhooks } = app.services;

  app.post('/webhooks', {
    schema: {
      ...adminOnly,
      operationId: 'createWebhook',
      summary: 'Create a webhook (admin)',
      description:
        'Every event of the topics committed from now on is POSTed to `url`, signed as Standard Webhooks. ' +
        'The answer holds the signing `secret`, shown this once.',
      body: WebhookInputSchema,
      response: { 201: WebhookWithSecretSchema, ...errorResponses(400, 401, 403, 413, 415) },
    },
    handler: async (request, reply) => {
      const webhook = await webhooks.create(request.principal, request.body);
      reply.header('location', `${app.prefix}/webhooks/${webhook.id}`);
      return reply.code(201).send(webhook);
    },
  });

  app.get('/webhooks', {
    schema: {
      ...adminOnly,
      operationId: 'listWebhooks',
      summary: 'List webhooks (admin)',
      description: 'By id, paged by `limit` and `cursor`; secrets are never shown.',
      querystring: WebhookListQuerySchema,
      response: { 200: WebhookPageSchema, ...errorResponses(400, 401, 403) },
    },
    handler: async (request) => webhooks.list(request.principal, request.query),
  });

  app.get('/webhooks/:id', {
    schema: {
      ...adminOnly,
      operationId: 'getWebhook',
      summary: 'Get a webhook (admin)',
      description: 'Its state, its place in the change feed (`cursor`) and how far behind it is (`backlog`).',
      params: WebhookParams,
      response: { 200: WebhookSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request) => webhooks.get(request.principal, request.params.id),
  });

  app.patch('/webhooks/:id', {
    schema: {
      ...adminOnly,
      operationId: 'updateWebhook',
      summary: 'Change a webhook (admin)',
      description:
        'Its `url`, `topics`, `description`, or `status`: `paused` stops delivery; `active` resumes it from ' +
        'its place, also after it turned `failing` or `disabled`.',
      params: WebhookParams,
      body: WebhookPatchSchema,
      response: { 200: WebhookSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
    handler: async (request) => webhooks.update(request.principal, request.params.id, request.body),
  });

  app.delete('/webhooks/:id', {
    schema: {
      ...adminOnly,
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook (admin)',
      description: 'Nothing more is sent to it; its delivery history goes with it.',
      params: WebhookParams,
      response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) => {
      await webhooks.delete(request.principal, request.params.id);
      return reply.code(204).send();
    },
  });

  app.post('/webhooks/:id/rotate-secret', {
    schema: {
      ...adminOnly,
      operationId: 'rotateWebhookSecret',
      summary: "Rotate a webhook's signing secret (admin)",
      description:
        'A new secret, shown this once. For WEBHOOK_SECRET_GRACE_MS each delivery carries a signature by the ' +
        'old secret beside the new one, so the receiver can switch without losing a delivery.',
      params: WebhookParams,
      response: { 200: WebhookWithSecretSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
    handler: async (request) => webhooks.rotateSecret(request.principal, request.params.id),
  });

  app.get('/webhooks/:id/deliveries', {
    schema: {
      ...adminOnly,
      operationId: 'listWebhookDeliveries',
      summary: "A webhook's recent delivery attempts (admin)",
      description: 'Newest first, at most 50.',
      params: WebhookParams,
      response: { 200: WebhookDeliveriesSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request) => webhooks.deliveries(request.principal, request.params.id),
  });

  app.post('/webhooks/:id/redeliver', {
    schema: {
      ...adminOnly,
      operationId: 'redeliverWebhook',
      summary: 'Send events again from a seq (admin)',
      description:
        'Moves the webhook back to `since` and makes it active: every matching event after `since` is sent ' +
        'again, in order. `since` must be between the oldest kept event and the newest commit.',
      params: WebhookParams,
      body: RedeliverSchema,
      response: { 200: WebhookSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
    handler: async (request) => webhooks.redeliver(request.principal, request.params.id, request.body.since),
  });
};

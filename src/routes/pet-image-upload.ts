import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { invalidInput } from '../errors.js';
import { PetParamsSchema, PetSchema } from '../schemas/pets.js';
import { errorResponses, sendVersioned, signedIn } from './http.js';

/** `POST /pets/:id/uploadImage`, with the multipart parser it alone uses. */
export const petImageUploadRoutes: FastifyPluginAsyncZod = async (app) => {
  const { pets } = app.services;
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: app.config.uploadMaxBytes,
      files: 1,
      fields: 4,
      fieldSize: 4096,
      parts: 5,
      headerPairs: 50,
    },
  });

  app.post('/pets/:id/uploadImage', {
    config: {
      openapiBody: {
        contentType: 'multipart/form-data',
        schema: {
          type: 'object',
          required: ['file'],
          properties: {
            file: {
              type: 'string',
              format: 'binary',
              description: 'PNG, JPEG, GIF or WebP, judged by content',
            },
            additionalMetadata: {
              type: 'string',
              description: 'Accepted for Petstore compatibility; not stored',
            },
          },
        },
      },
    },
    schema: {
      operationId: 'uploadFile',
      tags: ['pets'],
      summary: 'Upload an image of a pet (admin)',
      description: `Multipart field \`file\`; at most ${app.config.uploadMaxBytes} bytes. The image URL is appended to photoUrls.`,
      security: signedIn,
      params: PetParamsSchema,
      response: { 201: PetSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
    handler: async (request, reply) => {
      let bytes: Buffer | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'file' && bytes === undefined) {
          bytes = await part.toBuffer();
        } else if (part.type === 'file') {
          part.file.resume(); // drain anything else; the files limit refuses a second file
        }
      }
      if (!bytes) throw invalidInput('body', [{ path: 'file', message: 'a file is required' }]);
      return sendVersioned(reply, await pets.addImage(request.principal, request.params.id, bytes), 201);
    },
  });
};

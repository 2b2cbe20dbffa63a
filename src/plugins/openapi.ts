import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { API_ROUTES } from '../routes/index.js';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { errorCatalog } from '../errors.js';

const zodTransform = createJsonSchemaTransform({});

/** Routes may describe a body that is not validated by a zod schema (multipart uploads). */
interface DocumentedBody {
  openapiBody?: { contentType: string; schema: Record<string, unknown> };
}

const errorCodeTable = errorCatalog
  .map((entry) => `| ${entry.statusCode} | \`${entry.code}\` | ${entry.description} |`)
  .join('\n');

const description = `REST and WebSocket API of a pet store where every change is visible live.

Every response that reads state carries \`X-Event-Seq\`: subscribe over WebSocket with \`since\` set to it
to miss nothing. Resources with a \`version\` return it as a strong \`ETag\`; send it back as \`If-Match\`
on PUT, PATCH and DELETE to avoid overwriting someone else's change (412 when it no longer matches).
Lists are paged with \`limit\` (1..100, default 20) and the opaque \`cursor\` from \`nextCursor\`.

Sign in with \`POST /api/v1/auth/login\`, then press **Authorize** and paste the \`token\`.

### Error codes
| status | code | meaning |
|---|---|---|
${errorCodeTable}
`;

export default fp(
  async (app) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Pet Store API', version: '1.0.0', description },
        tags: API_ROUTES.map((group) => group.tag),
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: (input) => {
        const output = zodTransform(input);
        const documented = (input.route.config as DocumentedBody | undefined)?.openapiBody;
        if (!documented) return output;
        return {
          ...output,
          schema: { ...output.schema, consumes: [documented.contentType], body: documented.schema },
        };
      },
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(fastifySwaggerUi, {
      routePrefix: '/documentation',
      uiConfig: { persistAuthorization: true, displayRequestDuration: true },
    });
  },
  { name: 'openapi' },
);

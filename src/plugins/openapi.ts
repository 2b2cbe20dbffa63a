import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { API_ROUTES } from '../routes/index.js';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorCatalog } from '../errors.js';
import { responseHeaders } from './openapi-headers.js';
import { tidyComponents, withExplicitSecurity, withListParameters } from './openapi-tidy.js';

const zodTransform = createJsonSchemaTransform({});
type TransformInput = Parameters<typeof zodTransform>[0];

const NotModified = z.undefined().describe('Not modified: `If-None-Match` names the current `ETag`; no body');

/** Every read that answers 200 also answers 304 (plugins/conditional-requests.ts). */
function withNotModified(input: TransformInput): TransformInput {
  const response = input.schema.response as Record<string, unknown> | undefined;
  const methods = [input.route.method].flat();
  if (!response?.[200] || !methods.includes('GET')) return input;
  return { ...input, schema: { ...input.schema, response: { ...response, 304: NotModified } } };
}

const SUCCESS: Record<string, string> = { 200: 'OK', 201: 'Created', 204: 'Done' };

/**
 * Every response declares the headers it carries (plugins/openapi-headers.ts), and a success says what it is
 * rather than @fastify/swagger's "Default Response".
 */
function withHeaders(output: ReturnType<typeof zodTransform>, input: TransformInput) {
  const response = output.schema?.response as Record<string, Record<string, unknown>> | undefined;
  if (!response) return output;
  const method = [input.route.method].flat()[0] as string;
  const rateLimited = (input.route.config as { rateLimit?: unknown } | undefined)?.rateLimit !== false;
  const summary = (input.schema as { summary?: string }).summary;
  const declared = Object.fromEntries(
    Object.entries(response).map(([status, schema]) => [
      status,
      {
        ...schema,
        ...(schema.description === undefined && SUCCESS[status] && summary
          ? { description: `${SUCCESS[status]}: ${summary}` }
          : {}),
        headers: responseHeaders({ method, url: input.url, statusCode: Number(status), rateLimited }),
      },
    ]),
  );
  return { ...output, schema: { ...output.schema, response: declared } };
}

/** Routes may describe a body that is not validated by a zod schema (multipart uploads). */
interface DocumentedBody {
  openapiBody?: { contentType: string; schema: Record<string, unknown> };
}

const errorCodeTable = errorCatalog
  .map((entry) => `| ${entry.statusCode} | \`${entry.code}\` | ${entry.description} |`)
  .join('\n');

const description = `REST and WebSocket API of a pet store where every change is visible live.

Every response that reads state carries \`X-Event-Seq\`: subscribe over WebSocket with \`since\` set to it
to miss nothing; send \`X-Min-Event-Seq\` with the seq of your own write, made on another node, to read at
least that far (the node waits for it up to \`CATALOG_MIN_SEQ_WAIT_MS\`, then reads the database; 400
\`SEQ_NOT_REACHED\` for a seq not committed yet); the node that took a write always reflects it. Every read carries an \`ETag\` and
\`Cache-Control: no-cache\`; \`If-None-Match\` with it answers 304 while what the read shows is unchanged.
Resources with a \`version\` return it as a strong \`ETag\`; send it back as \`If-Match\` on PUT, PATCH and
DELETE to avoid overwriting someone else's change (412 when it no longer matches).
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
        info: {
          title: 'Pet Store API',
          version: '1.0.0',
          description,
          license: { name: 'MIT', identifier: 'MIT' },
        },
        // Relative: each node (or the load balancer in front of them) serves the API at its own address.
        servers: [{ url: '/', description: 'The server this document was fetched from' }],
        tags: API_ROUTES.map((group) => group.tag),
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: (input) => {
        const output = withExplicitSecurity(
          withListParameters(withHeaders(zodTransform(withNotModified(input)), input)),
        );
        const documented = (input.route.config as DocumentedBody | undefined)?.openapiBody;
        if (!documented) return output;
        return {
          ...output,
          schema: { ...output.schema, consumes: [documented.contentType], body: documented.schema },
        };
      },
      transformObject: (input) => tidyComponents(jsonSchemaTransformObject(input)),
    });
    await app.register(fastifySwaggerUi, {
      routePrefix: '/documentation',
      theme: { title: 'Pet Store API' },
      uiConfig: {
        persistAuthorization: true,
        displayRequestDuration: true,
        // The first is shown first; the top bar switches to the Swagger Petstore v3 mount (routes/v3).
        urls: [
          { url: '/documentation/json', name: 'Pet Store API (/api/v1)' },
          { url: '/api/v3/openapi.json', name: 'Swagger Petstore v3 (/api/v3)' },
        ],
      },
    });
  },
  { name: 'openapi' },
);

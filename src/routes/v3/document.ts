import { z } from 'zod';
import { ErrorSchema } from '../../schemas/common.js';
import {
  V3ApiResponseSchema,
  V3NewUserSchema,
  V3OrderBodySchema,
  V3OrderSchema,
  V3PetAddSchema,
  V3PetReplaceSchema,
  V3PetSchema,
  V3UserSchema,
  V3UserUpdateSchema,
} from '../../schemas/petstore-v3.js';
import { responseHeaders } from '../../plugins/openapi-headers.js';
import { MEDIA } from './media.js';
import type { V3Operation } from './operation.js';

type JsonSchema = Record<string, unknown>;

const FAILURES: Record<number, string> = {
  400: 'Invalid input: malformed, or against a rule of this API (the error body says which)',
  401: 'No valid token: send `Authorization: Bearer <token>` or `api_key: <token>`',
  403: 'Signed in, but not allowed',
  404: 'Not found',
  409: 'The change conflicts with the current state',
  413: 'The body is too large',
  415: 'The body is of a media type this operation does not take',
  429: 'Too many requests; wait for Retry-After',
  500: 'Unexpected failure',
  503: 'Overloaded or shutting down; wait for Retry-After',
};

/** Named schemas of the document: the official names, with their XML element names. */
const COMPONENTS: Array<[string, z.ZodType, 'input' | 'output', string?]> = [
  ['Pet', V3PetSchema, 'output', 'pet'],
  ['PetBody', V3PetAddSchema, 'input', 'pet'],
  ['PetReplacement', V3PetReplaceSchema, 'input', 'pet'],
  ['Order', V3OrderSchema, 'output', 'order'],
  ['OrderBody', V3OrderBodySchema, 'input', 'order'],
  ['User', V3UserSchema, 'output', 'user'],
  ['UserBody', V3NewUserSchema, 'input', 'user'],
  ['UserUpdate', V3UserUpdateSchema, 'input', 'user'],
  ['ApiResponse', V3ApiResponseSchema, 'output'],
  ['Error', ErrorSchema, 'output'],
];

/** A zod schema as JSON Schema; one registered with an id (the error body) comes back as its definition. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, $defs, ...converted } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  const self = typeof converted.$ref === 'string' ? converted.$ref.replace('#/$defs/', '') : undefined;
  if (self !== undefined && $defs?.[self] && Object.keys($defs).length === 1)
    return $defs[self] as JsonSchema;
  if ($defs) throw new Error('a schema of /api/v3 refers to named schemas the document does not hold');
  return converted;
}

/** The schema as a reference to its component when it is one, with official XML names for wrapped lists. */
function describe(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const component = COMPONENTS.find(([, named, namedIo]) => named === schema && namedIo === io);
  if (component) return { $ref: `#/components/schemas/${component[0]}` };
  if (schema instanceof z.ZodArray) {
    return { type: 'array', items: describe(schema.element as z.ZodType, io) };
  }
  return jsonSchema(schema, io);
}

function withXmlNames(name: string, schema: JsonSchema, element?: string): JsonSchema {
  const properties = { ...(schema.properties as Record<string, JsonSchema> | undefined) };
  if (properties.photoUrls) {
    properties.photoUrls = { ...properties.photoUrls, xml: { wrapped: true } };
    properties.photoUrls.items = { ...(properties.photoUrls.items as JsonSchema), xml: { name: 'photoUrl' } };
  }
  if (properties.tags) {
    properties.tags = { ...properties.tags, xml: { wrapped: true } };
    properties.tags.items = { ...(properties.tags.items as JsonSchema), xml: { name: 'tag' } };
  }
  const described = { ...schema, ...(schema.properties ? { properties } : {}) };
  return element ? { ...described, xml: { name: element } } : { ...described, title: name };
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const converted = jsonSchema(schema, 'input');
  const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((converted.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const contentOf = (schema: JsonSchema, media: string[]) =>
  Object.fromEntries(media.map((type) => [type, { schema }]));

const NOT_MODIFIED = 'Not modified: `If-None-Match` names the current `ETag`; no body';

/** The headers a response carries, by the rules /api/v1 documents them with (plugins/openapi-headers.ts). */
const headersOf = (operation: V3Operation, statusCode: number) =>
  Object.fromEntries(
    Object.entries(
      responseHeaders({
        method: operation.method,
        url: `/api/v3${operation.path}`,
        statusCode,
        rateLimited: true,
      }),
    ).map(([name, { type, description }]) => [name, { description, schema: { type } }]),
  );

function operationObject(operation: V3Operation): JsonSchema {
  const { answer, body } = operation;
  const answerMedia = answer.xml ? [MEDIA.json, MEDIA.xml] : [MEDIA.json];
  const error = { $ref: '#/components/schemas/Error' };
  const statuses = [...new Set([...operation.failures, 429, 500, 503])].sort();
  return {
    tags: [operation.tag],
    summary: operation.summary,
    description: operation.description,
    operationId: operation.operationId,
    security: operation.signedIn ? [{ petstore_auth: [] }, { api_key: [] }] : [],
    parameters: [...parameters(operation.params, 'path'), ...parameters(operation.query, 'query')],
    ...(body
      ? {
          requestBody: {
            required: true,
            description: body.description,
            content: contentOf(
              body.media.includes('binary')
                ? { type: 'string', contentMediaType: MEDIA.binary }
                : describe(body.schema, 'input'),
              body.media.map((media) => MEDIA[media]),
            ),
          },
        }
      : {}),
    responses: {
      200: {
        description: answer.description,
        headers: { ...headersOf(operation, 200), ...answer.headers },
        ...(answer.schema ? { content: contentOf(describe(answer.schema, 'output'), answerMedia) } : {}),
      },
      ...(operation.method === 'GET'
        ? { 304: { description: NOT_MODIFIED, headers: headersOf(operation, 304) } }
        : {}),
      ...Object.fromEntries(
        statuses.map((status) => [
          status,
          {
            description: FAILURES[status],
            headers: headersOf(operation, status),
            content: contentOf(error, [MEDIA.json]),
          },
        ]),
      ),
    },
  };
}

/**
 * The OpenAPI document of `/api/v3`: the official Swagger Petstore v3 operations as this mount implements them,
 * generated from the same operations table the routes are served from, and from this project's own schemas.
 */
export function petstoreV3Document(operations: V3Operation[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    (paths[operation.path] as Record<string, JsonSchema>)[operation.method.toLowerCase()] =
      operationObject(operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Swagger Petstore v3, on the Pet Store API',
      version: '1.0.0',
      description:
        'The operations of the official Swagger Petstore v3 document, over the same services, rules and ' +
        'change feed as `/api/v1`: a client generated from the official document works against this mount. ' +
        'Sign in with `GET /user/login`; send the token it answers as `Authorization: Bearer` or as `api_key`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/api/v3', description: 'The server this document was fetched from' }],
    tags: [
      { name: 'pet', description: 'Everything about the pets' },
      { name: 'store', description: 'Inventory and orders' },
      { name: 'user', description: 'Accounts' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(
        COMPONENTS.map(([name, schema, io, element]) => [
          name,
          withXmlNames(name, jsonSchema(schema, io), element),
        ]),
      ),
      securitySchemes: {
        petstore_auth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        api_key: { type: 'apiKey', name: 'api_key', in: 'header' },
      },
    },
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify';
import type { z } from 'zod';
import { UnsupportedMediaTypeError } from '../../errors.js';
import { MEDIA, sendOfficial, type Media } from './media.js';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** The answer of an operation (always a 200, as in the official document): its schema and XML element names, or none for an empty one. */
export interface OfficialAnswer {
  description: string;
  schema?: z.ZodType;
  /** Offered as XML too, under these element names. */
  xml?: { element: string; list?: string };
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

/** What an operation's call gives back: the answer's value (already in the official shape) and its seq. */
export interface Outcome {
  value?: unknown;
  seq?: number;
}

/** One operation of the official Swagger Petstore v3 document, as this mount implements it. */
export interface V3Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The official path, with `{param}`s. */
  path: string;
  operationId: string;
  tag: 'pet' | 'store' | 'user';
  summary: string;
  description: string;
  signedIn: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: { schema: z.ZodType; media: Media[]; description: string };
  answer: OfficialAnswer;
  /** The failure statuses it answers with, besides 429, 500 and 503. */
  failures: number[];
  /** Route options, e.g. the sign-up rate limit. */
  config?: Record<string, unknown>;
  run: (request: FastifyRequest, reply: FastifyReply) => Promise<Outcome>;
}

interface Call<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  request: FastifyRequest;
  reply: FastifyReply;
}

type Spec<Params, Query, Body> = Omit<V3Operation, 'params' | 'query' | 'body' | 'run'> & {
  params?: z.ZodType<Params>;
  query?: z.ZodType<Query>;
  body?: { schema: z.ZodType<Body>; media: Media[]; description: string };
  run: (call: Call<Params, Query, Body>) => Promise<Outcome>;
};

/** Declares an operation whose call sees its params, query and body as its schemas parse them. */
export function operation<Params = never, Query = never, Body = never>(
  spec: Spec<Params, Query, Body>,
): V3Operation {
  return {
    ...spec,
    run: (request, reply) =>
      spec.run({
        params: request.params as Params,
        query: request.query as Query,
        body: request.body as Body,
        request,
        reply,
      }),
  };
}

/** A request whose body is of a media type the operation does not declare is refused before it is parsed. */
function refuseUndeclaredMedia(declared: Media[]): preParsingHookHandler {
  const accepted = new Set<string>(declared.map((media) => MEDIA[media]));
  return (request, _reply, payload, done) => {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== undefined && !accepted.has(type)) {
      done(new UnsupportedMediaTypeError(`${type} is not accepted here`));
      return;
    }
    done(null, payload);
  };
}

/** Serves one official operation: validated by its schemas, answered in the official shape and media type. */
export function serveOperation(app: FastifyInstance, operation: V3Operation): void {
  const handler: Handler = async (request, reply) => {
    const { value, seq } = await operation.run(request, reply);
    if (seq !== undefined) reply.header('x-event-seq', String(seq));
    if (operation.answer.schema === undefined) return reply.code(200).send();
    return sendOfficial(request, reply, value, operation.answer.xml);
  };
  app.route({
    method: operation.method,
    url: operation.path.replace(/\{(\w+)\}/g, ':$1'),
    schema: {
      hide: true,
      ...(operation.params ? { params: operation.params } : {}),
      ...(operation.query ? { querystring: operation.query } : {}),
      ...(operation.body ? { body: operation.body.schema } : {}),
    },
    preParsing: refuseUndeclaredMedia(operation.body?.media ?? ['json']),
    config: operation.config ?? {},
    handler,
  });
}

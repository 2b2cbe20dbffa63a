import { z } from 'zod';
import { errorCatalog } from '../errors.js';
import { ErrorSchema, LIST_ITEM } from '../schemas/common.js';
import { EVENT_SPECS } from '../live/resources.js';
import {
  ActionPayloadSchemas,
  NotificationFrameSchema,
  RequestFrameSchema,
  ResponseFrameSchema,
} from '../schemas/ws.js';

/** A zod schema as JSON Schema; the OpenAPI document's marker of comma-separated lists has no use here. */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: ({ jsonSchema: converted }) => {
      delete (converted as Record<string, unknown>)[LIST_ITEM];
    },
  });

const CONTROL: Record<string, { payload: z.ZodType; summary: string }> = {
  connect: {
    payload: z.object({
      clientId: z.string(),
      node: z.string(),
      epoch: z.string().meta({ description: 'Names the event log; a seq is only meaningful with its epoch' }),
      seq: z.number().int().meta({ description: 'The newest seq this node has delivered' }),
    }),
    summary: 'Sent once on connect',
  },
  'session.expired': {
    payload: z.object({
      reason: z.enum(['expired', 'revoked']),
      droppedTopics: z.array(z.string()),
      seq: z.number().int().meta({
        description: 'The connection had been sent every event up to here; resume the dropped topics from it',
      }),
    }),
    summary: 'The session ended; private subscriptions were dropped, public ones kept',
  },
  lagged: {
    payload: z.object({ resumeFrom: z.number().int() }),
    summary:
      'The client fell too far behind; the socket closes with 1013. Resubscribe with since = resumeFrom',
  },
};

/** What the success answer of an action carries, where it is not simply what REST answers. */
const ANSWERS: Record<string, string> = {
  ping: 'Answers { timestamp }.',
  authenticate: 'Answers { userId, username, role, expiresAt }.',
  subscribe:
    'Answers { topics, seq, epoch }: every matching event after seq will be sent (with since: replayed first, ' +
    'then live). RESYNC_REQUIRED when since cannot be resumed: older than what is kept, above the newest seq, ' +
    'of another epoch, or, for topics added to a connection, below what it was already sent.',
  unsubscribe: 'Answers { topics, seq }: no event after seq is sent for the topics removed.',
};

/** The WebSocket contract as an AsyncAPI 3 document, generated from the same zod schemas that validate frames. */
export function asyncApiDocument() {
  const errorPayload = ErrorSchema.extend({
    code: z.enum(errorCatalog.map((entry) => entry.code) as [string, ...string[]]),
  });
  const messages: Record<string, unknown> = {
    response: {
      name: 'response',
      summary:
        'The answer to a request, same correlationId. An error answer carries exactly the REST error body, ' +
        'with its code from the one catalog of both doors',
      payload: jsonSchema(ResponseFrameSchema, 'output'),
    },
    error: {
      name: 'error',
      summary: 'The payload of an error response (status "error"): the REST error body',
      payload: jsonSchema(errorPayload, 'output'),
    },
  };
  const operations: Record<string, unknown> = {};
  for (const [action, schema] of Object.entries(ActionPayloadSchemas)) {
    messages[action] = {
      name: action,
      summary: `Request frame with action "${action}". ${ANSWERS[action] ?? 'Answers what REST answers for the same call.'}`,
      payload: {
        ...jsonSchema(RequestFrameSchema),
        properties: {
          ...jsonSchema(RequestFrameSchema).properties,
          action: { const: action },
          payload: jsonSchema(schema),
        },
      },
    };
    operations[action] = {
      action: 'send',
      channel: { $ref: '#/channels/ws' },
      messages: [{ $ref: `#/channels/ws/messages/${action}` }],
      reply: { channel: { $ref: '#/channels/ws' }, messages: [{ $ref: '#/channels/ws/messages/response' }] },
    };
  }
  const notifications = {
    ...Object.fromEntries(
      Object.entries(EVENT_SPECS).map(([name, event]) => [
        name,
        { ...event, summary: `${event.summary} (topics ${event.topics})` },
      ]),
    ),
    ...CONTROL,
  };
  for (const [event, { payload, summary }] of Object.entries(notifications)) {
    messages[event] = {
      name: event,
      summary,
      payload: {
        ...jsonSchema(NotificationFrameSchema, 'output'),
        properties: {
          ...jsonSchema(NotificationFrameSchema, 'output').properties,
          event: { const: event },
          payload: jsonSchema(payload, 'output'),
        },
      },
    };
    operations[`receive.${event}`] = {
      action: 'receive',
      channel: { $ref: '#/channels/ws' },
      messages: [{ $ref: `#/channels/ws/messages/${event}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Pet Store real-time API',
      version: '1.0.0',
      description:
        'Every frame is one JSON object: request (client → server), response, notification (server → client). ' +
        'Subscribe to topics to receive change events in seq order; `since` replays what was missed. ' +
        'Each connection has one cursor, the seq of the last event it was sent: an event is sent only if its seq ' +
        'is above it, so every event arrives once and in order, replayed or live. A seq belongs to an event log ' +
        'named by its `epoch` (in `connect` and the subscribe answer): `since` with another epoch, older than ' +
        'what is kept, above the newest seq, or (for topics added to a connection) below what the connection ' +
        'was already sent, is answered RESYNC_REQUIRED; reload over REST and subscribe again.',
    },
    defaultContentType: 'application/json',
    channels: { ws: { address: '/ws', messages } },
    operations,
  };
}

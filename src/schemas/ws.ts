import { z } from 'zod';
import { TOPIC_NAMES, TOPIC_PATTERN } from '../live/resources.js';
import { IdSchema } from './common.js';
import { OrderInputSchema, OrderListQuerySchema, OrderStatusSchema } from './orders.js';
import { FindByStatusQuerySchema, PetInputSchema, PetListQuerySchema, PetPatchSchema } from './pets.js';

/** The WebSocket protocol: three frame kinds, every action's payload, and the topics. */

const CorrelationIdSchema = z.string().min(1).max(128);

export const RequestFrameSchema = z.strictObject({
  type: z.literal('request'),
  correlationId: CorrelationIdSchema,
  timestamp: z.number().meta({ description: 'Client time, epoch milliseconds' }),
  action: z.string().min(1).max(64),
  payload: z.unknown().optional(),
  minSeq: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({
      description:
        'The seq the answer must reflect at least, as X-Min-Event-Seq over REST: typically the seq of your own ' +
        'write made through another node (400 SEQ_NOT_REACHED when not committed yet)',
    }),
});

export const ResponseFrameSchema = z.object({
  type: z.literal('response'),
  correlationId: CorrelationIdSchema.nullable(),
  timestamp: z.number(),
  status: z.enum(['success', 'error']),
  payload: z.unknown(),
  seq: z.number().int().optional().meta({
    description: 'On answers of actions that read or change state: the newest change seq the answer reflects',
  }),
});

export const NotificationFrameSchema = z.object({
  type: z.literal('notification'),
  correlationId: z.string(),
  timestamp: z.number(),
  event: z.string(),
  payload: z.unknown(),
  topic: z.string().optional(),
  seq: z.number().int().optional(),
});

/** Every resource's topic, and `<topic>:<id>` for those with items (see `live/resources.ts`). */
const TopicSchema = z.string().regex(TOPIC_PATTERN, TOPIC_NAMES.join(', '));

const Empty = z.strictObject({});
const ById = z.strictObject({ id: IdSchema });
const ExpectedVersion = z
  .number()
  .int()
  .positive()
  .optional()
  .meta({ description: 'Like If-Match: the version last seen' });

export const ActionPayloadSchemas = {
  authenticate: z.strictObject({ token: z.string().min(1).max(4096) }),
  ping: Empty,
  subscribe: z.strictObject({
    topics: z.array(TopicSchema).min(1).max(50),
    since: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Replay every matching event after this seq first' }),
    epoch: z.string().min(1).max(64).optional().meta({
      description:
        'The event log that `since` is a seq of (from `connect` or an earlier answer); another one gets RESYNC_REQUIRED',
    }),
  }),
  unsubscribe: z.strictObject({ topics: z.array(TopicSchema).min(1).max(50) }),
  'pets.list': PetListQuerySchema,
  'pets.get': ById,
  'pets.findByStatus': FindByStatusQuerySchema,
  'pets.create': PetInputSchema,
  'pets.update': z.strictObject({ id: IdSchema, pet: PetInputSchema, expectedVersion: ExpectedVersion }),
  'pets.patch': z.strictObject({ id: IdSchema, patch: PetPatchSchema, expectedVersion: ExpectedVersion }),
  'pets.delete': z.strictObject({ id: IdSchema, expectedVersion: ExpectedVersion }),
  'store.inventory': Empty,
  'orders.place': OrderInputSchema,
  'orders.list': OrderListQuerySchema,
  'orders.get': ById,
  'orders.update': z.strictObject({
    id: IdSchema,
    status: OrderStatusSchema,
    expectedVersion: ExpectedVersion,
  }),
  'orders.cancel': z.strictObject({ id: IdSchema, expectedVersion: ExpectedVersion }),
  'users.me': Empty,
} as const;
export type ActionName = keyof typeof ActionPayloadSchemas;
export type ActionPayload<A extends ActionName> = z.output<(typeof ActionPayloadSchemas)[A]>;

import { z } from 'zod';
import { TOPIC_NAMES, TOPIC_PATTERN } from '../live/resources.js';
import { IdSchema, PageQuerySchema, TimestampSchema, pageOf } from './common.js';

const TopicSchema = z.string().regex(TOPIC_PATTERN, `one of ${TOPIC_NAMES.join(', ')}`);
const TopicsSchema = z
  .array(TopicSchema)
  .min(1)
  .max(50)
  .meta({ description: 'Topics as on `/ws` (`pets`, `orders:7`, …); an event of any of them is sent' });
const UrlSchema = z
  .string()
  .min(1)
  .max(2000)
  .meta({ description: '`https:`, or `http:` to a host in WEBHOOK_ALLOWED_HOSTS' });
const DescriptionSchema = z.string().trim().max(500);

const WEBHOOK_STATUSES = ['active', 'paused', 'failing', 'disabled'] as const;

export const WebhookSchema = z
  .object({
    id: IdSchema,
    url: z.string(),
    topics: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(WEBHOOK_STATUSES).meta({
      description:
        '`active` delivers; `paused` waits; `failing` gave up retrying (or fell past WEBHOOK_MAX_BACKLOG); ' +
        '`disabled` was answered 410 Gone. Each keeps its place and resumes from it when set `active` again.',
    }),
    failure: z
      .enum(['RETRY_EXHAUSTED', 'GONE', 'RESYNC_REQUIRED'])
      .nullable()
      .meta({ description: 'Why a webhook is `failing` or `disabled`' }),
    cursor: z.number().int().meta({ description: 'The last seq the receiver acknowledged' }),
    backlog: z.number().int().meta({ description: 'Events committed after `cursor` (of any topic)' }),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().meta({ description: 'The signing secret (`whsec_…`), shown in this answer only' }),
}).meta({ id: 'WebhookWithSecret' });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretSchema>;

export const WebhookInputSchema = z
  .strictObject({ url: UrlSchema, topics: TopicsSchema, description: DescriptionSchema.optional() })
  .meta({ example: { url: 'https://shipping.example.com/hooks/petstore', topics: ['orders'] } });
export type WebhookInput = z.infer<typeof WebhookInputSchema>;

export const WebhookPatchSchema = z
  .strictObject({
    url: UrlSchema.optional(),
    topics: TopicsSchema.optional(),
    description: DescriptionSchema.nullable().optional(),
    status: z.enum(['active', 'paused']).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');
export type WebhookPatch = z.infer<typeof WebhookPatchSchema>;

export const RedeliverSchema = z.strictObject({
  since: z
    .number()
    .int()
    .min(0)
    .meta({ description: 'Send again every matching event after this seq (the events must still be kept)' }),
});

export const WebhookListQuerySchema = PageQuerySchema;
export type WebhookListQuery = z.infer<typeof WebhookListQuerySchema>;
export const WebhookPageSchema = pageOf(WebhookSchema);

export const WebhookDeliverySchema = z
  .object({
    seq: z.number().int(),
    attempt: z.number().int().meta({ description: '1 for the first try of this event' }),
    status: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The receiver's HTTP status; null if none came" }),
    durationMs: z.number().int(),
    error: z.string().optional(),
    at: TimestampSchema,
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export const WebhookDeliveriesSchema = z.object({ items: z.array(WebhookDeliverySchema) });
